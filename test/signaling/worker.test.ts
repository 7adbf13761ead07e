// The Cloudflare adapter end to end: the bundled Worker and its Durable Object running in workerd under
// Miniflare (local emulation, offline), driven by real `ws` clients over 127.0.0.1. The protocol cases are the
// same as the Node server's (protocol-suite.ts); routing and origin checks of the Worker itself are here.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { WebSocket } from 'ws';
import { startLocalWorker, type LocalWorker } from '../../scripts/worker-local.ts';
import { newRoom, TestClient } from './client.ts';
import { newUser } from './phone-keys.ts';
import { phoneSuite } from './phone-suite.ts';
import { protocolSuite, type TargetOptions } from './protocol-suite.ts';

// Starting workerd takes seconds, so one instance serves every test with the same settings; the suite uses a
// fresh room per test, and a Durable Object per room keeps tests apart.
const workers = new Map<string, Promise<LocalWorker>>();
function worker(opts: TargetOptions = {}): Promise<LocalWorker> {
  const vars: Record<string, string> = {};
  if (opts.graceMs !== undefined) vars.RESUME_GRACE_SECONDS = String(opts.graceMs / 1000);
  if (opts.rateLimit) {
    vars.RATE_LIMIT_PER_SECOND = String(opts.rateLimit.perSecond);
    vars.RATE_LIMIT_BURST = String(opts.rateLimit.burst);
  }
  const key = JSON.stringify(vars);
  let w = workers.get(key);
  if (!w) {
    w = startLocalWorker(vars);
    workers.set(key, w);
  }
  return w;
}
after(async () => {
  await Promise.all([...workers.values()].map(async (w) => (await w).close()));
});

protocolSuite('worker', async (opts) => {
  const { port } = await worker(opts);
  return { port, close: async () => {} };
});

phoneSuite('worker', async (opts) => {
  const { port } = await worker(opts);
  return { port, pushes: false, close: async () => {} };
});

function upgradeStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
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

test('worker: welcome carries a STUN server by default, since the Worker cannot answer STUN itself', async () => {
  const { port } = await worker();
  const a = await TestClient.joined(port, newRoom());
  try {
    assert.deepEqual(a.welcome.iceServers, [{ urls: ['stun:stun.cloudflare.com:3478'] }]);
  } finally {
    await a.close();
  }
});

test('worker: routes by ?room=, refuses a missing or malformed room, other paths and foreign origins', async () => {
  const { port } = await worker();
  const room = newRoom();
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws?room=${room}`), 101);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws`), 400);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws?room=short`), 400);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/elsewhere?room=${room}`), 404);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws?room=${room}`, `http://127.0.0.1:${port}`), 101);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws?room=${room}`, 'http://localhost:5173'), 101);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws?room=${room}`, 'https://evil.example'), 403);
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.deepEqual(await health.json(), { ok: true });
});

test('worker: a socket joins only the room it was routed to', async () => {
  const { port } = await worker();
  const room = newRoom();
  const a = await TestClient.joined(port, room);
  const stray = await TestClient.open(port, {}, room);
  stray.send({ type: 'join', room: newRoom() });
  assert.equal(await stray.nextError(), 'bad-message');
  await a.expectSilence();
  await Promise.all([a.close(), stray.close()]);
});

test('worker: the exact keepalive frame is answered by the runtime, with the room intact', async () => {
  const { port } = await worker();
  const room = newRoom();
  const a = await TestClient.joined(port, room);
  const b = await TestClient.joined(port, room);
  a.ws.send('{"type":"ping"}');
  await a.next('pong');
  b.send({ type: 'signal', to: a.welcome.id, data: 'hello' });
  assert.deepEqual(await a.next('signal'), { type: 'signal', from: b.welcome.id, data: 'hello' });
  await Promise.all([a.close(), b.close()]);
});

test("worker: routes ?user= to that user's object, which serves frames about its own id only", async () => {
  const { port } = await worker();
  const bob = await newUser();
  const carol = await newUser();
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws?user=${bob.id}`), 101);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws?user=short`), 400);
  assert.equal(await upgradeStatus(`ws://127.0.0.1:${port}/ws?user=${bob.id}`, 'https://evil.example'), 403);
  const c = await TestClient.user(port, bob.id);
  c.send({ type: 'presence', id: carol.id, kid: carol.contact });
  assert.equal(await c.nextError(), 'bad-message');
  c.send({ type: 'presence', id: bob.id, kid: bob.contact });
  assert.equal((await c.next('presence')).state, 'unknown');
  c.send({ type: 'signal', to: 'abcdefgh12345678', data: 'x' });
  assert.equal(await c.nextError(), 'not-joined');
  c.send({ type: 'ping', n: 1 });
  await c.next('pong');
  await c.close();
});
