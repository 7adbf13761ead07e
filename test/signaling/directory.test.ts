// The directory core on its own: connections are strings, the clock is passed in, the store is in memory and the
// push sender records what it is asked to send. Real P-256 keys (WebCrypto), so registration checks run for real.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { Directory, RING_TTL_MS } from '../../signaling/src/core/directory.ts';
import type { PushOptions, PushResult, PushSubscriptionRecord } from '../../signaling/src/core/push.ts';
import type { Delivery } from '../../signaling/src/core/rooms.ts';
import { MemoryUserStore } from '../../signaling/src/core/user-store.ts';
import { CALLER_ID_PATTERN } from '../../signaling/src/phone-frames.ts';
import type { ServerMessage } from '../../signaling/src/protocol.ts';
import { envelope, newCall, newKid, newUser, registerFrame, subscription, type TestUser } from './phone-keys.ts';

const HOST = 'call.example.org';
const VAPID = `B${'A'.repeat(86)}`;

interface Sent {
  subscription: PushSubscriptionRecord;
  payload: unknown;
  opts: PushOptions;
}

function world(): { dir: Directory<string>; store: MemoryUserStore; pushes: Sent[]; answer: { result: PushResult }; inRoom: Set<string> } {
  const store = new MemoryUserStore();
  const pushes: Sent[] = [];
  const answer: { result: PushResult } = { result: 'sent' };
  const inRoom = new Set<string>();
  const dir = new Directory<string>({
    store,
    randomId: (bytes) => randomBytes(bytes).toString('base64url'),
    hostOf: () => HOST,
    inRoom: (conn) => inRoom.has(conn),
    vapidPublicKey: VAPID,
    push: async (sub, payload, opts) => {
      pushes.push({ subscription: sub, payload: JSON.parse(payload), opts });
      return answer.result;
    },
  });
  return { dir, store, pushes, answer, inRoom };
}

/** The messages `out` sends to `conn`. */
function to(out: Delivery<string>[], conn: string): ServerMessage[] {
  return out.flatMap((d) => ('to' in d && d.to === conn ? [d.msg] : []));
}

function errorCode(out: Delivery<string>[], conn: string): string | undefined {
  const m = to(out, conn)[0];
  return m?.type === 'error' ? m.code : undefined;
}

async function nonce(dir: Directory<string>, conn: string, now = 0): Promise<string> {
  const m = to(await dir.handle(conn, { type: 'challenge' }, now), conn)[0];
  assert.ok(m?.type === 'challenge');
  return m.nonce;
}

async function register(dir: Directory<string>, conn: string, user: TestUser, now = 0): Promise<Delivery<string>[]> {
  return dir.handle(conn, await registerFrame(user, await nonce(dir, conn, now), HOST), now);
}

function ring(
  callee: TestUser,
  kid = callee.invite,
  call = newCall(),
): { type: 'ring'; to: string; call: string; kid: string; data: string } {
  return { type: 'ring', to: callee.id, call, kid, data: envelope(kid) };
}

test('register: a signed challenge makes the socket its id, stores the kids and advertises the VAPID key', async () => {
  const { dir, store } = world();
  const bob = await newUser();
  const out = await register(dir, 'b1', bob);
  assert.deepEqual(to(out, 'b1'), [{ type: 'registered', id: bob.id, vapidKey: VAPID }]);
  assert.equal(dir.registered('b1'), true);
  assert.deepEqual(await store.get(bob.id), { invite: bob.invite, contacts: [bob.contact] });
});

