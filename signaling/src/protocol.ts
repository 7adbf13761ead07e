// The signaling wire format, shared by the server and the browser client. Every frame is one JSON object;
// both sides parse incoming frames here and nowhere else. The server never reads `data` of a signal: it is
// an opaque string (JSON today, ciphertext once signaling is end-to-end encrypted) relayed to a named peer.

import { parsePhoneClientMessage, parsePhoneServerMessage, type PhoneParseOptions } from './phone-frames';
import type { PushSubscriptionRecord } from './core/push';

export type { PhoneParseOptions } from './phone-frames';

export const MAX_FRAME_BYTES = 64 * 1024;
/** Room ids are base64url of at least 128 random bits (22 chars); the cap keeps ids bounded. */
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;
export const PEER_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;

export type ClientMessage =
  | { type: 'join'; room: string; resume?: string }
  | { type: 'signal'; to: string; data: string }
  | { type: 'leave' }
  | { type: 'ping' }
  // Calling a person (docs/calling.md); validated in phone-frames.ts.
  | { type: 'challenge' }
  | { type: 'register'; id: string; key: string; sig: string; invite: string; contacts: string[] }
  | { type: 'ring'; to: string; call: string; kid: string; data: string }
  | { type: 'ring-reply'; to: string; call: string; data: string }
  | { type: 'ring-cancel'; to: string; call: string }
  | { type: 'presence'; id: string; kid: string }
  | { type: 'push-subscribe'; subscription: PushSubscriptionRecord }
  | { type: 'push-unsubscribe' };

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

export type ErrorCode =
  | 'bad-message'
  | 'too-large'
  | 'room-full'
  | 'not-joined'
  | 'already-joined'
  | 'unknown-peer'
  | 'rate-limited'
  | 'forbidden-origin'
  | 'bad-registration'
  | 'unknown-link'
  | 'not-registered';

/** Why a ring stopped ringing on the callee's sockets. */
export type RingCancelReason = 'answered' | 'cancelled';

/** `online`: a registered socket; `push`: a stored push subscription; `unknown`: neither, or not for you to know. */
export type PresenceState = 'online' | 'push' | 'unknown';

export type ServerMessage =
  | { type: 'welcome'; id: string; room: string; peers: string[]; resume: string; iceServers: IceServer[] }
  | { type: 'peer-joined'; id: string }
  | { type: 'peer-left'; id: string }
  | { type: 'signal'; from: string; data: string }
  | { type: 'error'; code: ErrorCode; message: string }
  | { type: 'pong' }
  | { type: 'challenge'; nonce: string }
  | { type: 'registered'; id: string; vapidKey?: string }
  | { type: 'ring'; from: string; call: string; data: string }
  | { type: 'ring-reply'; call: string; data: string }
  | { type: 'ring-cancel'; call: string; reason: RingCancelReason }
  | { type: 'presence'; id: string; state: PresenceState };

export type Parsed<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

function fail<T>(code: ErrorCode, message: string): Parsed<T> {
  return { ok: false, code, message };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// One decoder for every frame: constructing one per frame cost as much as parsing the JSON (bench/signaling.ts).
const utf8 = new TextDecoder();

function decode(raw: string | ArrayBuffer | Uint8Array): Parsed<{ text: string; value: Record<string, unknown> }> {
  const size = typeof raw === 'string' ? raw.length : raw.byteLength;
  if (size > MAX_FRAME_BYTES) return fail('too-large', `frame exceeds ${MAX_FRAME_BYTES} bytes`);
  const text = typeof raw === 'string' ? raw : utf8.decode(raw);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('bad-message', 'frame is not valid JSON');
  }
  if (!isRecord(value) || typeof value.type !== 'string') return fail('bad-message', 'frame has no type');
  return { ok: true, value: { text, value } };
}

function str(v: unknown, pattern: RegExp): v is string {
  return typeof v === 'string' && pattern.test(v);
}

/**
 * A signal's `data` exactly as the sender encoded it in JSON (quotes included), next to its value. Relaying that
 * text saves re-escaping the payload on every hop: JSON.stringify of a 2 KB string cost Node 20 about four times
 * as much as parsing the whole frame (bench/signaling.ts).
 */
export interface EncodedData {
  data: string;
  json: string;
}

/** A client frame, validated; `encoded` is set for a signal sent in the layout JSON.stringify gives it. */
export type ParsedClientMessage =
  { ok: true; value: ClientMessage; encoded?: EncodedData } | { ok: false; code: ErrorCode; message: string };

/** Validates a frame from a browser. Extra fields are ignored; the sender's identity is never taken from it. */
export function parseClientMessage(raw: string | ArrayBuffer | Uint8Array, opts: PhoneParseOptions = {}): ParsedClientMessage {
  const d = decode(raw);
  if (!d.ok) return d;
  const { text, value: m } = d.value;
  switch (m.type) {
    case 'join':
      if (!str(m.room, ROOM_ID_PATTERN)) return fail('bad-message', 'join needs a valid room id');
      if (m.resume !== undefined && !str(m.resume, TOKEN_PATTERN)) return fail('bad-message', 'bad resume token');
      return {
        ok: true,
        value: m.resume === undefined ? { type: 'join', room: m.room } : { type: 'join', room: m.room, resume: m.resume },
      };
    case 'signal':
      if (!str(m.to, PEER_ID_PATTERN)) return fail('bad-message', 'signal needs a valid peer id in "to"');
      if (typeof m.data !== 'string' || m.data.length === 0) return fail('bad-message', 'signal needs string data');
      return withEncodedData({ type: 'signal', to: m.to, data: m.data }, text);
    case 'leave':
      return { ok: true, value: { type: 'leave' } };
    case 'ping':
      return { ok: true, value: { type: 'ping' } };
    default:
      return parsePhoneClientMessage(m, opts);
  }
}

