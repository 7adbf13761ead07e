// Chat entries (chat.ts): what goes out, and how the log grows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appendChat, outgoingChat, type ChatEntry } from '../../src/core/chat';
import { parsePeerMessage } from '../../src/core/peer-protocol';

test('trims outgoing text, drops blank messages, and makes ids the parser accepts', () => {
  assert.equal(outgoingChat('   '), null);
  const m = outgoingChat('  hello  ', 42);
  assert.equal(m?.text, 'hello');
  assert.equal(m?.at, 42);
  assert.equal(parsePeerMessage(JSON.stringify(m)).ok, true);
  assert.notEqual(outgoingChat('hello')?.id, m?.id);
});

test('cuts an outgoing message to what a receiver accepts', () => {
  const m = outgoingChat('x'.repeat(5000));
  assert.equal(m?.text.length, 4000);
  assert.equal(parsePeerMessage(JSON.stringify(m)).ok, true);
});

test('keeps arrival order, ignores a repeated id from the same sender, and bounds the log', () => {
  const e = (id: string, from: string | null): ChatEntry => ({ id, from, name: 'n', text: id, at: 0 });
  let log = appendChat([], e('a', 'k1'));
  log = appendChat(log, e('b', 'k1'));
  log = appendChat(log, e('a', 'k1'));
  log = appendChat(log, e('a', 'k2'));
  assert.deepEqual(
    log.map((x) => `${x.from}/${x.id}`),
    ['k1/a', 'k1/b', 'k2/a'],
  );
  for (let i = 0; i < 600; i++) log = appendChat(log, e(`m${i}`, null));
  assert.equal(log.length, 500);
  assert.equal(log.at(-1)?.id, 'm599');
});

test('returns a new array every time, so the store sees a change', () => {
  const log: ChatEntry[] = [{ id: 'a', from: null, name: 'n', text: 't', at: 0 }];
  assert.notEqual(appendChat(log, log[0]!), log);
});
