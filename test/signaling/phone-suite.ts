// Calling a person (docs/calling.md) as every signaling adapter must serve it, written once and run against the
// Node `ws` server (phone.test.ts) and the Worker + Durable Objects under Miniflare (worker.test.ts). Real sockets
// on 127.0.0.1; every test makes fresh identities, so a target may be shared between tests. Not a test file.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerMessage } from '../../signaling/src/protocol.ts';
import { CALLER_ID_PATTERN } from '../../signaling/src/phone-frames.ts';
import { newRoom, TestClient } from './client.ts';
import { envelope, newCall, newKid, newUser, registerFrame, subscription, type TestUser } from './phone-keys.ts';
import type { TargetOptions } from './protocol-suite.ts';

export interface PhoneTarget {
  port: number;
  /** Whether the server sends Web Push (the Node server with a sender; never the Worker). */
  pushes: boolean;
  close(): Promise<void>;
}

export type StartPhoneTarget = (opts: TargetOptions) => Promise<PhoneTarget>;

async function withTarget(start: StartPhoneTarget, body: (t: PhoneTarget) => Promise<void>): Promise<void> {
  const target = await start({});
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('test did not finish within 15 s')), 15_000);
  });
  try {
    await Promise.race([body(target), limit]);
  } finally {
    clearTimeout(timer);
    await target.close();
  }
}

/** The Host header `ws` sends, which the registration signs. */
const host = (port: number): string => `127.0.0.1:${port}`;

async function challenge(c: TestClient): Promise<string> {
  c.send({ type: 'challenge' });
  return (await c.next('challenge')).nonce;
}

/** A socket of `user`'s own, registered. */
async function phone(port: number, user: TestUser): Promise<TestClient & { registered: Extract<ServerMessage, { type: 'registered' }> }> {
  const c = await TestClient.user(port, user.id);
  c.send(await registerFrame(user, await challenge(c), host(port)));
  return Object.assign(c, { registered: await c.next('registered') });
}

function ringFrame(callee: TestUser, kid = callee.invite): { type: 'ring'; to: string; call: string; kid: string; data: string } {
  return { type: 'ring', to: callee.id, call: newCall(), kid, data: envelope(kid) };
}

