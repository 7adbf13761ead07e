// Messages between browsers. Two transports carry them:
// - SignalPayload rides inside the signaling server's opaque `data` string (introductions, SDP, ICE);
// - PeerMessage rides on the "control" data channel once the peers are connected directly.
// Everything from a peer is untrusted: it is parsed here, once, and anything unexpected is rejected.

export const MAX_NAME_LENGTH = 64;
// A DTLS certificate fingerprint as identity.ts reads it from SDP ("sha-256 AB:CD:…"). It lives here, with the wire
// format, so code that only parses messages (the service worker, through cleanName) never reaches WebRTC's types.
export const FINGERPRINT_PATTERN = /^[a-z0-9-]{3,16} [0-9A-F]{2}(?::[0-9A-F]{2}){15,63}$/;
/** A client-chosen key that identifies a browser tab across signaling reconnects and server restarts. */
export const KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const MAX_SDP_LENGTH = 48 * 1024;
const MAX_CANDIDATE_LENGTH = 1024;

// Where each message is handled: every SignalPayload arrives in Mesh.signal (mesh.ts), which answers a hello
// itself (Mesh.hello) and hands descriptions and candidates to the link's PeerLink.signal (peer-link.ts).
export type SignalPayload =
  /** Handled in Mesh.hello: introductions, roles, re-pointing after a server restart. */
  | { kind: 'hello'; key: string; name: string; ack: boolean; fingerprint?: string; offering?: boolean }
  /** Checked against the hello's fingerprint in Mesh.signal, then PeerLink.signal (perfect negotiation). */
  | { kind: 'description'; description: { type: 'offer' | 'answer'; sdp: string } }
  /** PeerLink.signal. */
  | { kind: 'candidate'; candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null }
  /** The sender's signaling socket died and came back: what either side sent meanwhile may be lost. Mesh.signal rolls the link back. */
  | { kind: 'restart' };

// Where each message is handled: every PeerMessage is parsed in PeerLink's control channel (peer-link.ts), which
// keeps 'screen' and passes the rest to Mesh.message (mesh.ts); Mesh keeps 'state' and 'video-paused' and hands
// chat to Call.receiveChat (call.ts) and file-* to FileTransfers.message (files/file-transfer.ts).
export type PeerMessage =
  /** Name and toggles, sent on open and on every change. Mesh.message publishes them on the tile. */
  | { type: 'state'; name: string; mic: boolean; camera: boolean }
  /** The sender started or stopped sharing a screen; its track rides a video transceiver other than the camera's. PeerLink. */
  | { type: 'screen'; on: boolean }
  /** The sender paused the video it sends us because its uplink estimate fell below the floor (quality/quality.ts sends it). Mesh.message. */
  | { type: 'video-paused'; paused: boolean }
  /** Call.receiveChat. */
  | ChatMessage
  /** FileTransfers.message: an offer makes an Incoming (files/file-receive.ts), the rest go to the transfer's side. */
  | FileMessage;

// Chat and file transfer (docs/protocol.md has the diagrams). Transfer ids are chosen by the sender.
export const MAX_CHAT_LENGTH = 4000;
export const MAX_FILE_NAME_LENGTH = 255;
const MAX_MIME_LENGTH = 128;
const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

export type ChatMessage = { type: 'chat'; id: string; text: string; at: number };

/** Why a transfer stopped early; codes, not sentences, so each side shows them in its own language. */
export type CancelReason = 'cancelled' | 'corrupt' | 'bad-data' | 'no-storage' | 'failed';
const CANCEL_REASONS: readonly CancelReason[] = ['cancelled', 'corrupt', 'bad-data', 'no-storage', 'failed'];

