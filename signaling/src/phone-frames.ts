// The frames of calling a person (docs/calling.md), validated for protocol.ts: which patterns each field must
// match, so that the directory core only ever sees well-formed ids, keys, signatures and envelopes. Kept apart
// from protocol.ts only for size; protocol.ts owns the types and is the only parser (registerText is shared too).
//
// Imports stay extension-less and browser-safe: the app imports protocol.ts, and with it this file.

import type { PushSubscriptionRecord } from './core/push';
import type { ClientMessage, ErrorCode, Parsed, PresenceState, RingCancelReason, ServerMessage } from './protocol';

/**
 * What a registration signs: the socket's challenge, the id, and the Host the socket used (so it is not replayable
 * elsewhere). Here, where both the browser (phone.ts) and the directory read it.
 */
export function registerText(nonce: string, id: string, host: string): string {
  return `p2p-call register v1\n${nonce}\n${id}\n${host}`;
}

/** A user's id: base64url of the first 20 bytes of SHA-256 of its public key (docs/calling.md, "Identity"). */
export const USER_ID_PATTERN = /^[A-Za-z0-9_-]{27}$/;
/** A raw uncompressed P-256 public key (65 bytes). */
export const USER_KEY_PATTERN = /^[A-Za-z0-9_-]{87}$/;
/** An ECDSA P-256 signature in WebCrypto's raw r‖s form (64 bytes). */
export const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;
/** The 9-byte id of a ring secret (an invite code or a contact token). */
export const KID_PATTERN = /^[A-Za-z0-9_-]{12}$/;
/** A call id: 16 random bytes. */
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** The server-made id of a caller's socket (`ring.from`, `ring-reply.to`): 16 random bytes. */
export const CALLER_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
/** A register challenge: 16 random bytes. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22}$/;
export const MAX_CONTACTS = 200;
export const MAX_RING_DATA = 4096;
/** A sealed envelope (`r1.<kid>.<iv>.<ciphertext>`): base64url parts joined by dots; the server reads none of it. */
const RING_DATA_PATTERN = /^r1\.[A-Za-z0-9_.-]+$/;
export const MAX_PUSH_ENDPOINT = 2048;
/** A P-256 ECDH public key, uncompressed (65 bytes). */
const P256DH_PATTERN = /^[A-Za-z0-9_-]{87}$/;
/** The 16-byte push auth secret. */
const AUTH_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface PhoneParseOptions {
  /**
   * Accept push endpoints on http://127.0.0.1 and http://localhost (tests run a fake push service there). Off in
   * production: every real push service is https, and a plain-http endpoint would make the server a request relay.
   */
  allowLocalPushEndpoints?: boolean;
}

type Result = Parsed<ClientMessage>;

function fail<T>(code: ErrorCode, message: string): Parsed<T> {
  return { ok: false, code, message };
}

const ok = (value: ClientMessage): Result => ({ ok: true, value });
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, pattern: RegExp): v is string => typeof v === 'string' && pattern.test(v);
const ringData = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_RING_DATA && RING_DATA_PATTERN.test(v);

/** Validates a phone frame from a browser; `m.type` is not one of the room frames. */
export function parsePhoneClientMessage(m: Record<string, unknown>, opts: PhoneParseOptions): Result {
  switch (m.type) {
    case 'challenge':
      return ok({ type: 'challenge' });
    case 'register':
      return parseRegister(m);
    case 'ring':
      if (!str(m.to, USER_ID_PATTERN)) return fail('bad-message', 'ring needs the callee\'s user id (27 base64url characters) in "to"');
      if (!str(m.call, CALL_ID_PATTERN)) return fail('bad-message', 'ring needs a call id (22 base64url characters) in "call"');
      if (!str(m.kid, KID_PATTERN)) return fail('bad-message', 'ring needs a kid (12 base64url characters)');
      if (!ringData(m.data)) return fail('bad-message', `ring data must be an r1. envelope of at most ${MAX_RING_DATA} characters`);
      return ok({ type: 'ring', to: m.to, call: m.call, kid: m.kid, data: m.data });
    case 'ring-reply':
      if (!str(m.to, CALLER_ID_PATTERN)) return fail('bad-message', 'ring-reply needs the ring\'s "from" in "to"');
      if (!str(m.call, CALL_ID_PATTERN)) return fail('bad-message', 'ring-reply needs a call id (22 base64url characters)');
      if (!ringData(m.data)) return fail('bad-message', `ring-reply data must be an r1. envelope of at most ${MAX_RING_DATA} characters`);
      return ok({ type: 'ring-reply', to: m.to, call: m.call, data: m.data });
    case 'ring-cancel':
      if (!str(m.to, USER_ID_PATTERN)) return fail('bad-message', 'ring-cancel needs the callee\'s user id in "to"');
      if (!str(m.call, CALL_ID_PATTERN)) return fail('bad-message', 'ring-cancel needs a call id (22 base64url characters)');
      return ok({ type: 'ring-cancel', to: m.to, call: m.call });
    case 'presence':
      if (!str(m.id, USER_ID_PATTERN)) return fail('bad-message', 'presence needs a user id (27 base64url characters)');
      if (!str(m.kid, KID_PATTERN)) return fail('bad-message', 'presence needs a kid (12 base64url characters)');
      return ok({ type: 'presence', id: m.id, kid: m.kid });
    case 'push-subscribe': {
      const subscription = parseSubscription(m.subscription, opts);
      if (typeof subscription === 'string') return fail('bad-message', subscription);
      return ok({ type: 'push-subscribe', subscription });
    }
    case 'push-unsubscribe':
      return ok({ type: 'push-unsubscribe' });
    default:
      return fail('bad-message', 'unknown message type');
  }
}