export function phoneSuite(name: string, start: StartPhoneTarget): void {
  test(`${name}: phone: register proves the id; a forged key or a replayed registration is refused`, () =>
    withTarget(start, async ({ port }) => {
      const bob = await newUser();
      const b = await phone(port, bob);
      assert.equal(b.registered.id, bob.id);

      const mallory = await newUser();
      const m = await TestClient.user(port, bob.id);
      m.send({ ...(await registerFrame(mallory, await challenge(m), host(port))), id: bob.id });
      assert.equal(await m.nextError(), 'bad-registration');
      // Bob's own registration, replayed on another socket that asked for its own challenge.
      const n = await challenge(m);
      const replay = await TestClient.user(port, bob.id);
      const nonce = await challenge(replay);
      const frame = await registerFrame(bob, nonce, host(port));
      replay.send(frame);
      await replay.next('registered');
      m.send(frame);
      assert.equal(await m.nextError(), 'bad-registration', `nonce ${n} is not the one signed`);
      replay.send(frame);
      assert.equal(await replay.nextError(), 'bad-registration', 'a nonce works once');
      await b.expectSilence();
      await Promise.all([b.close(), m.close(), replay.close()]);
    }));

  test(`${name}: phone: a ring reaches every socket of the callee; the reply goes back and stops the others`, () =>
    withTarget(start, async ({ port }) => {
      const bob = await newUser();
      const b1 = await phone(port, bob);
      const b2 = await phone(port, bob);
      const alice = await TestClient.user(port, bob.id);
      const ring = ringFrame(bob);
      alice.send(ring);
      const [r1, r2] = await Promise.all([b1.next('ring'), b2.next('ring')]);
      assert.match(r1.from, CALLER_ID_PATTERN);
      assert.deepEqual(r1, { type: 'ring', from: r1.from, call: ring.call, data: ring.data });
      assert.deepEqual(r2, r1);
      const data = envelope(bob.invite);
      b1.send({ type: 'ring-reply', to: r1.from, call: ring.call, data });
      assert.deepEqual(await alice.next('ring-reply'), { type: 'ring-reply', call: ring.call, data });
      assert.deepEqual(await b2.next('ring-cancel'), { type: 'ring-cancel', call: ring.call, reason: 'answered' });
      b2.send({ type: 'ring-reply', to: r1.from, call: ring.call, data });
      assert.equal(await b2.nextError(), 'unknown-peer');
      await Promise.all([b1.expectSilence(), alice.expectSilence()]);
      await Promise.all([b1.close(), b2.close(), alice.close()]);
    }));

  test(`${name}: phone: a rotated link gets unknown-link, an unknown id silence, and a flood rings once`, () =>
    withTarget(start, async ({ port }) => {
      const bob = await newUser();
      const b = await phone(port, bob);
      const old = await TestClient.user(port, bob.id);
      old.send(ringFrame(bob, newKid()));
      assert.equal(await old.nextError(), 'unknown-link');
      const nobody = await newUser();
      const lost = await TestClient.user(port, nobody.id);
      lost.send(ringFrame(nobody));
      await lost.expectSilence(200);

      const flood = await TestClient.user(port, bob.id);
      for (let i = 0; i < 15; i++) flood.send(ringFrame(bob));
      await b.next('ring');
      assert.equal(await flood.nextError(), 'rate-limited');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(b.inbox.filter((m) => m.type === 'ring').length, 0, 'the callee saw one ring');
      await Promise.all([b.close(), old.close(), lost.close(), flood.close()]);
    }));

  test(`${name}: phone: cancel, or the caller's socket closing, stops the ring`, () =>
    withTarget(start, async ({ port }) => {
      const bob = await newUser();
      const b = await phone(port, bob);
      const alice = await TestClient.user(port, bob.id);
      const ring = ringFrame(bob);
      alice.send(ring);
      await b.next('ring');
      alice.send({ type: 'ring-cancel', to: bob.id, call: ring.call });
      assert.deepEqual(await b.next('ring-cancel'), { type: 'ring-cancel', call: ring.call, reason: 'cancelled' });
      const again = ringFrame(bob);
      alice.send(again);
      await b.next('ring');
      await alice.close();
      assert.deepEqual(await b.next('ring-cancel'), { type: 'ring-cancel', call: again.call, reason: 'cancelled' });
      await b.close();
    }));

  test(`${name}: phone: a ring sent while the callee is away reaches it when it registers`, () =>
    withTarget(start, async ({ port }) => {
      const bob = await newUser();
      await (await phone(port, bob)).close();
      const alice = await TestClient.user(port, bob.id);
      const ring = ringFrame(bob);
      alice.send(ring);
      await alice.expectSilence(100);
      const b = await phone(port, bob);
      const got = await b.next('ring');
      assert.deepEqual(got, { type: 'ring', from: got.from, call: ring.call, data: ring.data });
      const data = envelope(bob.invite);
      b.send({ type: 'ring-reply', to: got.from, call: ring.call, data });
      assert.deepEqual(await alice.next('ring-reply'), { type: 'ring-reply', call: ring.call, data });
      await Promise.all([b.close(), alice.close()]);
    }));

  test(`${name}: phone: presence answers contacts only; a push subscription outlives the socket`, () =>
    withTarget(start, async ({ port, pushes }) => {
      const bob = await newUser();
      const b = await phone(port, bob);
      const asker = await TestClient.user(port, bob.id);
      const ask = async (kid: string): Promise<string> => {
        asker.send({ type: 'presence', id: bob.id, kid });
        return (await asker.next('presence')).state;
      };
      assert.equal(await ask(bob.contact), 'online');
      assert.equal(await ask(bob.invite), 'unknown');
      b.send({ type: 'push-subscribe', subscription: subscription() });
      await b.close();
      assert.equal(await ask(bob.contact), pushes ? 'push' : 'unknown', 'push only where the server sends push');
      const b2 = await phone(port, bob);
      b2.send({ type: 'push-unsubscribe' });
      await b2.close();
      assert.equal(await ask(bob.contact), 'unknown');
      const stranger = await TestClient.user(port, bob.id);
      stranger.send({ type: 'push-subscribe', subscription: subscription() });
      assert.equal(await stranger.nextError(), 'not-registered');
      stranger.send({ type: 'push-subscribe', subscription: subscription('http://push.example/x') });
      assert.equal(await stranger.nextError(), 'bad-message');
      await Promise.all([asker.close(), stranger.close()]);
    }));

  test(`${name}: phone: a registered socket cannot join a room, nor a room socket register`, () =>
    withTarget(start, async ({ port }) => {
      const bob = await newUser();
      const b = await phone(port, bob);
      b.send({ type: 'join', room: newRoom() });
      assert.equal(await b.nextError(), 'bad-message');
      const room = newRoom();
      const r = await TestClient.joined(port, room);
      r.send({ type: 'challenge' });
      assert.equal(await r.nextError(), 'bad-message');
      r.send(await registerFrame(bob, 'A'.repeat(22), host(port)));
      assert.equal(await r.nextError(), 'bad-message');
      await Promise.all([b.close(), r.close()]);
    }));
}
