// A user's identity as the server checks it (docs/calling.md, "Identity"): the id is a hash of the public key, so
// a registration proves its id by carrying the key and a signature made with it. Uses only globalThis.crypto.subtle,
// which Node 20 and workerd both have. The browser imports these same functions (src/core/phone/identity.ts), as
// it does the wire format: nothing under signaling/ imports browser code, the other way round is fine.
//
//   key = base64url(raw uncompressed P-256 public key, 65 bytes)  — 87 characters
//   id  = base64url(SHA-256(raw key)[0..20])                      — 27 characters
//   sig = base64url(ECDSA P-256 / SHA-256, raw r‖s, 64 bytes)     — 86 characters

import { base64urlDecode, base64urlEncode } from '../base64url';
import { SIGNATURE_PATTERN, USER_KEY_PATTERN } from '../phone-frames';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const encoder = new TextEncoder();

function rawKey(key: string): Uint8Array<ArrayBuffer> | null {
  const raw = USER_KEY_PATTERN.test(key) ? base64urlDecode(key) : null;
  return raw && raw.length === 65 && raw[0] === 0x04 ? raw : null;
}

/** The id `key` stands for; null for text that is not a raw P-256 key's encoding. */
export async function userIdFromKey(key: string): Promise<string | null> {
  const raw = rawKey(key);
  if (!raw) return null;
  return base64urlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', raw)).slice(0, 20));
}

/** Whether `sig` is `key`'s signature of `text`. False for anything malformed: hostile input never throws. */
export async function verifyUserSignature(key: string, text: string, sig: string): Promise<boolean> {
  const raw = rawKey(key);
  const signature = SIGNATURE_PATTERN.test(sig) ? base64urlDecode(sig) : null;
  if (!raw || !signature || signature.length !== 64) return false;
  try {
    const publicKey = await crypto.subtle.importKey('raw', raw, ALGORITHM, false, ['verify']);
    return await crypto.subtle.verify(SIGNING, publicKey, signature, encoder.encode(text));
  } catch {
    // Not a point on the curve.
    return false;
  }
}
