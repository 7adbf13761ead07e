// One WebSocket to the signaling server for the phone (docs/calling.md, "Presence and ringing on the wire"): the
// callee's own line (`?user=<my id>`, kept open and re-registered after every reconnect) or a caller's short line
// to one callee (`?user=<their id>`). Frames in are validated by protocol.ts before anything reads them.

import { parseServerMessage, type ClientMessage, type ServerMessage } from '../../../signaling/src/protocol';
import type { SignalingSocket, SocketFactory } from '../signaling-client';

const OPEN = 1;

export const browserSocket: SocketFactory = (url) => new WebSocket(url);

export function withUser(url: string, user: string): string {
  const u = new URL(url);
  u.searchParams.set('user', user);
  return u.toString();
}

export interface LineEvents {
  open(): void;
  message(m: ServerMessage): void;
  /** The socket closed; `again` says a reconnect is scheduled. */
  closed(again: boolean): void;
}

export interface LineOptions {
  url: string;
  user: string;
  socket?: SocketFactory;
  /** Reconnect with backoff after a close (the callee's own line); a caller's line is one-shot. */
  reconnect?: boolean;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export class PhoneLine {
  private ws: SignalingSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly opts: LineOptions,
    private readonly on: LineEvents,
  ) {}

  get open(): boolean {
    return this.ws?.readyState === OPEN;
  }

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Sends now, or drops: phone frames are answers to the moment (a ring, a reply), never worth replaying later. */
  send(msg: ClientMessage): boolean {
    if (!this.ws || this.ws.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(msg));
    return true;
  }

  /** After a network change: a new socket at once instead of waiting for the old one to time out. */
  reconnectNow(): void {
    if (this.stopped) return;
    this.drop();
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.drop();
  }

  private drop(): void {
    const ws = this.ws;
    this.ws = null;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    ws.close();
  }

  private connect(): void {
    let ws: SignalingSocket;
    try {
      ws = (this.opts.socket ?? browserSocket)(withUser(this.opts.url, this.opts.user));
    } catch {
      this.closed();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.on.open();
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      const m = parseServerMessage(ev.data);
      if (m.ok) this.on.message(m.value);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.closed();
    };
  }

  private closed(): void {
    const again = !this.stopped && this.opts.reconnect === true;
    this.on.closed(again);
    if (!again) return;
    const min = this.opts.minDelayMs ?? 500;
    const max = this.opts.maxDelayMs ?? 30_000;
    // Full jitter: every phone of a restarted server comes back at a different moment.
    const delay = Math.random() * Math.min(max, min * 2 ** this.attempt++);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
