// A small ws test client: keeps every frame it receives in an inbox and lets a test await the next one of a
// kind. Shared by the server tests; not a test file itself.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { parseServerMessage, type ServerMessage } from '../../signaling/src/protocol.ts';

export const ROOM = 'test-room-aaaaaaaaaaaaaaaa';

/** A fresh room id, so tests sharing one server never meet each other's peers. */
export function newRoom(): string {
  return randomBytes(16).toString('base64url');
}

/** The socket URL the browser client uses: the Worker routes by `room`, the Node server ignores it. */
export function socketUrl(port: number, room: string = ROOM): string {
  return `ws://127.0.0.1:${port}/ws?room=${room}`;
}

type Waiter = { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void };

export class TestClient {
  readonly inbox: ServerMessage[] = [];
  /** Every frame ever received, in order; never consumed by `next`. */
  readonly seen: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Waiter[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw: Buffer) => {
      const parsed = parseServerMessage(new Uint8Array(raw));
      assert.ok(parsed.ok, `server sent an invalid frame: ${raw.toString().slice(0, 200)}`);
      this.seen.push(parsed.value);
      const w = this.waiters.findIndex((x) => x.match(parsed.value));
      if (w >= 0) this.waiters.splice(w, 1)[0].resolve(parsed.value);
      else this.inbox.push(parsed.value);
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => {});
  }

  static open(port: number, headers: Record<string, string> = {}, room: string = ROOM): Promise<TestClient> {
    const ws = new WebSocket(socketUrl(port, room), { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('error', reject);
    });
  }

  /** A phone socket as the browser opens it: `?user=` names the callee (or, for its own socket, the user itself). */
  static user(port: number, id: string): Promise<TestClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?user=${id}`);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('error', reject);
    });
  }

  /** Opens a socket, joins `room` and returns the client with its welcome. */
  static async joined(
    port: number,
    room = ROOM,
    resume?: string,
  ): Promise<TestClient & { welcome: Extract<ServerMessage, { type: 'welcome' }> }> {
    const c = await TestClient.open(port, {}, room);
    c.send(resume === undefined ? { type: 'join', room } : { type: 'join', room, resume });
    const welcome = await c.next('welcome');
    return Object.assign(c, { welcome });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  next<T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<Extract<ServerMessage, { type: T }>> {
    return this.waitFor((m): m is Extract<ServerMessage, { type: T }> => m.type === type, timeoutMs, type);
  }

  /** Takes the first frame (queued or future) that satisfies `match`. */
  waitFor<M extends ServerMessage>(match: (m: ServerMessage) => m is M, timeoutMs = 2000, what = 'matching frame'): Promise<M> {
    const i = this.inbox.findIndex(match);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0] as M);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as M);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox).slice(0, 300)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  async nextError(timeoutMs = 5000): Promise<string> {
    return (await this.next('error', timeoutMs)).code;
  }

  /** Waits `ms` and asserts that nothing arrived meanwhile. */
  async expectSilence(ms = 150): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    assert.deepEqual(this.inbox, []);
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

export async function healthz(port: number): Promise<{ ok: boolean; rooms: number; sockets: number }> {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  return (await res.json()) as { ok: boolean; rooms: number; sockets: number };
}

/** Polls until `check` passes or the time is up (for counts that settle after a socket's close handshake). */
export async function eventually(check: () => Promise<void> | void, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
