// The browser's phone engine (src/core/phone/phone.ts) against the real servers, each started as its own process:
// the Node server (`signaling/src/node/main.ts`) and the Worker with its Durable Objects under Miniflare
// (`scripts/worker-local.ts`), over real sockets on 127.0.0.1. The engine's own tests use a stand-in switchboard;
// this is where the two halves of docs/calling.md meet: a registration the server accepts, a ring it routes, an
// answer that brings both into one room, decline and cancel, and a ring waiting for a callee that opens the app.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { freshDataDir } from '../../scripts/data-dir';
import { memoryPhoneStore } from '../../src/core/phone/phone-db';
import { Phone } from '../../src/core/phone/phone';
import type { PhoneState } from '../../src/core/phone/phone-state';
import type { SignalingSocket } from '../../src/core/signaling-client';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A `ws` socket shaped like the browser's WebSocket, as much as the engine uses of it. */
class NodeSocket implements SignalingSocket {
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  private readonly ws: WebSocket;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('open', () => this.onopen?.(new Event('open')));
    this.ws.on('message', (data: Buffer, binary: boolean) => {
      if (!binary) this.onmessage?.(new MessageEvent('message', { data: data.toString() }));
    });
    this.ws.on('close', () => this.onclose?.(new Event('close') as CloseEvent));
    this.ws.on('error', () => {});
  }

  get readyState(): number {
    return this.ws.readyState;
  }

  send(data: string): void {
    this.ws.send(data);
  }

  close(code?: number, reason?: string): void {
    this.ws.close(code, reason);
  }
}

interface Person {
  phone: Phone;
  rooms: { room: string; secret: string; name: string }[];
}

const started: Phone[] = [];

async function person(port: number, name: string, store = memoryPhoneStore()): Promise<Person> {
  const p: Person = { phone: null as unknown as Phone, rooms: [] };
  p.phone = new Phone({
    store,
    signalingUrl: `ws://127.0.0.1:${port}/ws`,
    // The Host the socket uses, which the registration signs (here the page and the server share it).
    host: `127.0.0.1:${port}`,
    origin: 'https://app.test',
    socket: (url) => new NodeSocket(url),
    enterRoom: (room, secret, n) => p.rooms.push({ room, secret, name: n }),
    inCall: () => false,
  });
  started.push(p.phone);
  await p.phone.start();
  await p.phone.setName(name);
  await until(p.phone, (s) => s.registration === 'online');
  return p;
}

async function until(phone: Phone, ok: (s: PhoneState) => boolean, ms = 5000): Promise<PhoneState> {
  const end = Date.now() + ms;
  while (!ok(phone.get())) {
    if (Date.now() > end) throw new Error(`phone state never matched: ${JSON.stringify(phone.get()).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return phone.get();
}

const linkOf = (p: Person): string => p.phone.get().me?.link ?? '';

const servers: ChildProcess[] = [];
after(() => {
  for (const p of started) p.stop();
  for (const s of servers) s.kill('SIGTERM');
});

/** Starts `entry` on a free port and resolves with the port from its `Listening on` line. */
function serve(entry: string, env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(child);
  let output = '';
  return new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start in 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /Listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code}:\n${output}`)));
  });
}

function once(start: () => Promise<number>): () => Promise<number> {
  let port: Promise<number> | null = null;
  return () => (port ??= start());
}

const targets: [string, () => Promise<number>][] = [
  ['node', once(() => serve('signaling/src/node/main.ts', { DIST_DIR: '/nonexistent', STUN_PORT: 'off', DATA_DIR: freshDataDir() }))],
  ['worker', once(() => serve('scripts/worker-local.ts', {}))],
];

for (const [name, port] of targets) {
  describe(`phone engine against the ${name} server`, () => {
    test('a call link rings; Accept puts both in one fresh private room', async () => {
      const [alice, bob] = [await person(await port(), 'Alice'), await person(await port(), 'Bob')];
      await alice.phone.callLink(linkOf(bob));
      const ringing = await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
      assert.equal(ringing.incoming?.name, 'Alice');
      assert.equal(ringing.incoming?.from, alice.phone.get().me?.id);
      await bob.phone.accept();
      await until(alice.phone, (s) => s.outgoing === null && alice.rooms.length === 1);
      assert.deepEqual(bob.rooms[0], { ...alice.rooms[0], name: 'Bob' });
    });

    test('Decline and Cancel end the ring on both sides', async () => {
      const [alice, bob] = [await person(await port(), 'Alice'), await person(await port(), 'Bob')];
      await alice.phone.callLink(linkOf(bob));
      await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
      await bob.phone.decline();
      await until(alice.phone, (s) => s.outgoing?.ended === 'declined');
      alice.phone.dismiss();

      await alice.phone.callLink(linkOf(bob));
      await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
      alice.phone.cancel();
      await until(bob.phone, (s) => s.incoming?.ended === 'cancelled');
    });

    test('a ring to someone whose app is closed reaches them when they open it', async () => {
      const bobStore = memoryPhoneStore();
      const alice = await person(await port(), 'Alice');
      const bob = await person(await port(), 'Bob', bobStore);
      const link = linkOf(bob);
      bob.phone.stop();
      await alice.phone.callLink(link);
      const again = await person(await port(), 'Bob', bobStore);
      const ringing = await until(again.phone, (s) => s.incoming?.phase === 'ringing');
      assert.equal(ringing.incoming?.name, 'Alice');
      await again.phone.accept();
      await until(alice.phone, () => alice.rooms.length === 1);
    });
  });
}
