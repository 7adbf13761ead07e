// Safety numbers for contacts, computed exactly as Signal's numeric fingerprint (libsignal
// rust/protocol/src/fingerprint.rs, Java NumericFingerprintGenerator), so the one well-reviewed scheme people may
// already know from Signal is what they compare here, and libsignal's published test vector checks our code.
//
// Per side: hash = SHA-512(0x0000 ‖ key ‖ stableId ‖ key), then `iterations − 1` times hash = SHA-512(hash ‖ key).
// (libsignal starts from version ‖ key ‖ stableId and hashes `hash ‖ key` `iterations` times: the same bytes.)
// The first 30 bytes, as six 5-byte big-endian numbers mod 100000, zero-padded, are that side's 30 digits; the
// number both people see is the two sides' digits, the smaller first: 60 digits, identical on both phones.
//
// Here the key is the raw P-256 public key (65 bytes) and the stable identifier the UTF-8 of the user id.

import { base64urlDecode } from '../../../signaling/src/base64url';
import { PUBLIC_KEY_PATTERN, USER_ID_PATTERN } from './identity';

export const FINGERPRINT_ITERATIONS = 5200;
const VERSION = new Uint8Array([0, 0]);

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One side's 30 digits. */
export async function fingerprintDigits(key: Uint8Array, stableId: Uint8Array, iterations = FINGERPRINT_ITERATIONS): Promise<string> {
  let hash = concat(VERSION, key, stableId);
  for (let i = 0; i < iterations; i++) hash = new Uint8Array(await crypto.subtle.digest('SHA-512', concat(hash, key)));
  let digits = '';
  for (let chunk = 0; chunk < 6; chunk++) {
    // 40 bits exceed 32-bit integer arithmetic but not a double's 53 bits: multiply, never shift.
    let n = 0;
    for (let i = 0; i < 5; i++) n = n * 256 + hash[chunk * 5 + i];
    digits += String(n % 100000).padStart(5, '0');
  }
  return digits;
}

export interface FingerprintSide {
  key: Uint8Array;
  stableId: Uint8Array;
}

/** libsignal's DisplayableFingerprint: both sides' digits, the smaller first (60 digits). */
export async function displayableFingerprint(
  local: FingerprintSide,
  remote: FingerprintSide,
  iterations = FINGERPRINT_ITERATIONS,
): Promise<string> {
  const [a, b] = await Promise.all([
    fingerprintDigits(local.key, local.stableId, iterations),
    fingerprintDigits(remote.key, remote.stableId, iterations),
  ]);
  return a < b ? a + b : b + a;
}

/** The 60-digit safety number of two users (ids and keys as in identity.ts); null if either is malformed. */
export async function safetyNumber(mine: { id: string; key: string }, theirs: { id: string; key: string }): Promise<string | null> {
  const side = (u: { id: string; key: string }): FingerprintSide | null => {
    const key = PUBLIC_KEY_PATTERN.test(u.key) ? base64urlDecode(u.key) : null;
    return key && USER_ID_PATTERN.test(u.id) ? { key, stableId: new TextEncoder().encode(u.id) } : null;
  };
  const local = side(mine);
  const remote = side(theirs);
  return local && remote ? displayableFingerprint(local, remote) : null;
}

/** "12345 67890 …": twelve groups of five, as Signal shows them. */
export function groupDigits(digits: string): string {
  return digits.replace(/(\d{5})(?=\d)/g, '$1 ');
}
