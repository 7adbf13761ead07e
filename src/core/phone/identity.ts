// Who this installed app is, for calling a person (docs/calling.md, "Identity"). The id is a hash of the public
// key, so nobody can claim an id without holding its private key: every check elsewhere recomputes the id from the
// key a message carries instead of trusting an id it names.
//
//   key = base64url(raw uncompressed P-256 public key, 65 bytes) — 87 characters
//   id  = base64url(SHA-256(raw key)[0..20])                     — 27 characters, 160 bits
//   sig = base64url(ECDSA P-256 / SHA-256, raw r‖s, 64 bytes)    — 86 characters

import { base64urlEncode } from '../../../signaling/src/base64url';
import type { PhoneStore } from './phone-db';

export { USER_ID_PATTERN, USER_KEY_PATTERN as PUBLIC_KEY_PATTERN, SIGNATURE_PATTERN } from '../../../signaling/src/phone-frames';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const encoder = new TextEncoder();

/** The 20 id bytes of a raw public key (also the HKDF salt of ring keys). */
export async function idBytes(rawKey: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', rawKey)).slice(0, 20);
}

/** The id a public key stands for, and signature checks: the server's own functions (one copy of the rule). */
export { userIdFromKey as idFromKey, verifyUserSignature as verify } from '../../../signaling/src/core/user-key';

/** What envelopes need from an identity; tests can hand in any of these. */
export interface Signer {
  readonly id: string;
  readonly key: string;
  sign(text: string): Promise<string>;
}

export class Identity implements Signer {
  private constructor(
    readonly id: string,
    readonly key: string,
    private readonly privateKey: CryptoKey,
  ) {}

  static async fromKeyPair(pair: CryptoKeyPair): Promise<Identity> {
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
    return new Identity(base64urlEncode(await idBytes(raw)), base64urlEncode(raw), pair.privateKey);
  }

  /** A fresh identity, kept nowhere; the private key cannot be exported, even by us. */
  static async generate(): Promise<Identity> {
    return Identity.fromKeyPair(await generateKeyPair());
  }

  async sign(text: string): Promise<string> {
    return base64urlEncode(new Uint8Array(await crypto.subtle.sign(SIGNING, this.privateKey, encoder.encode(text))));
  }
}

function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
}

/**
 * This app's identity: the stored one, or a new one made and stored on first run. When two tabs start at once,
 * both may generate, but the store keeps only the first write and both tabs end up with that one.
 */
export async function loadIdentity(store: PhoneStore): Promise<Identity> {
  const stored = await store.identity();
  if (stored) return Identity.fromKeyPair(stored);
  return Identity.fromKeyPair(await store.keepIdentity(await generateKeyPair()));
}
