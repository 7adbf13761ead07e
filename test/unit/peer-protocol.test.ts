// The boundary for everything a peer sends (peer-protocol.ts): signaling payloads and control messages.
// Every rejection is checked by its reason, so a test cannot pass because some other rule refused the input.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  cleanFileName,
  cleanName,
  fileChannelLabel,
  parseFileChannelLabel,
  parsePeerMessage,
  parseSignalPayload,
} from '../../src/core/peer-protocol';

const ID = 'AbCdEfGh12345678';
const FINGERPRINT = `sha-256 ${Array(32).fill('AB').join(':')}`;
const parse = (v: unknown) => parsePeerMessage(JSON.stringify(v));
/** The reason `v` was refused; an accepted message fails the assertion that follows with what was accepted. */
const error = (v: unknown): string => {
  const r = parse(v);
  return r.ok ? `accepted ${JSON.stringify(r.value).slice(0, 80)}` : r.error;
};
const signalError = (payload: unknown): string => {
  const r = parseSignalPayload(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return r.ok ? `accepted ${JSON.stringify(r.value).slice(0, 80)}` : r.error;
};

describe('signal payloads', () => {
  test('accepts a well-formed hello and trims the name', () => {
    const r = parseSignalPayload(JSON.stringify({ kind: 'hello', key: 'abcdefghijklmnop', name: '  Ana  ', ack: false }));
    assert.deepEqual(r, { ok: true, value: { kind: 'hello', key: 'abcdefghijklmnop', name: 'Ana', ack: false } });
  });

  test('keeps a vouched fingerprint and the offering flag, and leaves out offering=false', () => {
    const hello = { kind: 'hello', key: 'abcdefghijklmnop', name: 'Ana', ack: true, fingerprint: FINGERPRINT };
    assert.deepEqual(parseSignalPayload(JSON.stringify({ ...hello, offering: true })), { ok: true, value: { ...hello, offering: true } });
    assert.deepEqual(parseSignalPayload(JSON.stringify({ ...hello, offering: false })), { ok: true, value: hello });
  });

  test('rejects malformed, oversized and unknown payloads with a reason', () => {
    assert.equal(signalError('{'), 'not JSON');
    assert.equal(signalError('[]'), 'not an object');
    assert.equal(signalError({ kind: 'hello', key: 'short', name: 'x', ack: false }), 'malformed hello');
    assert.equal(signalError({ kind: 'hello', key: 'abcdefghijklmnop', name: '\u202e', ack: false }), 'malformed hello');
    assert.equal(signalError({ kind: 'hello', key: 'abcdefghijklmnop', name: 'x', ack: 'no' }), 'malformed hello');
    assert.equal(signalError({ kind: 'hello', key: 'abcdefghijklmnop', name: 'x', ack: false, offering: 1 }), 'malformed hello');
    assert.equal(
      signalError({ kind: 'hello', key: 'abcdefghijklmnop', name: 'x', ack: false, fingerprint: 'md5 00' }),
      'malformed hello fingerprint',
    );
    assert.equal(signalError({ kind: 'description', description: { type: 'pranswer', sdp: '' } }), 'malformed description');
    // Over the SDP limit but within the message limit: the description itself is refused.
    assert.equal(
      signalError({ kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(48 * 1024 + 1) } }),
      'malformed description',
    );
    assert.equal(signalError({ kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(60_000) } }), 'message too large');
    assert.equal(signalError({ kind: 'candidate', candidate: { candidate: 1 } }), 'malformed candidate');
    assert.equal(
      signalError({ kind: 'candidate', candidate: { candidate: 'c', sdpMid: null, sdpMLineIndex: 0.5 } }),
      'malformed candidate',
    );
    assert.equal(
      signalError({ kind: 'candidate', candidate: { candidate: 'x'.repeat(1025), sdpMid: null, sdpMLineIndex: null } }),
      'malformed candidate',
    );
    assert.equal(signalError({ kind: 'nope' }), 'unknown signal kind');
  });

  test('keeps end-of-candidates (null) distinct from a bad candidate', () => {
    assert.deepEqual(parseSignalPayload(JSON.stringify({ kind: 'candidate', candidate: null })), {
      ok: true,
      value: { kind: 'candidate', candidate: null },
    });
  });

  test('strips control and bidi-override characters from names', () => {
    assert.equal(cleanName('Eve\u202e\u0007'), 'Eve');
    assert.equal(cleanName('   '), null);
    assert.equal(cleanName(7), null);
    assert.equal(cleanName('x'.repeat(100))?.length, 64);
  });
});

