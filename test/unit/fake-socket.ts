// A scripted stand-in for the browser's WebSocket: the test opens it, delivers server messages and reads
// what the client sent. Every socket a factory made is kept, in order, so reconnects can be counted.
import type { SignalingSocket, SocketFactory } from '../../src/core/signaling-client';

export class ScriptedSocket implements SignalingSocket {
  readyState = 0;
  readonly sent: string[] = [];
  closedWith: { code?: number; reason?: string } | null = null;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;

  constructor(readonly url: string) {}

  send(text: string): void {
    // As in browsers: an error while connecting, silently dropped once closing or closed.
    if (this.readyState === 0) throw new Error('send on a connecting socket');
    if (this.readyState === 1) this.sent.push(text);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
    this.readyState = 3;
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  deliver(msg: object | string): void {
    this.onmessage?.(new MessageEvent('message', { data: typeof msg === 'string' ? msg : JSON.stringify(msg) }));
  }

  /** The server (or the network) closed it. */
  drop(): void {
    this.readyState = 3;
    this.onclose?.(new Event('close') as CloseEvent);
  }

  messages(): { type: string; [k: string]: unknown }[] {
    return this.sent.map((s) => JSON.parse(s) as { type: string });
  }

  ofType(type: string): { type: string; [k: string]: unknown }[] {
    return this.messages().filter((m) => m.type === type);
  }
}

export function socketFactory(): { sockets: ScriptedSocket[]; factory: SocketFactory } {
  const sockets: ScriptedSocket[] = [];
  return {
    sockets,
    factory: (url) => {
      const s = new ScriptedSocket(url);
      sockets.push(s);
      return s;
    },
  };
}
