// What both Durable Objects (room-object.ts, user-object.ts) do with a socket's frames before their own logic:
// each connection's token bucket, the shared per-frame pipeline (core/frame.ts), and the error and close it
// decides on. Buckets live in memory only: a woken object starts them full again.

import { readFrame } from '../core/frame.ts';
import { DEFAULT_RATE_LIMIT, TokenBucket, type RateLimit } from '../core/rate-limit.ts';
import type { ConnId } from '../core/rooms.ts';
import { encodeServerMessage, type ClientMessage, type EncodedData, type ErrorCode, type ServerMessage } from '../protocol.ts';

export interface HibernatableSocket {
  send(message: string): void;
  close(code?: number, reason?: string): void;
  serializeAttachment(value: unknown): void;
  deserializeAttachment(): unknown;
}

export class SocketFrames {
  private readonly buckets = new Map<ConnId, TokenBucket>();
  readonly rateLimit: RateLimit;

  constructor(rateLimit: RateLimit | undefined) {
    this.rateLimit = rateLimit ?? DEFAULT_RATE_LIMIT;
  }

  /** The frame's message for the object to handle, or null when the pipeline already answered (or dropped) it. */
  read(
    ws: HibernatableSocket,
    conn: ConnId,
    data: string | ArrayBuffer,
    now: number,
  ): { msg: ClientMessage; encoded?: EncodedData } | null {
    let bucket = this.buckets.get(conn);
    if (!bucket) {
      bucket = new TokenBucket(this.rateLimit, now);
      this.buckets.set(conn, bucket);
    }
    const out = readFrame(bucket, data, typeof data !== 'string', now);
    if (out.kind === 'close') ws.close(out.code, out.reason);
    else if (out.kind === 'error') sendError(ws, out.code, out.message);
    else if (out.kind === 'handle') return { msg: out.msg, encoded: out.encoded };
    return null;
  }

  forget(conn: ConnId): void {
    this.buckets.delete(conn);
  }
}

export function send(ws: HibernatableSocket, msg: ServerMessage, encoded?: EncodedData): void {
  try {
    ws.send(encodeServerMessage(msg, encoded));
  } catch {
    // The socket is closing; its close event tells the core.
  }
}

export function sendError(ws: HibernatableSocket, code: ErrorCode, message: string): void {
  send(ws, { type: 'error', code, message });
}
