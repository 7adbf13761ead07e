// The phone frames' validation (phone-frames.ts, through protocol.ts): each field's pattern, the bounds, and the
// push endpoint rule. A frame refused here never reaches the directory core.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseClientMessage, parseServerMessage } from '../../signaling/src/protocol.ts';
import { envelope, newCall, newKid, subscription } from './phone-keys.ts';

const ID = 'u'.repeat(27);
const KEY = 'k'.repeat(87);
const SIG = 's'.repeat(86);
const KID = newKid();

const code = (frame: unknown, allowLocalPushEndpoints = false): string => {
  const parsed = parseClientMessage(JSON.stringify(frame), { allowLocalPushEndpoints });
  return parsed.ok ? parsed.value.type : parsed.code;
};

test('register: every field has its exact shape; contacts are bounded and deduplicated', () => {
  const ok = { type: 'register', id: ID, key: KEY, sig: SIG, invite: KID, contacts: [KID, KID] };
  const parsed = parseClientMessage(JSON.stringify(ok));
  assert.deepEqual(parsed.ok && parsed.value, { ...ok, contacts: [KID] });
  for (const bad of [
    { id: ID.slice(1) },
    { key: `${KEY}k` },
    { sig: 's'.repeat(85) },
    { invite: 'x' },
    { contacts: 'none' },
    { contacts: ['short'] },
    { contacts: Array.from({ length: 201 }, newKid) },
    { id: `${ID.slice(1)}+` },
  ])
    assert.equal(code({ ...ok, ...bad }), 'bad-message', JSON.stringify(bad).slice(0, 60));
  assert.equal(code({ ...ok, contacts: Array.from({ length: 200 }, newKid) }), 'register');
});

test('ring, ring-reply, ring-cancel, presence: ids, call ids, kids and r1. envelopes of at most 4096 characters', () => {
  const ring = { type: 'ring', to: ID, call: newCall(), kid: KID, data: envelope(KID) };
  assert.equal(code(ring), 'ring');
  assert.equal(code({ ...ring, data: `r1.${'a'.repeat(4093)}` }), 'ring');
  assert.equal(code({ ...ring, data: `r1.${'a'.repeat(4094)}` }), 'bad-message');
  assert.equal(code({ ...ring, data: 'e1.abc' }), 'bad-message');
  assert.equal(code({ ...ring, data: 'r1.<script>' }), 'bad-message');
  assert.equal(code({ ...ring, call: 'short' }), 'bad-message');
  assert.equal(code({ ...ring, kid: undefined }), 'bad-message');
  assert.equal(code({ type: 'ring-reply', to: newCall(), call: newCall(), data: envelope(KID) }), 'ring-reply');
  assert.equal(code({ type: 'ring-reply', to: ID, call: newCall(), data: envelope(KID) }), 'bad-message');
  assert.equal(code({ type: 'ring-cancel', to: ID, call: newCall() }), 'ring-cancel');
  assert.equal(code({ type: 'ring-cancel', to: ID }), 'bad-message');
  assert.equal(code({ type: 'presence', id: ID, kid: KID }), 'presence');
  assert.equal(code({ type: 'presence', id: ID }), 'bad-message');
  assert.equal(code({ type: 'challenge' }), 'challenge');
  assert.equal(code({ type: 'push-unsubscribe' }), 'push-unsubscribe');
});

test('push-subscribe: an https endpoint of at most 2048 characters; local http only when the server allows it', () => {
  const sub = (endpoint: string, keys = subscription().keys) => ({ type: 'push-subscribe', subscription: { endpoint, keys } });
  assert.equal(code(sub('https://fcm.googleapis.com/fcm/send/abc')), 'push-subscribe');
  assert.equal(code(sub(`https://push.example/${'a'.repeat(2048 - 21)}`)), 'push-subscribe');
  assert.equal(code(sub(`https://push.example/${'a'.repeat(2048 - 20)}`)), 'bad-message');
  for (const endpoint of [
    'http://push.example/x',
    'ftp://push.example/x',
    'not a url',
    'https://user:pw@push.example/x',
    'javascript:alert(1)',
  ])
    assert.equal(code(sub(endpoint), true), 'bad-message', endpoint);
  for (const endpoint of ['http://127.0.0.1:9000/push', 'http://localhost/push']) {
    assert.equal(code(sub(endpoint)), 'bad-message', `${endpoint} by default`);
    assert.equal(code(sub(endpoint), true), 'push-subscribe', `${endpoint} when allowed`);
  }
  assert.equal(code(sub('https://push.example/x', { p256dh: 'x', auth: subscription().keys.auth })), 'bad-message');
  assert.equal(code(sub('https://push.example/x', { p256dh: subscription().keys.p256dh, auth: 'x' })), 'bad-message');
  assert.equal(code({ type: 'push-subscribe' }), 'bad-message');
});

test("the browser parses the server's phone frames strictly too", () => {
  const ok = (frame: unknown): boolean => parseServerMessage(JSON.stringify(frame)).ok;
  assert.ok(ok({ type: 'challenge', nonce: newCall() }));
  assert.ok(ok({ type: 'registered', id: ID }));
  assert.ok(ok({ type: 'registered', id: ID, vapidKey: KEY }));
  assert.ok(!ok({ type: 'registered', id: ID, vapidKey: 'short' }));
  assert.ok(ok({ type: 'ring', from: newCall(), call: newCall(), data: envelope(KID) }));
  assert.ok(!ok({ type: 'ring', from: ID, call: newCall(), data: envelope(KID) }));
  assert.ok(ok({ type: 'ring-reply', call: newCall(), data: envelope(KID) }));
  assert.ok(ok({ type: 'ring-cancel', call: newCall(), reason: 'answered' }));
  assert.ok(!ok({ type: 'ring-cancel', call: newCall(), reason: 'bored' }));
  assert.ok(ok({ type: 'presence', id: ID, state: 'push' }));
  assert.ok(!ok({ type: 'presence', id: ID, state: 'away' }));
  assert.ok(ok({ type: 'error', code: 'unknown-link', message: 'x' }));
});
