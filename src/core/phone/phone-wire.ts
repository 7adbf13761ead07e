// The phone's frames as the browser sends and reads them (docs/calling.md, "Presence and ringing on the wire").
// The server is untrusted: every frame it sends is checked here, and anything unexpected is dropped.

import { CALL_ID_PATTERN } from './ring-envelope';
import { USER_ID_PATTERN } from './identity';
import type { PushSubscriptionRecord } from '../../../signaling/src/core/push';

export type PhoneClientFrame =
  | { type: 'challenge' }
  | { type: 'register'; id: string; key: string; sig: string; invite: string; contacts: string[] }
  | { type: 'ring'; to: string; call: string; kid: string; data: string }
  | { type: 'ring-reply'; to: string; call: string; data: string }
  | { type: 'ring-cancel'; to: string; call: string }
  | { type: 'presence'; id: string; kid: string }
  | { type: 'push-subscribe'; subscription: PushSubscriptionRecord }
  | { type: 'push-unsubscribe' };

export type PhoneServerFrame =
  | { type: 'challenge'; nonce: string }
  | { type: 'registered'; id: string; vapidKey?: string }
  | { type: 'ring'; from: string; call: string; data: string }
  | { type: 'ring-reply'; call: string; data: string }
  | { type: 'ring-cancel'; call: string; reason: 'answered' | 'cancelled' }
  | { type: 'presence'; id: string; state: 'online' | 'push' | 'unknown' }
  | { type: 'error'; code: string; message: string };

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
/** The server-made id of a caller's socket: opaque to us, only echoed back in a reply. */
const SOCKET_ID = /^[A-Za-z0-9_-]{8,64}$/;
const VAPID_KEY = /^[A-Za-z0-9_-]{87}$/;
const MAX_DATA = 4096;
const MAX_FRAME = 16 * 1024;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, p: RegExp): v is string => typeof v === 'string' && p.test(v);
const data = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_DATA;

export function parsePhoneFrame(text: string): PhoneServerFrame | null {
  if (text.length > MAX_FRAME) return null;
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(m)) return null;
  switch (m.type) {
    case 'challenge':
      return str(m.nonce, NONCE) ? { type: 'challenge', nonce: m.nonce } : null;
    case 'registered':
      if (!str(m.id, USER_ID_PATTERN)) return null;
      return str(m.vapidKey, VAPID_KEY) ? { type: 'registered', id: m.id, vapidKey: m.vapidKey } : { type: 'registered', id: m.id };
    case 'ring':
      return str(m.from, SOCKET_ID) && str(m.call, CALL_ID_PATTERN) && data(m.data)
        ? { type: 'ring', from: m.from, call: m.call, data: m.data }
        : null;
    case 'ring-reply':
      return str(m.call, CALL_ID_PATTERN) && data(m.data) ? { type: 'ring-reply', call: m.call, data: m.data } : null;
    case 'ring-cancel':
      return str(m.call, CALL_ID_PATTERN) && (m.reason === 'answered' || m.reason === 'cancelled')
        ? { type: 'ring-cancel', call: m.call, reason: m.reason }
        : null;
    case 'presence':
      return str(m.id, USER_ID_PATTERN) && (m.state === 'online' || m.state === 'push' || m.state === 'unknown')
        ? { type: 'presence', id: m.id, state: m.state }
        : null;
    case 'error':
      return typeof m.code === 'string' && typeof m.message === 'string'
        ? { type: 'error', code: m.code.slice(0, 64), message: m.message.slice(0, 500) }
        : null;
    default:
      return null;
  }
}

/** What the callee signs to prove it holds its id's key, bound to this server (a signature cannot be replayed elsewhere). */
export function registerText(nonce: string, id: string, host: string): string {
  return `p2p-call register v1\n${nonce}\n${id}\n${host}`;
}
