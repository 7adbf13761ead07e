// Where the phone side of the app keeps what must survive a reload: the identity's key pair (stored as a
// structured clone, so the non-extractable private key never leaves WebCrypto), a few settings and the contacts.
// Everything goes through `PhoneStore`, so node tests (which have no IndexedDB) use `memoryPhoneStore()`.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Contact } from './contacts';

export const PHONE_DB_NAME = 'p2p-call-phone';
const IDENTITY_KEY = 'self';

export interface PhoneSettings {
  /** The invite code of my call link; "New link" replaces it. */
  inviteCode: string;
  displayName: string;
}

export interface PhoneStore {
  identity(): Promise<CryptoKeyPair | undefined>;
  /** Stores `pair` unless an identity is already stored; returns whichever is stored afterwards. */
  keepIdentity(pair: CryptoKeyPair): Promise<CryptoKeyPair>;
  setting<K extends keyof PhoneSettings>(name: K): Promise<PhoneSettings[K] | undefined>;
  setSetting<K extends keyof PhoneSettings>(name: K, value: PhoneSettings[K]): Promise<void>;
  contact(id: string): Promise<Contact | undefined>;
  contacts(): Promise<Contact[]>;
  putContact(contact: Contact): Promise<void>;
  deleteContact(id: string): Promise<void>;
  close(): void;
}

interface PhoneSchema extends DBSchema {
  identity: { key: string; value: CryptoKeyPair };
  settings: { key: string; value: PhoneSettings[keyof PhoneSettings] };
  contacts: { key: string; value: Contact };
}

class IndexedDbPhoneStore implements PhoneStore {
  constructor(private readonly db: IDBPDatabase<PhoneSchema>) {}

  identity(): Promise<CryptoKeyPair | undefined> {
    return this.db.get('identity', IDENTITY_KEY);
  }

  async keepIdentity(pair: CryptoKeyPair): Promise<CryptoKeyPair> {
    // One readwrite transaction: IndexedDB runs them one at a time, so of two tabs racing, one adds, one reads.
    const tx = this.db.transaction('identity', 'readwrite');
    const stored = await tx.store.get(IDENTITY_KEY);
    if (!stored) await tx.store.put(pair, IDENTITY_KEY);
    await tx.done;
    return stored ?? pair;
  }

  async setting<K extends keyof PhoneSettings>(name: K): Promise<PhoneSettings[K] | undefined> {
    // The store holds each setting under its own name, so the value under `name` has that setting's type.
    return (await this.db.get('settings', name)) as PhoneSettings[K] | undefined;
  }

  async setSetting<K extends keyof PhoneSettings>(name: K, value: PhoneSettings[K]): Promise<void> {
    await this.db.put('settings', value, name);
  }

  contact(id: string): Promise<Contact | undefined> {
    return this.db.get('contacts', id);
  }

  contacts(): Promise<Contact[]> {
    return this.db.getAll('contacts');
  }

  async putContact(contact: Contact): Promise<void> {
    await this.db.put('contacts', contact);
  }

  async deleteContact(id: string): Promise<void> {
    await this.db.delete('contacts', id);
  }

  close(): void {
    this.db.close();
  }
}

/** The browser's store; `name` is for tests, which each want an empty database. */
export async function openPhoneDb(name = PHONE_DB_NAME): Promise<PhoneStore> {
  const db = await openDB<PhoneSchema>(name, 1, {
    upgrade(db) {
      db.createObjectStore('identity');
      db.createObjectStore('settings');
      db.createObjectStore('contacts', { keyPath: 'id' });
    },
  });
  return new IndexedDbPhoneStore(db);
}

/** The same contract in memory: node tests, and a browser where IndexedDB refuses to open (some private modes). */
export function memoryPhoneStore(): PhoneStore {
  let identity: CryptoKeyPair | undefined;
  const settings = new Map<keyof PhoneSettings, PhoneSettings[keyof PhoneSettings]>();
  const contacts = new Map<string, Contact>();
  // Copies in and out, as IndexedDB's structured clone does, so callers cannot rely on sharing objects.
  const copy = (c: Contact): Contact => ({ ...c });
  return {
    identity: () => Promise.resolve(identity),
    keepIdentity(pair) {
      identity ??= pair;
      return Promise.resolve(identity);
    },
    setting: <K extends keyof PhoneSettings>(name: K) => Promise.resolve(settings.get(name) as PhoneSettings[K] | undefined),
    setSetting(name, value) {
      settings.set(name, value);
      return Promise.resolve();
    },
    contact(id) {
      const c = contacts.get(id);
      return Promise.resolve(c && copy(c));
    },
    contacts: () => Promise.resolve([...contacts.values()].map(copy)),
    putContact(contact) {
      contacts.set(contact.id, copy(contact));
      return Promise.resolve();
    },
    deleteContact(id) {
      contacts.delete(id);
      return Promise.resolve();
    },
    close() {},
  };
}