describe('control messages', () => {
  test('rejects binary or malformed control messages with a reason', () => {
    assert.deepEqual(parsePeerMessage(new ArrayBuffer(4)), { ok: false, error: 'binary message on the control channel' });
    assert.equal(error({ type: 'state', name: 'A', mic: 'yes', camera: true }), 'malformed state');
    assert.equal(error({ type: 'state', name: '\u202e', mic: true, camera: true }), 'malformed state');
    assert.equal(error({ type: 'screen', on: 'yes' }), 'malformed screen');
    assert.equal(error({ type: 'video-paused' }), 'malformed video-paused');
    assert.equal(error({ type: 'nope' }), 'unknown message type');
  });

  test('accepts state, screen and video-paused, keeping only known fields', () => {
    assert.deepEqual(parse({ type: 'state', name: 'A', mic: true, camera: false, admin: true }), {
      ok: true,
      value: { type: 'state', name: 'A', mic: true, camera: false },
    });
    assert.deepEqual(parse({ type: 'screen', on: true }), { ok: true, value: { type: 'screen', on: true } });
    assert.deepEqual(parse({ type: 'video-paused', paused: false }), { ok: true, value: { type: 'video-paused', paused: false } });
  });

  test('refuses oversized and non-JSON control messages', () => {
    assert.deepEqual(parsePeerMessage(`{"type":"chat","id":"${ID}","text":"${'x'.repeat(20_000)}","at":1}`), {
      ok: false,
      error: 'message too large',
    });
    assert.deepEqual(parsePeerMessage('{nope'), { ok: false, error: 'not JSON' });
  });

  test('parses a chat message and refuses empty or huge ones', () => {
    assert.deepEqual(parse({ type: 'chat', id: ID, text: 'hi', at: 1 }), { ok: true, value: { type: 'chat', id: ID, text: 'hi', at: 1 } });
    assert.equal(error({ type: 'chat', id: 'short', text: 'hi', at: 1 }), 'malformed chat: bad id');
    assert.equal(error({ type: 'chat', id: ID, text: '   ', at: 1 }), 'malformed chat: empty or too long');
    assert.equal(error({ type: 'chat', id: ID, text: 'x'.repeat(4001), at: 1 }), 'malformed chat: empty or too long');
    assert.equal(error({ type: 'chat', id: ID, text: 'hi', at: 'noon' }), 'malformed chat: bad time');
  });
});

describe('file messages', () => {
  test('accepts a well-formed offer and keeps only known fields', () => {
    const r = parse({ type: 'file-offer', id: ID, name: 'report 2024.pdf', size: 5_000_000, mime: 'application/pdf', extra: 1 });
    assert.deepEqual(r, {
      ok: true,
      value: { type: 'file-offer', id: ID, name: 'report 2024.pdf', size: 5_000_000, mime: 'application/pdf' },
    });
    assert.deepEqual(parse({ type: 'file-offer', id: ID, name: 'a', size: 1, mime: 'x'.repeat(129) }), {
      ok: true,
      value: { type: 'file-offer', id: ID, name: 'a', size: 1, mime: '' },
    });
  });

  test('refuses names with path separators, control characters or relative paths', () => {
    const why: Record<string, string> = {
      '../etc/passwd': 'file name contains a path separator',
      'a/b': 'file name contains a path separator',
      'C:\\Windows\\x': 'file name contains a path separator',
      '..': 'file name is a relative path',
      '.': 'file name is a relative path',
      'evil\u202Etxt.exe': 'file name contains control characters',
      'nul\u0000l': 'file name contains control characters',
      '': 'file name missing or too long',
      ['x'.repeat(256)]: 'file name missing or too long',
    };
    for (const [name, reason] of Object.entries(why)) {
      assert.deepEqual(cleanFileName(name), { ok: false, error: reason }, JSON.stringify(name));
      assert.equal(error({ type: 'file-offer', id: ID, name, size: 1, mime: '' }), `malformed file-offer: ${reason}`);
    }
  });

  test('refuses sizes and offsets that are not safe non-negative integers', () => {
    for (const size of [-1, 1.5, 2 ** 53, '10', null, Infinity]) {
      assert.equal(error({ type: 'file-offer', id: ID, name: 'a', size, mime: '' }), 'malformed file-offer: bad size');
    }
    assert.equal(error({ type: 'file-ack', id: ID, offset: -5 }), 'malformed file-ack: bad offset');
    assert.equal(error({ type: 'file-resume', id: ID }), 'malformed file-resume: bad offset');
  });

  test('refuses bad ids, bad digests and unknown types', () => {
    assert.equal(error({ type: 'file-accept', id: 'short' }), 'malformed file-accept: bad id');
    assert.equal(error({ type: 'file-accept', id: '../../aaaaaaaa' }), 'malformed file-accept: bad id');
    assert.equal(error({ type: 'file-end', id: ID, sha256: 'ABC' }), 'malformed file-end: bad sha256');
    assert.equal(error({ type: 'file-end', id: ID, sha256: 'A'.repeat(64) }), 'malformed file-end: bad sha256');
    assert.equal(error({ type: 'file-explode', id: ID }), 'unknown file message type');
  });

  test('maps unknown cancel reasons to a plain cancel', () => {
    assert.deepEqual(parse({ type: 'file-cancel', id: ID, reason: '<script>' }), {
      ok: true,
      value: { type: 'file-cancel', id: ID, reason: 'cancelled' },
    });
    assert.deepEqual(parse({ type: 'file-cancel', id: ID, reason: 'corrupt' }), {
      ok: true,
      value: { type: 'file-cancel', id: ID, reason: 'corrupt' },
    });
  });
});

describe('byte channel labels', () => {
  test('round-trip id and offset', () => {
    assert.deepEqual(parseFileChannelLabel(fileChannelLabel(ID, 0)), { ok: true, value: { id: ID, offset: 0 } });
    assert.deepEqual(parseFileChannelLabel(fileChannelLabel(ID, 2 ** 40)), { ok: true, value: { id: ID, offset: 2 ** 40 } });
  });

  test('refuse anything else', () => {
    for (const label of [
      'control',
      'file:',
      `file:${ID}`,
      `file:${ID}:-1`,
      `file:${ID}:01`,
      `file:${ID}:1.5`,
      `file:short:0`,
      `file:${ID}:99999999999999999`,
    ]) {
      assert.deepEqual(parseFileChannelLabel(label), { ok: false, error: `not a file channel label: ${label}` });
    }
  });
});
