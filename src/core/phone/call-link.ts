// My call link (docs/calling.md, "Call link"): `/call#<payload>`. Everything is in the fragment, which browsers
// never send, so the server learns neither the invite code nor whose link was opened.
//
//   payload = base64url( 0x01 | id (20 bytes) | invite code (16 bytes) | check (4 bytes) )   — 41 bytes, 55 chars
//   check   = SHA-256(the 37 bytes before it)[0..4]
//
// Every version ends with that check of all the bytes before it, so it is verified before the version is read.
// The check exists for people: a link retyped from a screen or cut short by a chat app is caught here, with a
// message saying so, instead of ringing nobody.

import { base64urlDecode, base64urlEncode, randomBase64url } from '../../../signaling/src/base64url';
import { USER_ID_PATTERN } from './identity';

export const CALL_PATH = '/call';
const VERSION = 0x01;
const ID_BYTES = 20;
const CODE_BYTES = 16;
const CHECK_BYTES = 4;
const PAYLOAD_BYTES = 1 + ID_BYTES + CODE_BYTES + CHECK_BYTES;
const KID_INFO = 'p2p-call kid v1';

/** 128 random bits, base64url: an invite code or a per-contact token. */
export const SECRET_16_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export interface CallLink {
  /** The callee's id. */
  id: string;
  inviteCode: string;
}

export type CallLinkError = 'not-a-call-link' | 'unknown-version' | 'truncated' | 'checksum';

/** What to tell the person who pasted the link. */
export const CALL_LINK_ERROR_MESSAGES: Record<CallLinkError, string> = {
  'not-a-call-link': 'This is not a call link.',
  'unknown-version': 'This call link is from a newer version of the app. Reload to update.',
  truncated: 'This call link is incomplete: part of it was cut off. Ask for the link again.',
  checksum: 'This call link has a typo in it. Copy it again rather than retyping it.',
};

export type CallLinkResult = { ok: true; value: CallLink } | { ok: false; error: CallLinkError };

/** The 16 bytes of an invite code or contact token; throws for anything else (our own data, so a bug). */
export function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
  const bytes = SECRET_16_PATTERN.test(secret) ? base64urlDecode(secret) : null;
  if (!bytes || bytes.length !== CODE_BYTES) throw new Error('a ring secret is 16 bytes of base64url');
  return bytes;
}

export function newInviteCode(): string {
  return randomBase64url(CODE_BYTES);
}

async function check(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)).slice(0, CHECK_BYTES);
}

/** The fragment part of a call link. Throws on an id or code that is not ours: that is a bug, not input. */
export async function encodeCallPayload(link: CallLink): Promise<string> {
  const id = USER_ID_PATTERN.test(link.id) ? base64urlDecode(link.id) : null;
  if (!id || id.length !== ID_BYTES) throw new Error('a call link needs a user id');
  const code = secretBytes(link.inviteCode);
  const bytes = new Uint8Array(PAYLOAD_BYTES);
  bytes[0] = VERSION;
  bytes.set(id, 1);
  bytes.set(code, 1 + ID_BYTES);
  bytes.set(await check(bytes.slice(0, PAYLOAD_BYTES - CHECK_BYTES)), PAYLOAD_BYTES - CHECK_BYTES);
  return base64urlEncode(bytes);
}

/** `/call#<payload>`; put an origin in front for sharing. */
export async function callLinkPath(link: CallLink): Promise<string> {
  return `${CALL_PATH}#${await encodeCallPayload(link)}`;
}

/** Reads a call link's fragment (with or without its '#'). */
export async function decodeCallPayload(fragment: string): Promise<CallLinkResult> {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return { ok: false, error: 'not-a-call-link' };
  // base64url cannot end after a single character of a group: that too is a link cut short.
  const bytes = base64urlDecode(text.length % 4 === 1 ? text.slice(0, -1) : text);
  if (!bytes || bytes.length < PAYLOAD_BYTES) return { ok: false, error: 'truncated' };
  // The check comes before the version: a typo in the first characters changes the version byte, and every
  // version keeps this rule (the last 4 bytes check all before them), so a link is read only once it is intact.
  const body = bytes.slice(0, bytes.length - CHECK_BYTES);
  const expected = await check(body);
  const got = bytes.slice(bytes.length - CHECK_BYTES);
  // A typo in the last character can change only bits the decoder drops; re-encoding catches that one too.
  if (expected.some((b, i) => b !== got[i]) || base64urlEncode(bytes) !== text) return { ok: false, error: 'checksum' };
  if (bytes[0] !== VERSION) return { ok: false, error: 'unknown-version' };
  if (bytes.length !== PAYLOAD_BYTES) return { ok: false, error: 'not-a-call-link' };
  return {
    ok: true,
    value: { id: base64urlEncode(body.slice(1, 1 + ID_BYTES)), inviteCode: base64urlEncode(body.slice(1 + ID_BYTES)) },
  };
}

/** Reads a whole link: an absolute URL from any origin (deployments differ), or a path such as `/call#…`. */
export async function decodeCallLink(link: string): Promise<CallLinkResult> {
  let url: URL;
  try {
    url = new URL(link.trim(), 'https://call.invalid');
  } catch {
    return { ok: false, error: 'not-a-call-link' };
  }
  if (url.pathname.replace(/\/$/, '') !== CALL_PATH) return { ok: false, error: 'not-a-call-link' };
  return decodeCallPayload(url.hash);
}

/**
 * The key id of a ring secret (an invite code or a contact token): base64url(SHA-256("p2p-call kid v1" ‖ secret
 * bytes)[0..9]), 12 characters. The callee registers the kids it accepts, so the server can drop a ring under a
 * rotated code without being able to read it. Secrets are always our own (made here, or checked on import), so
 * one that is not 16 base64url bytes is a bug and throws.
 */
export async function kid(secret: string): Promise<string> {
  const bytes = secretBytes(secret);
  const info = new TextEncoder().encode(KID_INFO);
  const input = new Uint8Array(info.length + bytes.length);
  input.set(info);
  input.set(bytes, info.length);
  return base64urlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', input)).slice(0, 9));
}
