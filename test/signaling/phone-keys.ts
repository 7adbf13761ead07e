// A browser's identity as the phone tests need it: an ECDSA P-256 key pair made with WebCrypto (as the app makes
// it), its id, and the frames it signs. Not a test file itself.
import { randomBytes } from 'node:crypto';
import { base64urlEncode } from '../../signaling/src/base64url.ts';

export interface TestUser {
  id: string;
  key: string;
  /** The kid of its invite code, and of one contact token. */
  invite: string;
  contact: string;
  sign(text: string): Promise<string>;
}

const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

export async function newUser(): Promise<TestUser> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const id = base64urlEncode(new Uint8Array(await crypto.subtle.digest('SHA-256', raw)).slice(0, 20));
  return {
    id,
    key: base64urlEncode(raw),
    invite: newKid(),
    contact: newKid(),
    sign: async (text) =>
      base64urlEncode(new Uint8Array(await crypto.subtle.sign(SIGNING, pair.privateKey, new TextEncoder().encode(text)))),
  };
}

export const newKid = (): string => randomBytes(9).toString('base64url');
export const newCall = (): string => randomBytes(16).toString('base64url');
/** Looks like a sealed envelope; the server never opens one. */
export const envelope = (kid: string): string =>
  `r1.${kid}.${randomBytes(12).toString('base64url')}.${randomBytes(64).toString('base64url')}`;

/** The register frame answering `nonce` on a socket opened with `host`. */
export async function registerFrame(
  user: TestUser,
  nonce: string,
  host: string,
): Promise<{ type: 'register'; id: string; key: string; sig: string; invite: string; contacts: string[] }> {
  const sig = await user.sign(`p2p-call register v1\n${nonce}\n${user.id}\n${host}`);
  return { type: 'register', id: user.id, key: user.key, sig, invite: user.invite, contacts: [user.contact] };
}

/** A subscription as PushSubscription.toJSON() gives it (the keys are shaped right; no push service is behind it). */
export function subscription(endpoint = `https://push.example/${randomBytes(8).toString('hex')}`): {
  endpoint: string;
  keys: { p256dh: string; auth: string };
} {
  return {
    endpoint,
    keys: { p256dh: base64urlEncode(new Uint8Array([4, ...randomBytes(64)])), auth: randomBytes(16).toString('base64url') },
  };
}
