// The signaling client's liveness rules with a scripted socket in place of the browser's WebSocket: a socket
// that stops answering is abandoned within the pong deadline and the client comes back with its resume token,
// a network hint checks the socket at once, and a connect that never completes is given up.
import { expect } from '@open-wc/testing';
import { SignalingClient, type NetworkEvents } from '../../src/core/signaling-client';
import { until } from './webrtc-helpers';

class ScriptedSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: ScriptedSocket[] = [];
  readyState = ScriptedSocket.CONNECTING;
  readonly sent: string[] = [];
  onopen: ((e: Event) => void) | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  constructor(readonly url: string) {
    ScriptedSocket.all.push(this);
  }
  send(text: string): void {
    this.sent.push(text);
  }
  close(): void {
    this.readyState = ScriptedSocket.CLOSED;
  }
  open(): void {
    this.readyState = ScriptedSocket.OPEN;
    this.onopen?.(new Event('open'));
  }
  deliver(msg: object): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(msg) }));
  }
  joins(): { resume?: string }[] {
    return this.sent.map((s) => JSON.parse(s) as { type: string; resume?: string }).filter((m) => m.type === 'join');
  }
  pings(): number {
    return this.sent.filter((s) => s.includes('"ping"')).length;
  }
}

const ID = 'A'.repeat(22);
const TOKEN = 'T'.repeat(43);
const ROOM = 'R'.repeat(22);

describe('SignalingClient liveness', () => {
  const native = globalThis.WebSocket;
  let client: SignalingClient | null = null;
  let fire: ((online: boolean) => void) | null = null;
  const network: NetworkEvents = {
    subscribe(changed) {
      fire = changed;
      return () => (fire = null);
    },
  };
  const statuses: string[] = [];

  beforeEach(() => {
    ScriptedSocket.all = [];
    statuses.length = 0;
    (globalThis as { WebSocket: unknown }).WebSocket = ScriptedSocket;
  });
  afterEach(() => {
    client?.stop();
    client = null;
    (globalThis as { WebSocket: unknown }).WebSocket = native;
  });

  function start(opts: { pingIntervalMs?: number; pongTimeoutMs?: number; connectTimeoutMs?: number } = {}): SignalingClient {
    client = new SignalingClient(
      { url: 'ws://signal.test/ws', room: ROOM, minDelayMs: 1, maxDelayMs: 5, pingIntervalMs: 60_000, pongTimeoutMs: 100, connectTimeoutMs: 60_000, network, ...opts },
      { welcome: () => undefined, peerJoined: () => undefined, peerLeft: () => undefined, signal: () => undefined, error: () => undefined, status: (s) => statuses.push(s) },
    );
    client.start();
    return client;
  }

  function welcome(s: ScriptedSocket): void {
    s.open();
    s.deliver({ type: 'welcome', id: ID, room: ROOM, resume: TOKEN, peers: [], iceServers: [] });
  }

  it('abandons a socket whose pong does not come and resumes on a new one', async () => {
    start({ pingIntervalMs: 50 });
    const first = ScriptedSocket.all[0];
    expect(first).to.exist;
    welcome(first!);
    await until(() => first!.pings() > 0);
    // Nothing answers: a dead TCP connection looks exactly like this.
    await until(() => ScriptedSocket.all.length === 2);
    const second = ScriptedSocket.all[1]!;
    second.open();
    expect(second.joins()[0]?.resume).to.equal(TOKEN);
    expect(statuses).to.include('reconnecting');
  });

  it('keeps a socket that answers', async () => {
    start({ pingIntervalMs: 30 });
    const s = ScriptedSocket.all[0]!;
    welcome(s);
    for (let i = 0; i < 5; i++) {
      const before = s.pings();
      await until(() => s.pings() > before);
      s.deliver({ type: 'pong' });
    }
    expect(ScriptedSocket.all.length).to.equal(1);
  });

  it('checks the socket at once on a network change', async () => {
    start();
    const s = ScriptedSocket.all[0]!;
    welcome(s);
    expect(s.pings()).to.equal(0);
    fire?.(true);
    expect(s.pings()).to.equal(1);
    await until(() => ScriptedSocket.all.length === 2);
  });

  it('probes when asked (a peer link failed), once at a time', async () => {
    const c = start();
    const s = ScriptedSocket.all[0]!;
    welcome(s);
    c.probe();
    c.probe();
    expect(s.pings()).to.equal(1);
    s.deliver({ type: 'pong' });
    c.probe();
    expect(s.pings()).to.equal(2);
  });

  it('gives up a connect that never completes and tries again', async () => {
    start({ connectTimeoutMs: 50 });
    await until(() => ScriptedSocket.all.length >= 2);
    expect(ScriptedSocket.all[0]?.readyState).to.equal(ScriptedSocket.CLOSED);
  });

  it('retries at once when the network comes back during a backoff', async () => {
    start({ connectTimeoutMs: 60_000 });
    const s = ScriptedSocket.all[0]!;
    welcome(s);
    s.readyState = ScriptedSocket.CLOSED;
    s.onclose?.(new CloseEvent('close'));
    await until(() => ScriptedSocket.all.length === 2);
    // The next one hangs connecting; the network returning abandons it for a fresh attempt.
    fire?.(true);
    await until(() => ScriptedSocket.all.length === 3);
  });
});
