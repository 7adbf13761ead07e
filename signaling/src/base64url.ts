// base64url without padding (RFC 4648 §5): how room ids, peer ids, resume tokens, room secrets and the sealed
// signaling envelope are written. Here, beside protocol.ts, because the browser, the Node server and the Worker
// all import it; it uses only what all three have (btoa, atob, WebCrypto's getRandomValues).

export function base64urlEncode(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** null for text that is not base64url (so callers reject it rather than read garbage). */
export function base64urlDecode(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bin = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** `bytes` bytes from the platform CSPRNG, as base64url. */
export function randomBase64url(bytes: number): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}