const SIGNAL_HEAD = '{"type":"signal","to":"';
const SIGNAL_MID = '","data":';

/**
 * Finds `data`'s JSON text when the frame is exactly `{"type":"signal","to":"<to>","data":"…"}` (what the client
 * sends). JSON.parse already accepted the whole frame; what is checked here is that the bytes between `"data":`
 * and the closing `}` are one string token: the quote after `to` is unescaped (`to` matched PEER_ID_PATTERN, so
 * it holds no backslash) and no quote inside is unescaped. Then that token is the only `data` key, and decodes to
 * `msg.data`. Any other layout (extra keys, other order, whitespace) is relayed through JSON.stringify instead.
 */
function withEncodedData(msg: { type: 'signal'; to: string; data: string }, text: string): ParsedClientMessage {
  const plain: ParsedClientMessage = { ok: true, value: msg };
  const open = SIGNAL_HEAD.length + msg.to.length + SIGNAL_MID.length;
  const close = text.length - 2;
  if (
    !text.startsWith(SIGNAL_HEAD) ||
    !text.startsWith(msg.to, SIGNAL_HEAD.length) ||
    !text.startsWith(SIGNAL_MID, open - SIGNAL_MID.length) ||
    text.charCodeAt(open) !== QUOTE ||
    text.charCodeAt(close) !== QUOTE ||
    text.charCodeAt(close + 1) !== BRACE
  )
    return plain;
  for (let q = text.indexOf('"', open + 1); q < close; q = text.indexOf('"', q + 1)) {
    if (q === -1 || !escaped(text, q)) return plain;
  }
  if (escaped(text, close)) return plain;
  return { ok: true, value: msg, encoded: { data: msg.data, json: text.slice(open, close + 1) } };
}

const QUOTE = 0x22;
const BRACE = 0x7d;
const BACKSLASH = 0x5c;

/** A quote is escaped when an odd run of backslashes precedes it (`\\"` ends a string, `\"` does not). */
function escaped(text: string, quote: number): boolean {
  let i = quote - 1;
  while (text.charCodeAt(i) === BACKSLASH) i--;
  return (quote - 1 - i) % 2 === 1;
}

/**
 * Serialises a server message. A relayed signal reuses the sender's encoding of `data` when `encoded` is that very
 * payload; the result is then byte for byte what JSON.stringify(msg) gives for a frame our client sent.
 */
export function encodeServerMessage(msg: ServerMessage, encoded?: EncodedData): string {
  if (msg.type === 'signal' && encoded !== undefined && msg.data === encoded.data) {
    return `{"type":"signal","from":${JSON.stringify(msg.from)},"data":${encoded.json}}`;
  }
  return JSON.stringify(msg);
}

function isIceServer(v: unknown): v is IceServer {
  return (
    isRecord(v) &&
    Array.isArray(v.urls) &&
    v.urls.every((u) => typeof u === 'string') &&
    (v.username === undefined || typeof v.username === 'string') &&
    (v.credential === undefined || typeof v.credential === 'string')
  );
}

const ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'bad-message',
  'too-large',
  'room-full',
  'not-joined',
  'already-joined',
  'unknown-peer',
  'rate-limited',
  'forbidden-origin',
  'bad-registration',
  'unknown-link',
  'not-registered',
]);

/** Validates a frame from the server; the client treats the server as untrusted too. */
export function parseServerMessage(raw: string | ArrayBuffer | Uint8Array): Parsed<ServerMessage> {
  const d = decode(raw);
  if (!d.ok) return d;
  const m = d.value.value;
  switch (m.type) {
    case 'welcome':
      if (
        !str(m.id, PEER_ID_PATTERN) ||
        !str(m.room, ROOM_ID_PATTERN) ||
        !Array.isArray(m.peers) ||
        !m.peers.every((p) => str(p, PEER_ID_PATTERN)) ||
        !str(m.resume, TOKEN_PATTERN) ||
        !Array.isArray(m.iceServers) ||
        !m.iceServers.every(isIceServer)
      )
        return fail('bad-message', 'malformed welcome');
      return {
        ok: true,
        value: {
          type: 'welcome',
          id: m.id,
          room: m.room,
          peers: m.peers as string[],
          resume: m.resume,
          iceServers: m.iceServers as IceServer[],
        },
      };
    case 'peer-joined':
    case 'peer-left':
      if (!str(m.id, PEER_ID_PATTERN)) return fail('bad-message', `malformed ${m.type}`);
      return { ok: true, value: { type: m.type, id: m.id } };
    case 'signal':
      if (!str(m.from, PEER_ID_PATTERN) || typeof m.data !== 'string') return fail('bad-message', 'malformed signal');
      return { ok: true, value: { type: 'signal', from: m.from, data: m.data } };
    case 'error':
      if (typeof m.code !== 'string' || !ERROR_CODES.has(m.code) || typeof m.message !== 'string')
        return fail('bad-message', 'malformed error');
      return { ok: true, value: { type: 'error', code: m.code as ErrorCode, message: m.message.slice(0, 500) } };
    case 'pong':
      return { ok: true, value: { type: 'pong' } };
    default:
      return parsePhoneServerMessage(m);
  }
}
