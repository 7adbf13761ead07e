// The Node adapter end to end: real `ws` clients against a real server on 127.0.0.1, port 0. The protocol cases
// shared with the Durable Object adapter live in protocol-suite.ts; the transport details only Node has are here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import { createSignalingServer, type ServerOptions, type SignalingServer } from '../../signaling/src/node/server.ts';
import { MAX_FRAME_BYTES } from '../../signaling/src/protocol.ts';
import { eventually, healthz, ROOM, TestClient } from './client.ts';
import { protocolSuite } from './protocol-suite.ts';

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

protocolSuite('node', async (opts) => {
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', distDir: '/nonexistent', ...opts });
  return {
    port: server.port,
    counts: async () => {
      const { rooms, sockets } = await healthz(server.port);
      return { rooms, sockets };
    },
    close: () => server.close(),
  };
});

test('far beyond the frame limit `ws` stops reading and closes that socket (1009); nobody else is affected', () =>
  withServer({}, async ({ port }) => {
    const a = await TestClient.joined(port);
    const b = await TestClient.joined(port);
    await a.next('peer-joined');
    const attacker = await TestClient.open(port);
    attacker.ws.send('x'.repeat(8 * MAX_FRAME_BYTES));
    assert.equal((await attacker.closed).code, 1009);
    a.send({ type: 'signal', to: b.welcome.id, data: 'fine' });
    assert.equal((await b.next('signal')).data, 'fine');
    await Promise.all([a.close(), b.close()]);
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

test('pipelined signals (one TCP write, relayed in one corked write) all arrive, in order, byte-identical', () =>
  withServer({ rateLimit: { perSecond: 10_000, burst: 10_000 } }, async ({ port }) => {
    const a = await TestClient.joined(port);
    const b = await TestClient.joined(port);
    await a.next('peer-joined');
    const raw: string[] = [];
    b.ws.on('message', (m: Buffer) => raw.push(m.toString()));
    const sent = Array.from({ length: 200 }, (_, i) => `{"sdp":"offer ${i}\\r\\n","q":"\\"quoted\\""}`);
    // Sent in one tick: the client's frames share TCP segments, so the server reads many per chunk.
    for (const data of sent) a.send({ type: 'signal', to: b.welcome.id, data });
    await eventually(() => assert.equal(raw.length, sent.length), 5000);
    assert.deepEqual(
      raw,
      sent.map((data) => JSON.stringify({ type: 'signal', from: a.welcome.id, data })),
    );
    await Promise.all([a.close(), b.close()]);
  }));