function parseRegister(m: Record<string, unknown>): Result {
  if (!str(m.id, USER_ID_PATTERN)) return fail('bad-message', 'register needs a user id (27 base64url characters)');
  if (!str(m.key, USER_KEY_PATTERN)) return fail('bad-message', 'register needs a raw P-256 public key (87 base64url characters)');
  if (!str(m.sig, SIGNATURE_PATTERN)) return fail('bad-message', 'register needs a raw ECDSA signature (86 base64url characters)');
  if (!str(m.invite, KID_PATTERN)) return fail('bad-message', "register needs the invite code's kid (12 base64url characters)");
  const contacts = m.contacts;
  if (!Array.isArray(contacts) || contacts.length > MAX_CONTACTS || !contacts.every((k) => str(k, KID_PATTERN)))
    return fail('bad-message', `register needs "contacts": at most ${MAX_CONTACTS} kids (12 base64url characters each)`);
  return ok({ type: 'register', id: m.id, key: m.key, sig: m.sig, invite: m.invite, contacts: [...new Set(contacts as string[])] });
}

/** The subscription, or why it is refused. */
function parseSubscription(v: unknown, opts: PhoneParseOptions): PushSubscriptionRecord | string {
  if (!isRecord(v) || typeof v.endpoint !== 'string' || !isRecord(v.keys))
    return 'push-subscribe needs "subscription": {endpoint, keys: {p256dh, auth}} as PushSubscription.toJSON() gives it';
  const { endpoint, keys } = v;
  if (endpoint.length > MAX_PUSH_ENDPOINT) return `the push endpoint is longer than ${MAX_PUSH_ENDPOINT} characters`;
  if (!endpointAllowed(endpoint, opts)) return 'the push endpoint must be an https: URL';
  if (!str(keys.p256dh, P256DH_PATTERN)) return 'subscription.keys.p256dh must be an uncompressed P-256 key (87 base64url characters)';
  if (!str(keys.auth, AUTH_PATTERN)) return 'subscription.keys.auth must be 16 bytes (22 base64url characters)';
  return { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } };
}

const LOCAL_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

function endpointAllowed(endpoint: string, opts: PhoneParseOptions): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return url.hostname !== '';
  return opts.allowLocalPushEndpoints === true && url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
}

const CANCEL_REASONS: readonly unknown[] = ['answered', 'cancelled'] satisfies RingCancelReason[];
const PRESENCE_STATES: readonly unknown[] = ['online', 'push', 'unknown'] satisfies PresenceState[];

/** Validates a phone frame from the server (the browser's side of the same checks). */
export function parsePhoneServerMessage(m: Record<string, unknown>): Parsed<ServerMessage> {
  const malformed = fail<ServerMessage>('bad-message', `malformed ${String(m.type)}`);
  switch (m.type) {
    case 'challenge':
      return str(m.nonce, NONCE_PATTERN) ? { ok: true, value: { type: 'challenge', nonce: m.nonce } } : malformed;
    case 'registered':
      if (!str(m.id, USER_ID_PATTERN) || (m.vapidKey !== undefined && !str(m.vapidKey, P256DH_PATTERN))) return malformed;
      return {
        ok: true,
        value: m.vapidKey === undefined ? { type: 'registered', id: m.id } : { type: 'registered', id: m.id, vapidKey: m.vapidKey },
      };
    case 'ring':
      if (!str(m.from, CALLER_ID_PATTERN) || !str(m.call, CALL_ID_PATTERN) || !ringData(m.data)) return malformed;
      return { ok: true, value: { type: 'ring', from: m.from, call: m.call, data: m.data } };
    case 'ring-reply':
      if (!str(m.call, CALL_ID_PATTERN) || !ringData(m.data)) return malformed;
      return { ok: true, value: { type: 'ring-reply', call: m.call, data: m.data } };
    case 'ring-cancel':
      if (!str(m.call, CALL_ID_PATTERN) || !CANCEL_REASONS.includes(m.reason)) return malformed;
      return { ok: true, value: { type: 'ring-cancel', call: m.call, reason: m.reason as RingCancelReason } };
    case 'presence':
      if (!str(m.id, USER_ID_PATTERN) || !PRESENCE_STATES.includes(m.state)) return malformed;
      return { ok: true, value: { type: 'presence', id: m.id, state: m.state as PresenceState } };
    default:
      return fail('bad-message', 'unknown message type');
  }
}
