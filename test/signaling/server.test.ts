// The Node adapter end to end: real `ws` clients against a real server on 127.0.0.1, port 0.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { createSignalingServer, type ServerOptions, type SignalingServer } from '../../signaling/src/node.ts';
import { MAX_FRAME_BYTES, PEER_ID_PATTERN } from '../../signaling/src/protocol.ts';
import { eventually, healthz, ROOM, TestClient } from './client.ts';

async function withServer(opts: ServerOptions, body: (server: SignalingServer) => Promise<void>): Promise<void> {
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', distDir: '/nonexistent', ...opts });
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('test did not finish within 10 s')), 10_000);
  });
  try {
    await Promise.race([body(server), limit]);
  } finally {
    clearTimeout(timer);
    await server.close();
  }
}

test('join, welcome, peer-joined, relay with a server-stamped sender, unknown-peer', () =>
  withServer({}, async ({ port }) => {
    const a = await TestClient.joined(port);
    assert.match(a.welcome.id, PEER_ID_PATTERN);
    assert.ok(a.welcome.id.length >= 16, 'peer id carries at least 96 random bits');
    assert.deepEqual(a.welcome.peers, []);
    const b = await TestClient.joined(port);
    assert.deepEqual(b.welcome.peers, [a.welcome.id]);
    assert.deepEqual(await a.next('peer-joined'), { type: 'peer-joined', id: b.welcome.id });

    // A forged `from` is ignored: the server stamps the real sender.
    b.send({ type: 'signal', to: a.welcome.id, from: 'someone-else-123', data: '{"description":"offer"}' });
    assert.deepEqual(await a.next('signal'), { type: 'signal', from: b.welcome.id, data: '{"description":"offer"}' });

    b.send({ type: 'signal', to: 'nobody-here-000000', data: 'x' });
    assert.equal(await b.nextError(), 'unknown-peer');
    // A peer in another room is just as unknown.
    const c = await TestClient.joined(port, 'other-room-bbbbbbbbbbbbbb');
    c.send({ type: 'signal', to: a.welcome.id, data: 'x' });
    assert.equal(await c.nextError(), 'unknown-peer');
    await a.expectSilence();
    await Promise.all([a.close(), b.close(), c.close()]);
  }));

test('room cap: the 7th is refused with room-full and nobody inside notices', () =>
  withServer({}, async ({ port }) => {
    const inside: TestClient[] = [];
    for (let i = 0; i < 6; i++) {
      inside.push(await TestClient.joined(port));
      for (const earlier of inside.slice(0, -1)) await earlier.next('peer-joined');
    }
    const seventh = await TestClient.open(port);
    seventh.send({ type: 'join', room: ROOM });
    assert.equal(await seventh.nextError(), 'room-full');
    await Promise.all(inside.map((c) => c.expectSilence(100)));
    await Promise.all([...inside, seventh].map((c) => c.close()));
  }));

test('leave and close both announce peer-left; healthz counts return to 0', () =>
  withServer({ graceMs: 0 }, async ({ port }) => {
    const a = await TestClient.joined(port);
    const b = await TestClient.joined(port);
    const c = await TestClient.joined(port);
    assert.deepEqual(await healthz(port), { ok: true, rooms: 1, sockets: 3 });
    b.send({ type: 'leave' });
    assert.equal((await a.next('peer-left')).id, b.welcome.id);
    assert.equal((await c.next('peer-left')).id, b.welcome.id);
    await c.close();
    assert.equal((await a.next('peer-left')).id, c.welcome.id);
    await a.close();
    await b.close();
    await eventually(async () => assert.deepEqual(await healthz(port), { ok: true, rooms: 0, sockets: 0 }));
  }));

test('resume within the grace period keeps the id and tells nobody; expiry then announces peer-left', () =>
  withServer({ graceMs: 400 }, async ({ port }) => {
    const a = await TestClient.joined(port);
    const b = await TestClient.joined(port);
    await a.next('peer-joined');
    b.ws.terminate(); // a network blip: no leave, no close handshake
    await b.closed;
    await a.expectSilence(100);
    const b2 = await TestClient.joined(port, ROOM, b.welcome.resume);
    assert.equal(b2.welcome.id, b.welcome.id);
    assert.deepEqual(b2.welcome.peers, [a.welcome.id]);
    assert.notEqual(b2.welcome.resume, b.welcome.resume);
    a.send({ type: 'signal', to: b.welcome.id, data: 'still-there' });
    assert.deepEqual(await b2.next('signal'), { type: 'signal', from: a.welcome.id, data: 'still-there' });
    await a.expectSilence(500); // past the original grace deadline: no late peer-left

    b2.ws.terminate();
    const left = await a.next('peer-left', 2000);
    assert.equal(left.id, b.welcome.id);
    const late = await TestClient.joined(port, ROOM, b2.welcome.resume);
    assert.notEqual(late.welcome.id, b.welcome.id, 'an expired token is a fresh join');
    assert.equal((await a.next('peer-joined')).id, late.welcome.id);
    await Promise.all([a.close(), late.close()]);
  }));

