// The server's VAPID key pair: made once, on the first start, and kept in the UserStore, because every browser's
// push subscription is bound to the public key it was made with; a new pair would silently orphan them all.

import webPush from 'web-push';
import type { UserStore, VapidKeys } from '../core/user-store.ts';

export async function loadVapidKeys(store: UserStore): Promise<VapidKeys> {
  const stored = await store.getVapidKeys();
  if (stored) return stored;
  const { publicKey, privateKey } = webPush.generateVAPIDKeys();
  await store.setVapidKeys({ publicKey, privateKey });
  return { publicKey, privateKey };
}
