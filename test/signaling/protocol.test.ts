// The relay fast path of protocol.ts: a signal's `data` is forwarded in the sender's own JSON encoding instead of
// being re-serialised. What must hold: whenever parseClientMessage offers that encoding, it decodes to exactly the
// parsed `data`, and the relayed frame is what JSON.stringify would have produced for a frame our client sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeServerMessage, parseClientMessage, parseServerMessage, type ServerMessage } from '../../signaling/src/protocol.ts';

const TO = 'peer-bbbbbbbbbbbbbbbbbbbb';
const FROM = 'peer-aaaaaaaaaaaaaaaaaaaa';

/** Strings full of what JSON escapes: quotes, backslashes, control characters, lone surrogates, astral symbols. */
const nasty = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom('"', '\\', '\\"', '\\\\', '\n', '\u0000', '\u2028', '\ud800', '\udc00', '😀', '}', '{"data":"x"}'),
      fc.string({ unit: 'binary', maxLength: 2 }),
    ),
    minLength: 1,
    maxLength: 40,
  })
  .filter((s) => s.length > 0); // the protocol refuses empty data

test('a frame in the client layout is relayed byte for byte as JSON.stringify would, for any data', () => {
  fc.assert(
    fc.property(nasty, (data) => {
      const parsed = parseClientMessage(JSON.stringify({ type: 'signal', to: TO, data }));
      assert.ok(parsed.ok && parsed.value.type === 'signal');
      assert.ok(parsed.encoded, 'the client layout takes the fast path');
      const relayed: ServerMessage = { type: 'signal', from: FROM, data: parsed.value.data };
      assert.equal(encodeServerMessage(relayed, parsed.encoded), JSON.stringify(relayed));
    }),
    { numRuns: 2000 },
  );
});

// Texts built around the fast path's layout checks: same prefix, then pieces that could fool a naive slicer
// (a second "data" key, escaped quotes at the edges, whitespace, trailing keys).
const piece = fc.constantFrom('"', '\\', '\\"', '\\\\"', ',"data":"', '","data":"', 'x', ' ', '}', '"}', '\\u0022', '","to":"', 'ok');
const tricky = fc
  .tuple(fc.array(piece, { maxLength: 8 }), fc.constantFrom('"}', '" }', '"} ', '}', '"}}', '","x":1}'))
  .map(([middle, end]) => `{"type":"signal","to":"${TO}","data":"${middle.join('')}${end}`);

test('whenever the encoding is offered it decodes to the parsed data; otherwise the relay falls back', () => {
  let offered = 0;
  fc.assert(
    fc.property(
      fc.oneof(
        tricky,
        nasty.map((d) => JSON.stringify({ type: 'signal', to: TO, data: d }) + ' '),
      ),
      (text) => {
        const parsed = parseClientMessage(text);
        if (!parsed.ok || parsed.value.type !== 'signal') return;
        const relayed: ServerMessage = { type: 'signal', from: FROM, data: parsed.value.data };
        const out = encodeServerMessage(relayed, parsed.encoded);
        if (parsed.encoded) {
          offered++;
          assert.equal(JSON.parse(parsed.encoded.json), parsed.value.data);
        }
        const back = parseServerMessage(out);
        assert.ok(back.ok);
        assert.deepEqual(back.value, relayed);
      },
    ),
    { numRuns: 5000 },
  );
  assert.ok(offered > 0, 'some generated frames were in the client layout');
});

test('a duplicate data key, a trailing key or whitespace is relayed with the value JSON.parse chose', () => {
  const cases = [
    `{"type":"signal","to":"${TO}","data":"first","data":"second"}`,
    `{"type":"signal","to":"${TO}","data":"x\\\\","data":"y"}`,
    `{"type":"signal","to":"${TO}","data":"kept","extra":"z"}`,
    `{"type":"signal","to":"${TO}","data":"spaced" }`,
    `{"type":"signal", "to":"${TO}","data":"spaced"}`,
  ];
  for (const text of cases) {
    const parsed = parseClientMessage(text);
    assert.ok(parsed.ok && parsed.value.type === 'signal', text);
    assert.equal(parsed.encoded, undefined, text);
    const expected = (JSON.parse(text) as { data: string }).data;
    assert.equal(
      encodeServerMessage({ type: 'signal', from: FROM, data: parsed.value.data }, parsed.encoded),
      JSON.stringify({ type: 'signal', from: FROM, data: expected }),
    );
  }
});

test('the encoding of one frame is never applied to another payload', () => {
  const parsed = parseClientMessage(JSON.stringify({ type: 'signal', to: TO, data: 'mine' }));
  assert.ok(parsed.ok && parsed.encoded);
  const other: ServerMessage = { type: 'signal', from: FROM, data: 'buffered earlier' };
  assert.equal(encodeServerMessage(other, parsed.encoded), JSON.stringify(other));
  const notSignal: ServerMessage = { type: 'peer-left', id: FROM };
  assert.equal(encodeServerMessage(notSignal, parsed.encoded), JSON.stringify(notSignal));
});