test("register refuses a forged key, a bad signature, a replayed nonce, another socket's nonce and an expired one; nothing changes", async () => {
  const { dir, store } = world();
  const bob = await newUser();
  const mallory = await newUser();

  // Mallory's key with Bob's id: the id is not the hash of the key.
  const forged = { ...(await registerFrame(mallory, await nonce(dir, 'm'), HOST)), id: bob.id };
  assert.equal(errorCode(await dir.handle('m', forged, 0), 'm'), 'bad-registration');

  // Bob's key, signed for another host (a registration relayed from elsewhere).
  const elsewhere = await registerFrame(bob, await nonce(dir, 'm'), 'evil.example');
  assert.equal(errorCode(await dir.handle('m', elsewhere, 0), 'm'), 'bad-registration');

  // A valid registration, replayed on the same socket and on another one.
  const n = await nonce(dir, 'b1');
  const frame = await registerFrame(bob, n, HOST);
  assert.equal(to(await dir.handle('b1', frame, 0), 'b1')[0]?.type, 'registered');
  assert.equal(errorCode(await dir.handle('b1', frame, 0), 'b1'), 'bad-registration', 'a nonce works once');
  await nonce(dir, 'm');
  assert.equal(errorCode(await dir.handle('m', frame, 0), 'm'), 'bad-registration', "another socket's nonce");
  assert.equal(errorCode(await dir.handle('x', frame, 0), 'x'), 'bad-registration', 'no challenge at all');

  // A challenge answered after 30 s.
  const late = await registerFrame(bob, await nonce(dir, 'late', 1000), HOST);
  assert.equal(errorCode(await dir.handle('late', late, 31_001), 'late'), 'bad-registration');
  // A failed attempt spends the nonce: the right answer after it is refused too.
  const n2 = await nonce(dir, 'm2');
  await dir.handle('m2', { ...(await registerFrame(bob, n2, HOST)), sig: (await registerFrame(bob, n2, 'x')).sig }, 0);
  assert.equal(errorCode(await dir.handle('m2', await registerFrame(bob, n2, HOST), 0), 'm2'), 'bad-registration');

  for (const conn of ['m', 'x', 'late', 'm2']) assert.equal(dir.registered(conn), false);
  assert.equal(await store.get(mallory.id), null);
  assert.deepEqual(dir.stats().users, 1);
});

test('a ring reaches every registered socket of the callee with a server-made from; unknown kid and never-registered ids', async () => {
  const { dir } = world();
  const bob = await newUser();
  await register(dir, 'b1', bob);
  await register(dir, 'b2', bob);
  const r = ring(bob);
  const out = await dir.handle('caller', r, 10);
  const [atB1] = to(out, 'b1');
  assert.ok(atB1?.type === 'ring');
  assert.match(atB1.from, CALLER_ID_PATTERN);
  assert.deepEqual(atB1, { type: 'ring', from: atB1.from, call: r.call, data: r.data });
  assert.deepEqual(to(out, 'b2'), [atB1]);
  assert.deepEqual(to(out, 'caller'), []);

  // The contact's kid rings too; a kid Bob never registered does not.
  assert.equal(to(await dir.handle('friend', ring(bob, bob.contact), 10), 'b1')[0]?.type, 'ring');
  assert.equal(errorCode(await dir.handle('stranger', ring(bob, newKid()), 10), 'stranger'), 'unknown-link');
  // An id that never registered: silence, as for someone offline.
  assert.deepEqual(await dir.handle('lost', ring(await newUser()), 10), []);
});

test('a flood from one socket: the callee sees one ring, the caller hears rate-limited', async () => {
  const { dir } = world();
  const bob = await newUser();
  await register(dir, 'b1', bob);
  const outs = await Promise.all(Array.from({ length: 30 }, (_, i) => dir.handle('flood', ring(bob), i)));
  assert.equal(outs.flatMap((o) => to(o, 'b1')).length, 1);
  assert.equal(outs.filter((o) => errorCode(o, 'flood') === 'rate-limited').length, 29);
});

test('rate limits: 10 rings a minute per caller socket, 20 a minute per callee', async () => {
  const { dir } = world();
  const bob = await newUser();
  await register(dir, 'b1', bob);
  for (let i = 0; i < 10; i++) {
    const r = ring(bob);
    assert.equal(to(await dir.handle('c', r, i * 1000), 'b1')[0]?.type, 'ring', `ring ${i}`);
    await dir.handle('c', { type: 'ring-cancel', to: bob.id, call: r.call }, i * 1000);
  }
  assert.equal(errorCode(await dir.handle('c', ring(bob), 30_000), 'c'), 'rate-limited');
  assert.equal(to(await dir.handle('c', ring(bob), 60_001), 'b1')[0]?.type, 'ring', 'a minute after the first, one more');

  const carol = await newUser();
  await register(dir, 'carol', carol);
  for (let i = 0; i < 20; i++) assert.equal(to(await dir.handle(`s${i}`, ring(carol), 100_000), 'carol')[0]?.type, 'ring');
  assert.equal(errorCode(await dir.handle('s20', ring(carol), 100_000), 's20'), 'rate-limited');
  assert.equal(to(await dir.handle('s21', ring(carol), 160_001), 'carol')[0]?.type, 'ring');
});

