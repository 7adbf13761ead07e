import { ROOM_ID_PATTERN } from '../../signaling/src/protocol';

/** base64url of `bytes` random bytes from the platform CSPRNG. */
export function randomId(bytes = 16): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 128 random bits: unguessable, so the link itself is the invitation. */
export function newRoomId(): string {
  return randomId(16);
}

/**
 * Room links look like /r/<roomId>. The path goes to the server (it must, to route the room); anything
 * secret belongs in the fragment, which browsers never send.
 */
export function roomFromPath(pathname: string): string | null {
  const m = /^\/r\/([^/]+)\/?$/.exec(pathname);
  return m && ROOM_ID_PATTERN.test(m[1]) ? m[1] : null;
}

export function roomPath(room: string): string {
  return `/r/${room}`;
}