test('malformed, oversized and unknown frames get typed errors and the room keeps working', () =>
  withServer({}, async ({ port }) => {
    const a = await TestClient.joined(port);
    const b = await TestClient.joined(port);
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

    // Far beyond the limit `ws` stops reading and closes that socket (1009); nobody else is affected.
    const attacker = await TestClient.open(port);
    attacker.ws.send('x'.repeat(8 * MAX_FRAME_BYTES));
    assert.equal((await attacker.closed).code, 1009);
    a.send({ type: 'signal', to: b.welcome.id, data: 'fine' });
    assert.equal((await b.next('signal')).data, 'fine');
    await Promise.all([a.close(), b.close()]);
  }));

test('not-joined before join and already-joined after', () =>
  withServer({}, async ({ port }) => {
    const c = await TestClient.open(port);
    c.send({ type: 'signal', to: 'abcdefgh12345678', data: 'x' });
    assert.equal(await c.nextError(), 'not-joined');
    c.send({ type: 'ping' });
    await c.next('pong');
    c.send({ type: 'join', room: ROOM });
    await c.next('welcome');
    c.send({ type: 'join', room: ROOM });
    assert.equal(await c.nextError(), 'already-joined');
    await c.close();
  }));

test('rate limit: one rate-limited error per burst overrun, disconnect on a sustained flood', () =>
  withServer({ rateLimit: { perSecond: 10, burst: 20 } }, async ({ port }) => {
    const c = await TestClient.open(port);
    for (let i = 0; i < 30; i++) c.send({ type: 'ping' });
    assert.equal(await c.nextError(), 'rate-limited');
    await new Promise((r) => setTimeout(r, 150));
    assert.ok(c.inbox.filter((m) => m.type === 'pong').length >= 20);
    assert.equal(c.inbox.filter((m) => m.type === 'pong').length <= 22, true);
    assert.equal(c.inbox.some((m) => m.type === 'error'), false, 'the flood is answered once, not per frame');
    for (let i = 0; i < 100; i++) if (c.ws.readyState === WebSocket.OPEN) c.send({ type: 'ping' });
    assert.equal((await c.closed).code, 1008);

    // A polite client at the same time is unaffected.
    const polite = await TestClient.open(port);
    polite.send({ type: 'ping' });
    await polite.next('pong');
    await polite.close();
  }));

function upgradeStatus(port: number, origin: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { origin });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (err) => {
      if (!err.message.includes('Unexpected server response')) reject(err);
    });
  });
}

test('origin allow-list: listed origins pass, others get 403', () =>
  withServer({ allowedOrigins: ['https://call.example.org'] }, async ({ port }) => {
    assert.equal(await upgradeStatus(port, 'https://call.example.org'), 101);
    assert.equal(await upgradeStatus(port, 'https://evil.example'), 403);
    assert.equal(await upgradeStatus(port, `http://127.0.0.1:${port}`), 403);
  }));

test('origin default: same host and loopback pages pass, foreign pages get 403; other paths 404', () =>
  withServer({}, async ({ port }) => {
    assert.equal(await upgradeStatus(port, `http://127.0.0.1:${port}`), 101);
    assert.equal(await upgradeStatus(port, 'http://localhost:5173'), 101);
    assert.equal(await upgradeStatus(port, 'https://evil.example'), 403);
    assert.equal(await upgradeStatus(port, 'null'), 403);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/not-ws`);
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => {});
    });
    assert.equal(status, 404);
  }));

test('heartbeat: a socket that stops answering pings is terminated and its room hears of it', () =>
  withServer({ heartbeatMs: 200, graceMs: 0 }, async ({ port }) => {
    const live = await TestClient.joined(port);
    const started = Date.now();
    const mute = new WebSocket(`ws://127.0.0.1:${port}/ws`, { autoPong: false });
    const muteClosed = new Promise((r) => mute.once('close', r));
    await new Promise((r) => mute.once('open', r));
    mute.send(JSON.stringify({ type: 'join', room: ROOM }));
    const muteId = (await live.next('peer-joined')).id;
    await muteClosed;
    assert.ok(Date.now() - started < 3000, 'terminated within a few intervals');
    assert.equal((await live.next('peer-left')).id, muteId);
    await live.expectSilence(600); // the answering client survives several intervals
    assert.equal(live.ws.readyState, WebSocket.OPEN);
    await live.close();
  }));

test('resume while the old socket still looks open: the old one is closed with 4000, nobody else hears', () =>
  withServer({}, async ({ port }) => {
    const a = await TestClient.joined(port);
    const b = await TestClient.joined(port);
    await a.next('peer-joined');
    const b2 = await TestClient.joined(port, ROOM, b.welcome.resume);
    assert.equal(b2.welcome.id, b.welcome.id);
    assert.equal((await b.closed).code, 4000);
    a.send({ type: 'signal', to: b.welcome.id, data: 'to-the-new-socket' });
    assert.equal((await b2.next('signal')).data, 'to-the-new-socket');
    await a.expectSilence(200);
    await Promise.all([a.close(), b2.close()]);
  }));
