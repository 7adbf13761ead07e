import { parseServerMessage, type ClientMessage, type ErrorCode, type IceServer } from '../../signaling/src/protocol';

export type ServerStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface SignalingEvents {
  welcome(w: { id: string; peers: string[]; iceServers: IceServer[]; resumed: boolean }): void;
  peerJoined(id: string): void;
  peerLeft(id: string): void;
  signal(from: string, data: string): void;
  error(code: ErrorCode, message: string): void;
  status(status: ServerStatus): void;
}

export interface SignalingOptions {
  url: string;
  room: string;
  /** Backoff bounds for reconnects; jitter spreads a room's reconnects after a server restart. */
  minDelayMs?: number;
  maxDelayMs?: number;
  pingIntervalMs?: number;
}

/** Errors after which retrying would only repeat the refusal. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['room-full', 'forbidden-origin']);

export function signalingUrl(location: Location): string {
  const configured = import.meta.env.VITE_SIGNALING_URL as string | undefined;
  if (configured) return configured;
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

/** The Cloudflare Worker routes a socket to its room's Durable Object by `?room=`; the Node server ignores it. */
/** Opens the room's signaling socket early (on the pre-join screen); it sends nothing until Join. */
export function warmSocket(url: string, room: string): WebSocket | null {
  try {
    return new WebSocket(withRoom(url, room));
  } catch {
    return null;
  }
}

export function withRoom(url: string, room: string): string {
  const u = new URL(url);
  u.searchParams.set('room', room);
  return u.toString();
}

/**
 * One WebSocket to the signaling server that keeps coming back: exponential backoff with full jitter,
 * and a resume token so a reconnect keeps the same peer id (the server then tells nobody we were gone).
 */
export class SignalingClient {
  private ws: WebSocket | null = null;
  private id: string | null = null;
  private resume: string | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private readonly outbox: ClientMessage[] = [];

  constructor(
    private readonly opts: SignalingOptions,
    private readonly on: SignalingEvents,
  ) {}

  get peerId(): string | null {
    return this.id;
  }

  /**
   * `warm`: a socket to this room's URL opened ahead of time (see `warmSocket`), so pressing Join does
   * not wait for a TCP and WebSocket handshake. Used only if it is still connecting or open.
   */
  start(warm?: WebSocket | null): void {
    this.stopped = false;
    const usable = warm && (warm.readyState === WebSocket.CONNECTING || warm.readyState === WebSocket.OPEN);
    if (!usable) warm?.close();
    this.open(usable ? warm : undefined);
  }

  /** Sends a payload to one peer; while reconnecting it waits in a bounded outbox. */
  signal(to: string, data: string): void {
    this.send({ type: 'signal', to, data });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'leave' } satisfies ClientMessage));
    this.ws?.close(1000, 'leave');
    this.ws = null;
    this.on.status('closed');
  }

  private send(msg: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN && this.id !== null) {
      this.ws.send(JSON.stringify(msg));
    } else if (this.outbox.length < 500) {
      this.outbox.push(msg);
    }
  }

  private open(warm?: WebSocket): void {
    this.on.status(this.attempt === 0 && this.id === null ? 'connecting' : 'reconnecting');
    const ws = warm ?? new WebSocket(withRoom(this.opts.url, this.opts.room));
    this.ws = ws;
    ws.onopen = () => {
      const join: ClientMessage = this.resume ? { type: 'join', room: this.opts.room, resume: this.resume } : { type: 'join', room: this.opts.room };
      ws.send(JSON.stringify(join));
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}'), this.opts.pingIntervalMs ?? 10_000);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.receive(ev.data);
    };
    ws.onclose = () => {
      clearInterval(this.pingTimer);
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      this.scheduleReconnect();
    };
    if (ws.readyState === WebSocket.OPEN) ws.onopen(new Event('open'));
  }

  private scheduleReconnect(): void {
    this.on.status('reconnecting');
    const min = this.opts.minDelayMs ?? 250;
    const max = this.opts.maxDelayMs ?? 8_000;
    const delay = Math.random() * Math.min(max, min * 2 ** this.attempt);
    this.attempt++;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  private receive(text: string): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) {
      console.warn('signaling: dropped a malformed server message:', parsed.message);
      return;
    }
    const m = parsed.value;
    switch (m.type) {
      case 'welcome': {
        const resumed = this.id === m.id;
        if (!resumed) this.outbox.length = 0; // addressed to peer ids of a previous session
        this.id = m.id;
        this.resume = m.resume;
        this.attempt = 0;
        this.on.status('connected');
        this.on.welcome({ id: m.id, peers: m.peers, iceServers: m.iceServers, resumed });
        for (const queued of this.outbox.splice(0)) this.send(queued);
        break;
      }
      case 'peer-joined':
        this.on.peerJoined(m.id);
        break;
      case 'peer-left':
        this.on.peerLeft(m.id);
        break;
      case 'signal':
        this.on.signal(m.from, m.data);
        break;
      case 'error':
        this.on.error(m.code, m.message);
        if (FATAL.has(m.code)) this.stop();
        break;
      case 'pong':
        break;
    }
  }
}
