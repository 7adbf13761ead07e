// The protocol-level behaviour every signaling adapter must show, written once and run against each target:
// the Node `ws` server (server.test.ts) and the Cloudflare Worker + Durable Object under Miniflare
// (worker.test.ts). Real sockets on 127.0.0.1 in both cases. Every test uses fresh room ids, so a target may be
// shared between tests. Not a test file itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { MAX_FRAME_BYTES, PEER_ID_PATTERN } from '../../signaling/src/protocol.ts';
import type { RateLimit } from '../../signaling/src/core/rate-limit.ts';
import { eventually, newRoom, TestClient } from './client.ts';

export interface TargetOptions {
  graceMs?: number;
  rateLimit?: RateLimit;
}

export interface Target {
  port: number;
  /** Rooms and sockets the server still holds, where the adapter can count them. */
  counts?: () => Promise<{ rooms: number; sockets: number }>;
  close(): Promise<void>;
}

export type StartTarget = (opts: TargetOptions) => Promise<Target>;

async function withTarget(start: StartTarget, opts: TargetOptions, body: (t: Target) => Promise<void>): Promise<void> {
  const target = await start(opts);
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

export function protocolSuite(name: string, start: StartTarget): void {
  test(`${name}: join, welcome, peer-joined, relay with a server-stamped sender, unknown-peer`, () =>
    withTarget(start, {}, async ({ port }) => {
      const room = newRoom();
      const a = await TestClient.joined(port, room);
      assert.match(a.welcome.id, PEER_ID_PATTERN);
      assert.ok(a.welcome.id.length >= 16, 'peer id carries at least 96 random bits');
      assert.deepEqual(a.welcome.peers, []);
      assert.equal(a.welcome.room, room);
      const b = await TestClient.joined(port, room);
      assert.deepEqual(b.welcome.peers, [a.welcome.id]);
      assert.deepEqual(await a.next('peer-joined'), { type: 'peer-joined', id: b.welcome.id });

      // A forged `from` is ignored: the server stamps the real sender.
      b.send({ type: 'signal', to: a.welcome.id, from: 'someone-else-123', data: '{"description":"offer"}' });
      assert.deepEqual(await a.next('signal'), { type: 'signal', from: b.welcome.id, data: '{"description":"offer"}' });

      b.send({ type: 'signal', to: 'nobody-here-000000', data: 'x' });
      assert.equal(await b.nextError(), 'unknown-peer');
      // A peer in another room is just as unknown.
      const c = await TestClient.joined(port, newRoom());
      c.send({ type: 'signal', to: a.welcome.id, data: 'x' });
      assert.equal(await c.nextError(), 'unknown-peer');
      await a.expectSilence();
      await Promise.all([a.close(), b.close(), c.close()]);
    }));

  test(`${name}: room cap: the 7th is refused with room-full and nobody inside notices`, () =>
    withTarget(start, {}, async ({ port }) => {
      const room = newRoom();
      const inside: TestClient[] = [];
      for (let i = 0; i < 6; i++) {
        inside.push(await TestClient.joined(port, room));
        for (const earlier of inside.slice(0, -1)) await earlier.next('peer-joined');
      }
      const seventh = await TestClient.open(port, {}, room);
      seventh.send({ type: 'join', room });
      assert.equal(await seventh.nextError(), 'room-full');
      await Promise.all(inside.map((c) => c.expectSilence(100)));
      await Promise.all([...inside, seventh].map((c) => c.close()));
    }));

  test(`${name}: leave and close both announce peer-left; the room is then released`, () =>
    withTarget(start, { graceMs: 0 }, async (target) => {
      const { port } = target;
      const room = newRoom();
      const a = await TestClient.joined(port, room);
      const b = await TestClient.joined(port, room);
      const c = await TestClient.joined(port, room);
      assert.deepEqual([(await a.next('peer-joined')).id, (await a.next('peer-joined')).id], [b.welcome.id, c.welcome.id]);
      if (target.counts) assert.deepEqual(await target.counts(), { rooms: 1, sockets: 3 });
      b.send({ type: 'leave' });
      assert.equal((await a.next('peer-left')).id, b.welcome.id);
      assert.equal((await c.next('peer-left')).id, b.welcome.id);
      await c.close();
      assert.equal((await a.next('peer-left')).id, c.welcome.id);
      // After leave the socket may join again, as a new peer.
      b.send({ type: 'join', room });
      const again = await b.next('welcome');
      assert.notEqual(again.id, b.welcome.id);
      assert.equal((await a.next('peer-joined')).id, again.id);
      await a.close();
      await b.close();
      const counts = target.counts;
      if (counts) await eventually(async () => assert.deepEqual(await counts(), { rooms: 0, sockets: 0 }));
      // Whatever the adapter, the released room is empty for the next caller.
      const d = await TestClient.joined(port, room);
      assert.deepEqual(d.welcome.peers, []);
      await d.close();
    }));

  test(`${name}: resume within the grace period keeps the id and tells nobody; expiry then announces peer-left`, () =>
    withTarget(start, { graceMs: 400 }, async ({ port }) => {
      const room = newRoom();
      const a = await TestClient.joined(port, room);
      const b = await TestClient.joined(port, room);
      await a.next('peer-joined');
      b.ws.terminate(); // a network blip: no leave, no close handshake
      await b.closed;
      await a.expectSilence(100);
      const b2 = await TestClient.joined(port, room, b.welcome.resume);
      assert.equal(b2.welcome.id, b.welcome.id);
      assert.deepEqual(b2.welcome.peers, [a.welcome.id]);
      assert.notEqual(b2.welcome.resume, b.welcome.resume);
      a.send({ type: 'signal', to: b.welcome.id, data: 'still-there' });
      assert.deepEqual(await b2.next('signal'), { type: 'signal', from: a.welcome.id, data: 'still-there' });
      await a.expectSilence(500); // past the original grace deadline: no late peer-left

      b2.ws.terminate();
      const left = await a.next('peer-left', 3000);
      assert.equal(left.id, b.welcome.id);
      const late = await TestClient.joined(port, room, b2.welcome.resume);
      assert.notEqual(late.welcome.id, b.welcome.id, 'an expired token is a fresh join');
      assert.equal((await a.next('peer-joined')).id, late.welcome.id);
      await Promise.all([a.close(), late.close()]);
    }));

  test(`${name}: malformed, oversized and unknown frames get typed errors and the room keeps working`, () =>
    withTarget(start, {}, async ({ port }) => {
      const room = newRoom();
      const a = await TestClient.joined(port, room);
      const b = await TestClient.joined(port, room);
      await a.next('peer-joined');
      const cases: [string | Buffer, string][] = [
        ['{not json', 'bad-message'],
        ['[]', 'bad-message'],
        ['null', 'bad-message'],
        ['{"type":"teleport"}', 'bad-message'],
        ['{"type":42}', 'bad-message'],
        ['{"type":"signal","to":"x","data":"y"}', 'bad-message'],
        [JSON.stringify({ type: 'signal', to: a.welcome.id, data: 7 }), 'bad-message'],
        [JSON.stringify({ type: 'signal', to: a.welcome.id, data: 'x'.repeat(MAX_FRAME_BYTES) }), 'too-large'],
        [Buffer.from('{"type":"ping"}'), 'bad-message'], // binary frames are not part of the protocol
      ];
      for (const [frame, code] of cases) {
        b.ws.send(frame);
        assert.equal(await b.nextError(), code, `frame ${String(frame).slice(0, 40)}`);
      }
      b.send({ type: 'signal', to: a.welcome.id, data: 'after-the-garbage' });
      assert.equal((await a.next('signal')).data, 'after-the-garbage');
      b.send({ type: 'ping' });
      await b.next('pong');
      await a.expectSilence();
      await Promise.all([a.close(), b.close()]);
    }));

  test(`${name}: not-joined before join and already-joined after`, () =>
    withTarget(start, {}, async ({ port }) => {
      const room = newRoom();
      const c = await TestClient.open(port, {}, room);
      c.send({ type: 'signal', to: 'abcdefgh12345678', data: 'x' });
      assert.equal(await c.nextError(), 'not-joined');
      c.send({ type: 'ping' });
      await c.next('pong');
      c.send({ type: 'join', room });
      await c.next('welcome');
      c.send({ type: 'join', room });
      assert.equal(await c.nextError(), 'already-joined');
      await c.close();
    }));

  test(`${name}: rate limit: one rate-limited error per burst overrun, disconnect on a sustained flood`, () =>
    // A slow refill keeps the counts exact even when a loaded machine spreads the burst over a second or two.
    withTarget(start, { rateLimit: { perSecond: 1, burst: 20 } }, async ({ port }) => {
      const c = await TestClient.open(port);
      // A numbered ping is a full protocol frame (the Worker answers the exact keepalive frame without the object).
      for (let i = 0; i < 30; i++) c.send({ type: 'ping', n: i });
      assert.equal(await c.nextError(), 'rate-limited');
      await eventually(() => assert.ok(c.inbox.filter((m) => m.type === 'pong').length >= 20));
      await new Promise((r) => setTimeout(r, 100));
      assert.ok(c.inbox.filter((m) => m.type === 'pong').length <= 22);
      assert.equal(
        c.inbox.some((m) => m.type === 'error'),
        false,
        'the flood is answered once, not per frame',
      );
      for (let i = 0; i < 100; i++) if (c.ws.readyState === WebSocket.OPEN) c.send({ type: 'ping', n: i });
      assert.equal((await c.closed).code, 1008);

      // A polite client at the same time is unaffected.
      const polite = await TestClient.open(port);
      polite.send({ type: 'ping' });
      await polite.next('pong');
      await polite.close();
    }));
}
