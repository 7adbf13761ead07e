import { randomBase64url } from '../../signaling/src/base64url';
import { ROOM_ID_PATTERN } from '../../signaling/src/protocol';

/** base64url of `bytes` random bytes from the platform CSPRNG. */
export function randomId(bytes = 16): string {
  return randomBase64url(bytes);
}

/** 128 random bits: unguessable, so the link itself is the invitation. */
export function newRoomId(): string {
  return randomId(16);
}

/** At least 128 bits, base64url; the key that encrypts the room's signaling is derived from it. */
export const SECRET_PATTERN = /^[A-Za-z0-9_-]{22,86}$/;

/** 256 random bits for a new room's signaling key. */
export function newRoomSecret(): string {
  return randomId(32);
}

/**
 * Room links look like /r/<roomId>#<secret>. The path goes to the server (it must, to route the room); the
 * secret lives in the fragment, which browsers never send, so the server cannot read or forge signaling.
 */
export function roomFromPath(pathname: string): string | null {
  const m = /^\/r\/([^/]+)\/?$/.exec(pathname);
  return m && ROOM_ID_PATTERN.test(m[1]) ? m[1] : null;
}

/** The secret from a location hash ("#abc…"); null for old-style links without one, or a mangled one. */
export function secretFromHash(hash: string): string | null {
  const s = hash.startsWith('#') ? hash.slice(1) : hash;
  return SECRET_PATTERN.test(s) ? s : null;
}

export function roomPath(room: string): string {
  return `/r/${room}`;
}

/** The full invitation: path plus secret fragment. */
export function roomLink(room: string, secret: string): string {
  return `${roomPath(room)}#${secret}`;
}
