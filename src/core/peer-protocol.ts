// Messages between browsers. Two transports carry them:
// - SignalPayload rides inside the signaling server's opaque `data` string (introductions, SDP, ICE);
// - PeerMessage rides on the "control" data channel once the peers are connected directly.
// Everything from a peer is untrusted: it is parsed here, once, and anything unexpected is rejected.

import { FINGERPRINT_PATTERN } from './identity';

export const MAX_NAME_LENGTH = 64;
/** A client-chosen key that identifies a browser tab across signaling reconnects and server restarts. */
export const KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
const MAX_SDP_LENGTH = 48 * 1024;
const MAX_CANDIDATE_LENGTH = 1024;

export type SignalPayload =
  | { kind: 'hello'; key: string; name: string; ack: boolean; fingerprint?: string; offering?: boolean }
  | { kind: 'description'; description: { type: 'offer' | 'answer'; sdp: string } }
  | { kind: 'candidate'; candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null };

export type PeerMessage =
  | { type: 'state'; name: string; mic: boolean; camera: boolean }
  /** The sender started or stopped sharing a screen; its track rides a video transceiver other than the camera's. */
  | { type: 'screen'; on: boolean }
  /** The sender paused the video it sends us because its uplink estimate fell below the floor. */
  | { type: 'video-paused'; paused: boolean };

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

/** Trims and bounds a display name; control characters would let a peer spoof layout. */
export function cleanName(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const name = v.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '').trim().slice(0, MAX_NAME_LENGTH);
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
      return { ok: true, value: { kind: 'candidate', candidate: { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } } };
    }
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
    case 'screen':
      if (typeof m.on !== 'boolean') return { ok: false, error: 'malformed screen' };
      return { ok: true, value: { type: 'screen', on: m.on } };
    case 'video-paused':
      if (typeof m.paused !== 'boolean') return { ok: false, error: 'malformed video-paused' };
      return { ok: true, value: { type: 'video-paused', paused: m.paused } };
    default:
      return { ok: false, error: 'unknown message type' };
  }
}
