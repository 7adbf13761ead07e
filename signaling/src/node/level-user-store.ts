// The Node server's durable UserStore: LevelDB through `classic-level`, in DATA_DIR. Chosen because its prebuilt
// binaries ship inside the npm tarball: `npm ci` downloads nothing else and needs no compiler or install script,
// and an embedded store needs no second service to run. One key per user (`user:<id>`) and one for the VAPID
// key pair; values are JSON.

import { mkdir } from 'node:fs/promises';
import { ClassicLevel } from 'classic-level';
import type { PushSubscriptionRecord } from '../core/push.ts';
import type { UserRecord, UserStore, VapidKeys } from '../core/user-store.ts';

const VAPID_KEY = 'vapid';
const userKey = (id: string): string => `user:${id}`;

type Json = Record<string, unknown>;

export class LevelUserStore implements UserStore {
  private constructor(private readonly db: ClassicLevel<string, Json>) {}

  /** Opens (or creates) the store in `dir`; fails if another process has it open (LevelDB's lock). */
  static async open(dir: string): Promise<LevelUserStore> {
    await mkdir(dir, { recursive: true });
    const db = new ClassicLevel<string, Json>(dir, { valueEncoding: 'json' });
    try {
      await db.open();
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? (err.cause as Error & { code?: unknown }) : null;
      if (cause?.code === 'LEVEL_LOCKED')
        throw new Error(`DATA_DIR ${dir} is in use by another server process: give each server its own DATA_DIR`);
      throw err;
    }
    return new LevelUserStore(db);
  }

  async get(id: string): Promise<UserRecord | null> {
    return asRecord(await this.db.get(userKey(id)));
  }

  async set(id: string, record: UserRecord): Promise<void> {
    await this.db.put(userKey(id), { ...record });
  }

  async getVapidKeys(): Promise<VapidKeys | null> {
    const v = await this.db.get(VAPID_KEY);
    return v && typeof v.publicKey === 'string' && typeof v.privateKey === 'string'
      ? { publicKey: v.publicKey, privateKey: v.privateKey }
      : null;
  }

  async setVapidKeys(keys: VapidKeys): Promise<void> {
    await this.db.put(VAPID_KEY, { ...keys });
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** A stored value read back; a record of another shape (a damaged file) counts as none rather than crashing a ring. */
function asRecord(v: Json | undefined): UserRecord | null {
  if (!v || typeof v.invite !== 'string' || !Array.isArray(v.contacts) || !v.contacts.every((k) => typeof k === 'string')) return null;
  const record: UserRecord = { invite: v.invite, contacts: v.contacts as string[] };
  if (isSubscription(v.push)) record.push = v.push;
  return record;
}

function isSubscription(v: unknown): v is PushSubscriptionRecord {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
  return typeof s.endpoint === 'string' && typeof s.keys?.p256dh === 'string' && typeof s.keys.auth === 'string';
}
