// What the server keeps about a user beyond a process's life (docs/calling.md, "Server storage"): the kids it
// accepts rings under and its push subscription, plus the server's own VAPID key pair. Which sockets are
// registered is presence, and stays in memory. Node: node/level-user-store.ts; Cloudflare: the user's Durable
// Object storage (cloudflare/user-object.ts); tests and a storage-less start: MemoryUserStore.

import type { PushSubscriptionRecord } from './push.ts';

export interface UserRecord {
  /** The kid of the current invite code. */
  invite: string;
  /** Kids of per-contact tokens. */
  contacts: string[];
  push?: PushSubscriptionRecord;
}

/** base64url: the public key is the raw uncompressed P-256 point (what `registered.vapidKey` carries). */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

export interface UserStore {
  /** null for an id that never registered. */
  get(id: string): Promise<UserRecord | null>;
  set(id: string, record: UserRecord): Promise<void>;
  getVapidKeys(): Promise<VapidKeys | null>;
  setVapidKeys(keys: VapidKeys): Promise<void>;
}

export class MemoryUserStore implements UserStore {
  private readonly users = new Map<string, UserRecord>();
  private vapid: VapidKeys | null = null;

  get(id: string): Promise<UserRecord | null> {
    const record = this.users.get(id);
    return Promise.resolve(record ? structuredClone(record) : null);
  }

  set(id: string, record: UserRecord): Promise<void> {
    this.users.set(id, structuredClone(record));
    return Promise.resolve();
  }

  getVapidKeys(): Promise<VapidKeys | null> {
    return Promise.resolve(this.vapid);
  }

  setVapidKeys(keys: VapidKeys): Promise<void> {
    this.vapid = { ...keys };
    return Promise.resolve();
  }
}
