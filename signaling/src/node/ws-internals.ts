// The two places where the signaling server relies on how `ws` and Node work inside rather than on their public
// API, kept here so that an upgrade that changes either shows up as a failing test/signaling/ws-internals.test.ts
// instead of quietly costing memory or syscalls. What they buy is measured by `npm run bench:signaling`; the
// figures with and without them are in the commit that fenced them in.

import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';

/**
 * EventEmitter starts each emitter's listener table (`_events`) as a null-prototype object, which V8 keeps in
 * dictionary mode: about 280 bytes per socket with the server's four listeners. With the four names declared up
 * front it stays a compact object (56 bytes); Node's own streams pre-shape their `_events` the same way.
 * Replacing it is safe only while it is still empty: `ws` adds no listeners to a server-side socket, and the
 * server registers exactly these four.
 */
export class CompactSocket extends WebSocket {
  _events: Record<string, unknown> = { message: undefined, pong: undefined, error: undefined, close: undefined };
  /** The TCP socket this server handed to `ws` at the upgrade: `ws` writes every frame to it (see `tickCorker`). */
  tcp: Duplex | null = null;
}

/**
 * Frames sent to one socket while handling one read (a sender's pipelined frames arrive in one chunk) leave in
 * one write: the returned function corks the socket until the current tick ends. One syscall per frame was the
 * largest single cost of a relayed message; the flush still happens before any further I/O, so nothing waits.
 */
export function tickCorker(): (tcp: Duplex) => void {
  const corked: Duplex[] = [];
  const uncorkAll = (): void => {
    for (const tcp of corked.splice(0)) tcp.uncork();
  };
  return (tcp) => {
    if (tcp.writableCorked) return;
    tcp.cork();
    if (corked.push(tcp) === 1) process.nextTick(uncorkAll);
  };
}
