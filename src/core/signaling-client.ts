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
  /** A socket that hears nothing (not even a pong) this long after a ping is taken for dead. */
  pongTimeoutMs?: number;
  /** A socket that is not welcomed this long after it was opened is given up and tried again. */
  connectTimeoutMs?: number;
  /** Where `online`/`offline` and connection changes come from; tests pass their own. */
  network?: NetworkEvents;
  /** Opens a socket to `url`; tests outside a browser pass a scripted one. */
  socket?: SocketFactory;
}

/** What the client uses of a WebSocket, so a scripted one can stand in for it outside a browser. */
export interface SignalingSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
}

export type SocketFactory = (url: string) => SignalingSocket;

const browserSocket: SocketFactory = (url) => new WebSocket(url);

// WebSocket's readyState values, spelled out: the WebSocket global is missing outside browsers (Node 20).
const CONNECTING = 0;
const OPEN = 1;

/** The browser's hints that the network changed: each one makes us check the socket at once. */
export interface NetworkEvents {
  subscribe(changed: (online: boolean) => void): () => void;
}

interface ConnectionLike extends EventTarget {
  type?: string;
}

export const browserNetwork: NetworkEvents = {
  subscribe(changed) {
    const online = () => changed(true);
    const offline = () => changed(false);
    const connection = (navigator as Navigator & { connection?: ConnectionLike }).connection;
    const change = () => changed(navigator.onLine);
    globalThis.addEventListener?.('online', online);
    globalThis.addEventListener?.('offline', offline);
    connection?.addEventListener('change', change);
    return () => {
      globalThis.removeEventListener?.('online', online);
      globalThis.removeEventListener?.('offline', offline);
      connection?.removeEventListener('change', change);
    };
  },
};

/** Errors after which retrying would only repeat the refusal. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['room-full', 'forbidden-origin']);

export function signalingUrl(location: Location): string {
  const configured = import.meta.env.VITE_SIGNALING_URL as string | undefined;
  if (configured) return configured;
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

/** The Cloudflare Worker routes a socket to its room's Durable Object by `?room=`; the Node server ignores it. */
/** Opens the room's signaling socket early (on the pre-join screen); it sends nothing until Join. */
export function warmSocket(url: string, room: string, socket: SocketFactory = browserSocket): SignalingSocket | null {
  try {
    return socket(withRoom(url, room));
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
 *
 * A TCP connection whose network went away (Wi-Fi to cellular, a new address) looks open for minutes: the
 * browser fires no close until its own timers give up. So every ping has a deadline, a network hint or a
 * failing peer link sends one at once, and a socket that misses it is abandoned without waiting for close.
 */
export class SignalingClient {
  private ws: SignalingSocket | null = null;
  private id: string | null = null;
  private resume: string | null = null;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private deadline: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void) | null = null;
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
  start(warm?: SignalingSocket | null): void {
    this.stopped = false;
    const usable = warm && (warm.readyState === CONNECTING || warm.readyState === OPEN);
    if (!usable) warm?.close();
    this.unsubscribe?.();
    this.unsubscribe = (this.opts.network ?? browserNetwork).subscribe((online) => this.networkChanged(online));
    this.open(usable ? warm : undefined);
  }

  /**
   * Checks now that the socket still carries messages (a peer link failed, the network changed): a ping
   * that must be answered within the pong deadline. Does nothing while a check is already running.
   */
  probe(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== OPEN || this.id === null || this.deadline !== undefined) return;
    ws.send('{"type":"ping"}');
    this.deadline = setTimeout(() => this.abandon(ws), this.opts.pongTimeoutMs ?? 2_000);
  }

  /** Sends a payload to one peer; while reconnecting it waits in a bounded outbox. */
  signal(to: string, data: string): void {
    this.send({ type: 'signal', to, data });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.clearTimers();
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.ws?.readyState === OPEN) this.ws.send(JSON.stringify({ type: 'leave' } satisfies ClientMessage));
    this.ws?.close(1000, 'leave');
    this.ws = null;
    this.on.status('closed');
  }

  private send(msg: ClientMessage): void {
    if (this.ws?.readyState === OPEN && this.id !== null) {
      this.ws.send(JSON.stringify(msg));
    } else if (this.outbox.length < 500) {
      this.outbox.push(msg);
    }
  }

  private open(warm?: SignalingSocket): void {
    this.on.status(this.attempt === 0 && this.id === null ? 'connecting' : 'reconnecting');
    let ws: SignalingSocket;
    try {
      ws = warm ?? (this.opts.socket ?? browserSocket)(withRoom(this.opts.url, this.opts.room));
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    // A connect whose packets go nowhere (the network just changed) can hang for a minute in the browser.
    this.connectTimer = setTimeout(() => this.abandon(ws), this.opts.connectTimeoutMs ?? 4_000);
    ws.onopen = () => {
      const join: ClientMessage = this.resume
        ? { type: 'join', room: this.opts.room, resume: this.resume }
        : { type: 'join', room: this.opts.room };
      ws.send(JSON.stringify(join));
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.probe(), this.opts.pingIntervalMs ?? 3_000);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      // Anything from the server proves the socket alive, not only a pong.
      clearTimeout(this.deadline);
      this.deadline = undefined;
      if (typeof ev.data === 'string') this.receive(ev.data);
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.clearTimers();
      this.ws = null;
      this.scheduleReconnect();
    };
    if (ws.readyState === OPEN) ws.onopen(new Event('open'));
  }

  /** Gives up on a socket that stopped answering and reconnects at once, without waiting for its close. */
  private abandon(ws: SignalingSocket): void {
    if (this.ws !== ws || this.stopped) return;
    console.warn('signaling: the server stopped answering; reconnecting');
    this.clearTimers();
    this.ws = null;
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close();
    this.scheduleReconnect();
  }

  private networkChanged(online: boolean): void {
    if (this.stopped) return;
    if (this.ws?.readyState === OPEN) return this.probe();
    if (!online) return;
    // Connecting or waiting out a backoff over the network that failed us: the new one may work now.
    this.attempt = 0;
    if (this.ws) return this.abandon(this.ws);
    clearTimeout(this.retryTimer);
    this.open();
  }

  private clearTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.deadline);
    clearTimeout(this.connectTimer);
    this.pingTimer = this.deadline = this.connectTimer = undefined;
  }

  private scheduleReconnect(): void {
    this.on.status('reconnecting');
    const min = this.opts.minDelayMs ?? 250;
    // Short enough that someone whose network returns is back within a couple of seconds; jittered so a
    // restarted server gets a room's reconnects spread out.
    const max = this.opts.maxDelayMs ?? 2_000;
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
        clearTimeout(this.connectTimer);
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