export type FileMessage =
  /**
   * Sender -> receiver: nothing flows until the receiver accepts. `piece` (bytes) marks a file sent to several
   * people at once, which the receivers swarm (files/swarm-send.ts, swarm-receive.ts): it comes in pieces.
   */
  | { type: 'file-offer'; id: string; name: string; size: number; mime: string; piece?: number }
  | { type: 'file-accept'; id: string }
  | { type: 'file-decline'; id: string }
  /** Either side, at any time; the other side stops and cleans up. */
  | { type: 'file-cancel'; id: string; reason: CancelReason }
  /** Receiver -> sender: bytes [0, offset) are written and hashed (progress and flow control). */
  | { type: 'file-ack'; id: string; offset: number }
  /** Receiver -> sender after a byte channel closed early: send again from `offset`, on a new channel. */
  | { type: 'file-resume'; id: string; offset: number }
  /** Sender -> receiver once every byte is sent: the SHA-256 of the whole file, lowercase hex. */
  | { type: 'file-end'; id: string; sha256: string }
  /** Receiver -> sender: the bytes on disk hash to what the sender announced. */
  | { type: 'file-verified'; id: string }
  /** Swarm, sender -> receivers: from piece `from` on, these receivers (keys) forward what they seed to each other. */
  | { type: 'file-swarm'; id: string; from: number; peers: string[] }
  /** Swarm, sender -> receivers: piece `index` hashes to `sha256`; the sender gives it to `seed`, who forwards it. */
  | { type: 'file-piece'; id: string; index: number; sha256: string; seed: string }
  /** Swarm, receiver -> sender: send these pieces straight to me (their seed left, or forwarded bad bytes). */
  | { type: 'file-need'; id: string; pieces: number[] };

/** Rejects names a peer could use to escape a folder or hide the real extension. */
export function cleanFileName(v: unknown): ParseResult<string> {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_FILE_NAME_LENGTH)
    return { ok: false, error: 'file name missing or too long' };
  if (/[/\\]/.test(v)) return { ok: false, error: 'file name contains a path separator' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v)) return { ok: false, error: 'file name contains control characters' };
  if (v === '.' || v === '..') return { ok: false, error: 'file name is a relative path' };
  return { ok: true, value: v };
}

/**
 * File bytes travel on their own ordered, reliable data channel, one per transfer attempt, labelled
 * `file:<id>:<offset>`. Its messages are raw bytes with no header: the first byte is byte `offset` of the
 * file and every message continues where the previous one ended. A resume opens a new channel.
 */
export function fileChannelLabel(id: string, offset: number): string {
  return `file:${id}:${offset}`;
}

/**
 * A swarm's byte channel (`piece:<id>`), from the sender or from a fellow receiver: every message is one part of
 * a piece, an 8-byte header (piece index, then the offset inside the piece, both big-endian uint32) and bytes.
 */
export function pieceChannelLabel(id: string): string {
  return `piece:${id}`;
}

export function parsePieceChannelLabel(label: string): string | null {
  return /^piece:([A-Za-z0-9_-]{8,64})$/.exec(label)?.[1] ?? null;
}

/** Piece sizes a swarm may use: whole 64 KiB multiples up to 4 MiB. */
export const isPieceSize = (v: unknown): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= 65536 && v <= 4 * 1048576 && v % 65536 === 0;
/** Most receivers in one swarm (a full mesh of six people sends to five), and most pieces asked for at once. */
export const MAX_SWARM_PEERS = 8;
export const MAX_NEED = 1024;

export function parseFileChannelLabel(label: string): ParseResult<{ id: string; offset: number }> {
  const m = /^file:([A-Za-z0-9_-]{8,64}):(0|[1-9][0-9]{0,15})$/.exec(label);
  const offset = m ? Number(m[2]) : NaN;
  if (!m?.[1] || !Number.isSafeInteger(offset)) return { ok: false, error: `not a file channel label: ${label.slice(0, 80)}` };
  return { ok: true, value: { id: m[1], offset } };
}

