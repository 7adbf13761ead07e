// The per-frame pipeline both adapters share, driven directly: a bucket, a frame, a clock, an outcome.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLOSE_POLICY } from '../../signaling/src/core/close-codes.ts';
import { readFrame } from '../../signaling/src/core/frame.ts';
import { TokenBucket } from '../../signaling/src/core/rate-limit.ts';

const PING = '{"type":"ping"}';

test('a valid frame is handed to the room core, with a signal keeping its own encoding', () => {
  const bucket = new TokenBucket({ perSecond: 10, burst: 10 }, 0);
  assert.deepEqual(readFrame(bucket, PING, false, 0), { kind: 'handle', msg: { type: 'ping' }, encoded: undefined });
  const signal = '{"type":"signal","to":"peerAAAAAAAA","data":"x"}';
  const out = readFrame(bucket, new TextEncoder().encode(signal), false, 0);
  assert.equal(out.kind, 'handle');
  assert.deepEqual(out.kind === 'handle' && out.encoded, { data: 'x', json: '"x"' });
});

test('binary and malformed frames get a typed error and still cost a token', () => {
  const bucket = new TokenBucket({ perSecond: 1, burst: 2 }, 0);
  assert.deepEqual(readFrame(bucket, new Uint8Array([1]), true, 0), {
    kind: 'error',
    code: 'bad-message',
    message: 'frames must be JSON text',
  });
  assert.deepEqual(readFrame(bucket, '{', false, 0), { kind: 'error', code: 'bad-message', message: 'frame is not valid JSON' });
  assert.equal(readFrame(bucket, PING, false, 0).kind, 'error', 'the bucket is empty after two bad frames');
});

test('a flood gets one rate-limited error, then silence, then the policy close', () => {
  const bucket = new TokenBucket({ perSecond: 5, burst: 3 }, 0);
  const kinds = Array.from({ length: 7 }, () => readFrame(bucket, PING, false, 0));
  assert.deepEqual(
    kinds.slice(0, 3).map((o) => o.kind),
    ['handle', 'handle', 'handle'],
  );
  assert.deepEqual(kinds[3], { kind: 'error', code: 'rate-limited', message: 'more than 5 messages per second' });
  assert.deepEqual(
    kinds.slice(4, 6).map((o) => o.kind),
    ['drop', 'drop'],
  );
  assert.deepEqual(kinds[6], { kind: 'close', code: CLOSE_POLICY, reason: 'rate limit exceeded' });
  assert.equal(readFrame(bucket, PING, false, 1000).kind, 'handle', 'a second later the bucket has refilled');
});
