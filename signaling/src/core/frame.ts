// What to do with one frame from a client, decided before the room core sees it. Both adapters (node/server.ts,
// cloudflare/room-object.ts) call this and carry out the answer, so a rate-limit rule or an error text is
// changed in one place. Pure: the caller passes the clock in and owns the connection's bucket.
//
// The order matters: the bucket is charged first, so a flood of malformed or binary frames is throttled and then
// disconnected like any other flood; only the first refused frame of a run is answered, so a flood gets one error.

import { parseClientMessage, type ClientMessage, type EncodedData, type ErrorCode, type PhoneParseOptions } from '../protocol.ts';
import { CLOSE_POLICY } from './close-codes.ts';
import type { TokenBucket } from './rate-limit.ts';

export type FrameOutcome =
  | { kind: 'close'; code: number; reason: string }
  | { kind: 'error'; code: ErrorCode; message: string }
  | { kind: 'drop' }
  /** `encoded` is the frame's own encoding of a relayed signal's data (see protocol.ts). */
  | { kind: 'handle'; msg: ClientMessage; encoded?: EncodedData };

const DROP: FrameOutcome = { kind: 'drop' };
const BINARY: FrameOutcome = { kind: 'error', code: 'bad-message', message: 'frames must be JSON text' };

export function readFrame(
  bucket: TokenBucket,
  frame: string | ArrayBuffer | Uint8Array,
  binary: boolean,
  now: number,
  parse: PhoneParseOptions = {},
): FrameOutcome {
  const verdict = bucket.take(now);
  if (verdict === 'abuse') return { kind: 'close', code: CLOSE_POLICY, reason: 'rate limit exceeded' };
  if (verdict === 'limited') {
    if (!bucket.firstRefusal) return DROP;
    return { kind: 'error', code: 'rate-limited', message: `more than ${bucket.limit.perSecond} messages per second` };
  }
  if (binary) return BINARY;
  const parsed = parseClientMessage(frame, parse);
  if (!parsed.ok) return { kind: 'error', code: parsed.code, message: parsed.message };
  return { kind: 'handle', msg: parsed.value, encoded: parsed.encoded };
}
