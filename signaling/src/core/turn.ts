// Time-limited TURN credentials (the "TURN REST API" that coturn implements with `use-auth-secret`):
// username = "<unix expiry>:<peer id>", credential = base64(HMAC-SHA1(secret, username)). coturn recomputes the
// HMAC from its `static-auth-secret` and refuses the username after the expiry, so nothing is stored anywhere.

import { createHmac } from 'node:crypto';
import type { IceServer } from '../protocol.ts';

export interface TurnConfig {
  secret: string;
  urls: string[];
  ttlSeconds: number;
}

export function turnCredential(secret: string, peerId: string, expiresAt: number): { username: string; credential: string } {
  const username = `${Math.floor(expiresAt)}:${peerId}`;
  const credential = createHmac('sha1', secret).update(username).digest('base64');
  return { username, credential };
}

/**
 * The `iceServers` callback for the room core: the static servers plus, when TURN is configured, a TURN entry
 * with credentials for this peer. The core calls it only while building a `welcome`, so only peers that joined
 * a room ever receive TURN credentials.
 */
export function iceServersFor(
  base: IceServer[],
  turn: TurnConfig | null,
  nowSeconds: () => number = () => Date.now() / 1000,
): (peerId: string) => IceServer[] {
  return (peerId) => {
    if (!turn) return base.map((s) => ({ ...s, urls: [...s.urls] }));
    const cred = turnCredential(turn.secret, peerId, nowSeconds() + turn.ttlSeconds);
    return [...base.map((s) => ({ ...s, urls: [...s.urls] })), { urls: [...turn.urls], ...cred }];
  };
}