const isOffset = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function parseFileMessage(m: Record<string, unknown>): ParseResult<FileMessage> | null {
  if (typeof m.type !== 'string' || !m.type.startsWith('file-')) return null;
  if (typeof m.id !== 'string' || !ID_PATTERN.test(m.id)) return { ok: false, error: `malformed ${m.type}: bad id` };
  const id = m.id;
  switch (m.type) {
    case 'file-offer': {
      const name = cleanFileName(m.name);
      if (!name.ok) return { ok: false, error: `malformed file-offer: ${name.error}` };
      if (!isOffset(m.size)) return { ok: false, error: 'malformed file-offer: bad size' };
      const mime = typeof m.mime === 'string' && m.mime.length <= MAX_MIME_LENGTH ? m.mime : '';
      if (m.piece === undefined) return { ok: true, value: { type: 'file-offer', id, name: name.value, size: m.size, mime } };
      if (!isPieceSize(m.piece)) return { ok: false, error: 'malformed file-offer: bad piece size' };
      return { ok: true, value: { type: 'file-offer', id, name: name.value, size: m.size, mime, piece: m.piece } };
    }
    case 'file-accept':
    case 'file-decline':
    case 'file-verified':
      return { ok: true, value: { type: m.type, id } };
    case 'file-cancel': {
      const reason = CANCEL_REASONS.find((r) => r === m.reason) ?? 'cancelled';
      return { ok: true, value: { type: 'file-cancel', id, reason } };
    }
    case 'file-ack':
    case 'file-resume':
      if (!isOffset(m.offset)) return { ok: false, error: `malformed ${m.type}: bad offset` };
      return { ok: true, value: { type: m.type, id, offset: m.offset } };
    case 'file-end':
      if (typeof m.sha256 !== 'string' || !SHA256_PATTERN.test(m.sha256)) return { ok: false, error: 'malformed file-end: bad sha256' };
      return { ok: true, value: { type: 'file-end', id, sha256: m.sha256 } };
    case 'file-swarm': {
      const peers = m.peers;
      if (!isOffset(m.from) || m.from > 0xffffffff) return { ok: false, error: 'malformed file-swarm: bad from' };
      if (!Array.isArray(peers) || peers.length > MAX_SWARM_PEERS || !peers.every((k) => typeof k === 'string' && KEY_PATTERN.test(k)))
        return { ok: false, error: 'malformed file-swarm: bad peers' };
      return { ok: true, value: { type: 'file-swarm', id, from: m.from, peers: peers as string[] } };
    }
    case 'file-piece':
      if (!isOffset(m.index) || m.index > 0xffffffff) return { ok: false, error: 'malformed file-piece: bad index' };
      if (typeof m.sha256 !== 'string' || !SHA256_PATTERN.test(m.sha256)) return { ok: false, error: 'malformed file-piece: bad sha256' };
      if (typeof m.seed !== 'string' || !KEY_PATTERN.test(m.seed)) return { ok: false, error: 'malformed file-piece: bad seed' };
      return { ok: true, value: { type: 'file-piece', id, index: m.index, sha256: m.sha256, seed: m.seed } };
    case 'file-need': {
      const pieces = m.pieces;
      if (!Array.isArray(pieces) || pieces.length === 0 || pieces.length > MAX_NEED || !pieces.every((i) => isOffset(i) && i <= 0xffffffff))
        return { ok: false, error: 'malformed file-need: bad pieces' };
      return { ok: true, value: { type: 'file-need', id, pieces: pieces as number[] } };
    }
    default:
      return { ok: false, error: 'unknown file message type' };
  }
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function jsonRecord(text: string, limit: number): Record<string, unknown> | string {
  if (text.length > limit) return 'message too large';
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  return isRecord(v) ? v : 'not an object';
}

/** Control characters and bidirectional overrides, which would let a peer spoof layout. */
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** Trims and bounds a display name. */
export function cleanName(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const name = v.replace(UNSAFE_NAME_CHARS, '').trim().slice(0, MAX_NAME_LENGTH);
  return name.length > 0 ? name : null;
}

export function parseSignalPayload(text: string): ParseResult<SignalPayload> {
  const m = jsonRecord(text, MAX_SDP_LENGTH + 1024);
  if (typeof m === 'string') return { ok: false, error: m };
  switch (m.kind) {
    case 'hello': {
      const name = cleanName(m.name);
      if (typeof m.key !== 'string' || !KEY_PATTERN.test(m.key) || name === null || typeof m.ack !== 'boolean')
        return { ok: false, error: 'malformed hello' };
      // The DTLS certificate fingerprint the sender vouches for; its SDP must carry exactly this one.
      if (m.fingerprint !== undefined && (typeof m.fingerprint !== 'string' || !FINGERPRINT_PATTERN.test(m.fingerprint)))
        return { ok: false, error: 'malformed hello fingerprint' };
      // `offering`: the sender already made its offer and the receiver should answer, not offer too.
      if (m.offering !== undefined && typeof m.offering !== 'boolean') return { ok: false, error: 'malformed hello' };
      const hello: SignalPayload = { kind: 'hello', key: m.key, name, ack: m.ack };
      if (m.fingerprint !== undefined) hello.fingerprint = m.fingerprint;
      if (m.offering === true) hello.offering = true;
      return { ok: true, value: hello };
    }
    case 'description': {
      const d = m.description;
      if (!isRecord(d) || (d.type !== 'offer' && d.type !== 'answer') || typeof d.sdp !== 'string' || d.sdp.length > MAX_SDP_LENGTH)
        return { ok: false, error: 'malformed description' };
      return { ok: true, value: { kind: 'description', description: { type: d.type, sdp: d.sdp } } };
    }
    case 'candidate': {
      const c = m.candidate;
      if (c === null) return { ok: true, value: { kind: 'candidate', candidate: null } };
      if (
        !isRecord(c) ||
        typeof c.candidate !== 'string' ||
        c.candidate.length > MAX_CANDIDATE_LENGTH ||
        !(c.sdpMid === null || typeof c.sdpMid === 'string') ||
        !(c.sdpMLineIndex === null || (typeof c.sdpMLineIndex === 'number' && Number.isInteger(c.sdpMLineIndex)))
      )
        return { ok: false, error: 'malformed candidate' };
      return {
        ok: true,
        value: { kind: 'candidate', candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } },
      };
    }
    case 'restart':
      return { ok: true, value: { kind: 'restart' } };
    default:
      return { ok: false, error: 'unknown signal kind' };
  }
}

