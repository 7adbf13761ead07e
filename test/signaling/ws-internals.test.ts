// What signaling/src/node/ws-internals.ts assumes about `ws` and Node, checked on real sockets: if an upgrade
// changes any of it, these fail before the server quietly loses its memory or syscall savings, or its events.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { CompactSocket, tickCorker } from '../../signaling/src/node/ws-internals.ts';

interface Harness {
  /** The next server-side socket, with the TCP socket `ws` got at its upgrade. */
  accepted: Promise<{ ws: WebSocket; tcp: Duplex }>;
  client: WebSocket;
}

const servers: Server[] = [];
const clients: WebSocket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A server configured like signaling/src/node/server.ts's (no client tracking: it adds a close listener). */
function server(socketClass: typeof WebSocket): WebSocketServer {
  return new WebSocketServer({ noServer: true, WebSocket: socketClass, clientTracking: false, perMessageDeflate: false });
}

async function connect(wss: WebSocketServer): Promise<Harness> {
  const http = createServer();
  servers.push(http);
  const accepted = new Promise<{ ws: WebSocket; tcp: Duplex }>((resolve) => {
    http.on('upgrade', (req, tcp: Duplex, head: Buffer) => wss.handleUpgrade(req, tcp, head, (ws: WebSocket) => resolve({ ws, tcp })));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/`);
  clients.push(client);
  await new Promise((resolve) => client.once('open', resolve));
  return { accepted, client };
}

/** The listener table EventEmitter keeps on each emitter; undefined if Node stops keeping it there. */
function eventsOf(emitter: EventEmitter): unknown {
  return Object.getOwnPropertyDescriptor(emitter, '_events')?.value;
}

test('EventEmitter keeps its listeners in an own `_events` object, one entry per event name', () => {
  const emitter = new EventEmitter();
  const table = eventsOf(emitter);
  assert.equal(typeof table, 'object');
  const listener = (): void => {};
  emitter.on('message', listener);
  assert.equal(eventsOf(emitter), table, 'the table is updated in place, not replaced');
  assert.equal((table as Record<string, unknown>).message, listener);
});

test('`ws` adds no listeners of its own to a server-side socket, so replacing `_events` drops none', async () => {
  const { accepted } = await connect(server(WebSocket));
  const { ws } = await accepted;
  assert.deepEqual(ws.eventNames(), []);
  assert.equal(typeof eventsOf(ws), 'object');
});

test('with the pre-shaped table, message, pong, error and close listeners all fire', async () => {
  const { accepted, client } = await connect(server(CompactSocket));
  const { ws } = await accepted;
  assert.ok(ws instanceof CompactSocket);
  const table = eventsOf(ws);
  assert.deepEqual(Object.keys(table as object), ['message', 'pong', 'error', 'close']);

  const message = new Promise<string>((resolve) => ws.on('message', (data) => resolve(String(data))));
  const pong = new Promise<void>((resolve) => ws.on('pong', () => resolve()));
  const errorSeen = new Promise<void>((resolve) => ws.on('error', () => resolve()));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  assert.equal(eventsOf(ws), table, 'EventEmitter kept our object');
  assert.deepEqual(
    ws
      .eventNames()
      .map(String)
      .sort((a, b) => a.localeCompare(b)),
    ['close', 'error', 'message', 'pong'],
  );

  client.send('hello');
  assert.equal(await message, 'hello');
  ws.ping();
  await pong;
  ws.emit('error', new Error('probe'));
  await errorSeen;
  client.close(4000);
  assert.equal(await closed, 4000);
});

test('`ws` writes its frames to the TCP socket it got at the upgrade, so corking that socket holds them for one tick', async () => {
  const { accepted, client } = await connect(server(CompactSocket));
  const { ws, tcp } = await accepted;
  const received: string[] = [];
  const both = new Promise<void>((resolve) =>
    client.on('message', (data) => {
      if (received.push(String(data)) === 2) resolve();
    }),
  );

  const cork = tickCorker();
  cork(tcp);
  cork(tcp);
  assert.equal(tcp.writableCorked, 1, 'corked once per tick, however many frames');
  ws.send('one');
  ws.send('two');
  assert.ok(tcp.writableLength > 0, 'the frames wait in the corked socket');
  await new Promise((resolve) => process.nextTick(resolve));
  assert.equal(tcp.writableCorked, 0, 'uncorked when the tick ends');
  await both;
  assert.deepEqual(received, ['one', 'two']);
});