test('a ring sent while the callee had no socket is delivered when it registers, for 35 s', async () => {
  const { dir } = world();
  const bob = await newUser();
  await register(dir, 'b1', bob);
  await dir.disconnect('b1', 0);
  const r = ring(bob);
  assert.deepEqual(await dir.handle('caller', r, 1000), []);
  const out = await register(dir, 'b2', bob, 5000);
  assert.deepEqual(
    to(out, 'b2').map((m) => m.type),
    ['registered', 'ring'],
  );
  const delivered = to(out, 'b2')[1];
  assert.ok(delivered?.type === 'ring');
  assert.deepEqual(delivered, { type: 'ring', from: delivered.from, call: r.call, data: r.data });

  // Registering again on the same socket (a new link) updates the kids without ringing twice.
  const again = await register(dir, 'b2', bob, 6000);
  assert.deepEqual(
    to(again, 'b2').map((m) => m.type),
    ['registered'],
  );

  const r2 = ring(bob);
  await dir.handle('caller2', r2, 10_000);
  await dir.disconnect('b2', 10_000);
  const late = await register(dir, 'b3', bob, 10_000 + RING_TTL_MS);
  assert.deepEqual(
    to(late, 'b3').map((m) => m.type),
    ['registered'],
    'forgotten after 35 s',
  );
});

test('push: an offline callee with a subscription gets the ring, then the cancel, under one topic', async () => {
  const { dir, pushes } = world();
  const bob = await newUser();
  const sub = subscription();
  await register(dir, 'b1', bob);
  await dir.handle('b1', { type: 'push-subscribe', subscription: sub }, 0);
  await dir.disconnect('b1', 0);
  const r = ring(bob);
  assert.deepEqual(await dir.handle('caller', r, 1234), []);
  await dir.settled();
  assert.deepEqual(pushes, [
    {
      subscription: sub,
      payload: { t: 'ring', callee: bob.id, call: r.call, kid: r.kid, data: r.data, ts: 1234 },
      opts: { topic: r.call, ttlSeconds: 30, urgency: 'high' },
    },
  ]);
  assert.deepEqual(await dir.handle('caller', { type: 'ring-cancel', to: bob.id, call: r.call }, 2000), []);
  await dir.settled();
  assert.deepEqual(pushes[1], {
    subscription: sub,
    payload: { t: 'cancel', callee: bob.id, call: r.call },
    opts: { topic: r.call, ttlSeconds: 30, urgency: 'high' },
  });
  // An online callee is rung on its sockets, not by push.
  await register(dir, 'b2', bob);
  await dir.handle('caller', ring(bob), 3000);
  await dir.settled();
  assert.equal(pushes.length, 2);
});

test("push: 'gone' deletes the subscription, unless it was replaced meanwhile", async () => {
  const { dir, store, pushes, answer } = world();
  const bob = await newUser();
  await register(dir, 'b1', bob);
  await dir.handle('b1', { type: 'push-subscribe', subscription: subscription() }, 0);
  await dir.disconnect('b1', 0);
  answer.result = 'gone';
  await dir.handle('c1', ring(bob), 0);
  await dir.settled();
  assert.equal(pushes.length, 1);
  assert.deepEqual(await store.get(bob.id), { invite: bob.invite, contacts: [bob.contact] });

  // A push reported gone after the user subscribed again keeps the new subscription.
  const fresh = subscription();
  let release: (r: PushResult) => void = () => {};
  const slow = new Directory<string>({
    store,
    randomId: (bytes) => randomBytes(bytes).toString('base64url'),
    hostOf: () => HOST,
    push: () => new Promise<PushResult>((resolve) => (release = resolve)),
  });
  await register(slow, 'b2', bob);
  await slow.handle('b2', { type: 'push-subscribe', subscription: subscription() }, 0);
  await slow.disconnect('b2', 0);
  await slow.handle('c2', ring(bob), 0);
  await register(slow, 'b3', bob);
  await slow.handle('b3', { type: 'push-subscribe', subscription: fresh }, 0);
  release('gone');
  await slow.settled();
  assert.deepEqual((await store.get(bob.id))?.push, fresh);
});