export function parsePeerMessage(text: unknown): ParseResult<PeerMessage> {
  if (typeof text !== 'string') return { ok: false, error: 'binary message on the control channel' };
  const m = jsonRecord(text, 16 * 1024);
  if (typeof m === 'string') return { ok: false, error: m };
  switch (m.type) {
    case 'state': {
      const name = cleanName(m.name);
      if (name === null || typeof m.mic !== 'boolean' || typeof m.camera !== 'boolean') return { ok: false, error: 'malformed state' };
      return { ok: true, value: { type: 'state', name, mic: m.mic, camera: m.camera } };
    }
    case 'chat': {
      if (typeof m.id !== 'string' || !ID_PATTERN.test(m.id)) return { ok: false, error: 'malformed chat: bad id' };
      if (typeof m.text !== 'string' || m.text.trim().length === 0 || m.text.length > MAX_CHAT_LENGTH)
        return { ok: false, error: 'malformed chat: empty or too long' };
      if (typeof m.at !== 'number' || !Number.isFinite(m.at)) return { ok: false, error: 'malformed chat: bad time' };
      return { ok: true, value: { type: 'chat', id: m.id, text: m.text, at: m.at } };
    }
    case 'screen':
      if (typeof m.on !== 'boolean') return { ok: false, error: 'malformed screen' };
      return { ok: true, value: { type: 'screen', on: m.on } };
    case 'video-paused':
      if (typeof m.paused !== 'boolean') return { ok: false, error: 'malformed video-paused' };
      return { ok: true, value: { type: 'video-paused', paused: m.paused } };
    default:
      return parseFileMessage(m) ?? { ok: false, error: 'unknown message type' };
  }
}