test('presence: only a contact learns online or push; everyone else always hears unknown', async () => {
  const { dir } = world();
  const bob = await newUser();
  const ask = async (kid: string, id = bob.id) => to(await dir.handle('asker', { type: 'presence', id, kid }, 0), 'asker')[0];
  assert.deepEqual(await ask(bob.contact), { type: 'presence', id: bob.id, state: 'unknown' }, 'never registered');
  await register(dir, 'b1', bob);
  assert.deepEqual(await ask(bob.contact), { type: 'presence', id: bob.id, state: 'online' });
  assert.deepEqual(await ask(bob.invite), { type: 'presence', id: bob.id, state: 'unknown' }, 'the link alone does not tell');
  assert.deepEqual(await ask(newKid()), { type: 'presence', id: bob.id, state: 'unknown' });
  await dir.handle('b1', { type: 'push-subscribe', subscription: subscription() }, 0);
  await dir.disconnect('b1', 0);
  assert.deepEqual(await ask(bob.contact), { type: 'presence', id: bob.id, state: 'push' });
  await register(dir, 'b2', bob);
  await dir.handle('b2', { type: 'push-unsubscribe' }, 0);
  await dir.disconnect('b2', 0);
  assert.deepEqual(await ask(bob.contact), { type: 'presence', id: bob.id, state: 'unknown' });
});

test('reply goes to the caller and stops the other sockets; cancel and a caller leaving stop them all', async () => {
  const { dir } = world();
  const bob = await newUser();
  await register(dir, 'b1', bob);
  await register(dir, 'b2', bob);
  const r = ring(bob);
  const rung = to(await dir.handle('caller', r, 0), 'b1')[0];
  assert.ok(rung?.type === 'ring');
  const data = envelope(bob.invite);
  const reply = { type: 'ring-reply', to: rung.from, call: r.call, data } as const;
  assert.equal(errorCode(await dir.handle('stranger', reply, 1), 'stranger'), 'not-registered');
  const out = await dir.handle('b1', reply, 1);
  assert.deepEqual(to(out, 'caller'), [{ type: 'ring-reply', call: r.call, data }]);
  assert.deepEqual(to(out, 'b2'), [{ type: 'ring-cancel', call: r.call, reason: 'answered' }]);
  assert.deepEqual(to(out, 'b1'), []);
  assert.equal(errorCode(await dir.handle('b2', reply, 2), 'b2'), 'unknown-peer', 'answered once');

  const r2 = ring(bob);
  await dir.handle('caller', r2, 3);
  assert.deepEqual(await dir.handle('caller', { type: 'ring-cancel', to: bob.id, call: newCall() }, 4), [], 'another call: ignored');
  const cancelled = await dir.handle('caller', { type: 'ring-cancel', to: bob.id, call: r2.call }, 4);
  for (const b of ['b1', 'b2']) assert.deepEqual(to(cancelled, b), [{ type: 'ring-cancel', call: r2.call, reason: 'cancelled' }]);

  const r3 = ring(bob);
  await dir.handle('caller', r3, 5);
  const gone = await dir.disconnect('caller', 6);
  assert.deepEqual(to(gone, 'b1'), [{ type: 'ring-cancel', call: r3.call, reason: 'cancelled' }]);
  assert.equal(dir.stats().rings, 0);
});

test('a socket in a room is not a phone; push-subscribe needs a registration', async () => {
  const { dir, inRoom } = world();
  const bob = await newUser();
  assert.equal(errorCode(await dir.handle('x', { type: 'push-subscribe', subscription: subscription() }, 0), 'x'), 'not-registered');
  assert.equal(errorCode(await dir.handle('x', { type: 'push-unsubscribe' }, 0), 'x'), 'not-registered');
  inRoom.add('r');
  assert.equal(errorCode(await dir.handle('r', { type: 'challenge' }, 0), 'r'), 'bad-message');
  assert.equal(errorCode(await dir.handle('r', ring(bob), 0), 'r'), 'bad-message');
});
