// Contacts and trust on first use. A contact is someone saved after a call: their key (so a later ring is
// recognised), and a token each way, so calls between contacts keep working after either rotates their link.
// Everything here is pure data in and out; phone-db.ts stores it.
//
// An id is the hash of its key, so "the same id with another key" cannot come from the network: openRing and
// openReply refuse a `from` that is not id(key). It can come from a stored record (an edited or corrupt import),
// and that is what 'key-changed' reports, before any call connects. Someone who reinstalled has a new key and so
// a new id: they show up as 'new', and `namesakes` lets the UI say "not your saved contact Alice".

import { randomBase64url } from '../../../signaling/src/base64url';
import { cleanName } from '../peer-protocol';
import { SECRET_16_PATTERN } from './call-link';
import { idFromKey, PUBLIC_KEY_PATTERN, USER_ID_PATTERN } from './identity';

export interface Contact {
  id: string;
  key: string;
  name: string;
  /** The token I gave them: a ring sealed with it is theirs (I register its kid). */
  myToken: string;
  /** The token they gave me, to ring them; null until they send it. */
  theirToken: string | null;
  /**
   * The invite code of the link I first called them with: rings them until they rotate it, for as long as they
   * have not saved me (until then `theirToken` is not one they accept). Null when I never called them by link.
   */
  invite: string | null;
  /** I compared our safety number with them. */
  verified: boolean;
  /** Their rings are dropped without a sound. */
  blocked: boolean;
  /** When saved, ms since epoch. */
  added: number;
}

export type TrustState = 'new' | 'known' | 'verified' | 'key-changed';

export function trustState(contact: Contact | undefined, presentedKey: string): TrustState {
  if (!contact) return 'new';
  if (contact.key !== presentedKey) return 'key-changed';
  return contact.verified ? 'verified' : 'known';
}

export function newContactToken(): string {
  return randomBase64url(16);
}

/** First sight: the key they presented (already checked against their id by the envelope) is the one we keep. */
export function newContact(
  seen: { id: string; key: string; name: string; theirToken?: string | null; invite?: string | null },
  now = Date.now(),
): Contact {
  return {
    id: seen.id,
    key: seen.key,
    name: cleanName(seen.name) ?? '',
    myToken: newContactToken(),
    theirToken: seen.theirToken ?? null,
    invite: seen.invite ?? null,
    verified: false,
    blocked: false,
    added: now,
  };
}

export function renamed(contact: Contact, name: string): Contact {
  return { ...contact, name: cleanName(name) ?? contact.name };
}

/** Verification is of a key: a record whose key changed is never carried over as verified. */
export function withKey(contact: Contact, key: string): Contact {
  return key === contact.key ? contact : { ...contact, key, verified: false };
}

/** Saved contacts other than `id` whose name reads the same: someone new using a contact's name. */
export function namesakes(contacts: readonly Contact[], id: string, name: string): Contact[] {
  const fold = (s: string): string => s.normalize('NFKC').toLocaleLowerCase().replace(/\s+/g, ' ').trim();
  const wanted = fold(name);
  return wanted ? contacts.filter((c) => c.id !== id && fold(c.name) === wanted) : [];
}

export const CONTACTS_FORMAT = 'p2p-call-contacts';
export const CONTACTS_VERSION = 1;
/** About 3000 contacts' worth; a bigger file is not ours, or not worth parsing. */
export const MAX_CONTACTS_FILE_BYTES = 1_000_000;
export const MAX_CONTACTS = 1000;

export function exportContacts(contacts: readonly Contact[], now = Date.now()): string {
  return JSON.stringify({ format: CONTACTS_FORMAT, version: CONTACTS_VERSION, exported: now, contacts }, null, 2);
}

export type ImportResult = { ok: true; contacts: Contact[] } | { ok: false; error: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, pattern: RegExp): v is string => typeof v === 'string' && pattern.test(v);
const optionalSecret = (v: unknown): v is string | null => v === null || str(v, SECRET_16_PATTERN);

async function parseContact(v: unknown): Promise<Contact | string> {
  if (!isRecord(v)) return 'is not an object';
  if (!str(v.id, USER_ID_PATTERN)) return 'has no valid id';
  if (!str(v.key, PUBLIC_KEY_PATTERN) || (await idFromKey(v.key)) !== v.id) return 'has a key that is not its id’s';
  if (typeof v.name !== 'string' || v.name.length > 256) return 'has no valid name';
  // `invite` came after the first files were written: missing reads as null.
  const invite = v.invite ?? null;
  if (!str(v.myToken, SECRET_16_PATTERN) || !optionalSecret(v.theirToken) || !optionalSecret(invite)) return 'has a malformed token';
  if (typeof v.verified !== 'boolean' || typeof v.blocked !== 'boolean') return 'has malformed flags';
  if (typeof v.added !== 'number' || !Number.isSafeInteger(v.added) || v.added < 0) return 'has a malformed date';
  return {
    id: v.id,
    key: v.key,
    name: cleanName(v.name) ?? '',
    myToken: v.myToken,
    theirToken: v.theirToken,
    invite,
    verified: v.verified,
    blocked: v.blocked,
    added: v.added,
  };
}

/** Reads a file made by `exportContacts`; anything else is refused whole, with a sentence for the person. */
export async function importContacts(text: string): Promise<ImportResult> {
  if (new TextEncoder().encode(text).length > MAX_CONTACTS_FILE_BYTES)
    return { ok: false, error: 'This file is too big to be a contacts file.' };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, error: 'This is not a contacts file (not JSON).' };
  }
  if (!isRecord(doc) || doc.format !== CONTACTS_FORMAT) return { ok: false, error: 'This is not a contacts file from this app.' };
  if (doc.version !== CONTACTS_VERSION) return { ok: false, error: 'This contacts file is from another version of the app.' };
  if (!Array.isArray(doc.contacts)) return { ok: false, error: 'This contacts file has no contact list.' };
  if (doc.contacts.length > MAX_CONTACTS) return { ok: false, error: `This contacts file has more than ${MAX_CONTACTS} contacts.` };
  const contacts: Contact[] = [];
  const ids = new Set<string>();
  for (const [i, entry] of doc.contacts.entries()) {
    const c = await parseContact(entry);
    if (typeof c === 'string') return { ok: false, error: `Contact ${i + 1} in this file ${c}.` };
    if (ids.has(c.id)) return { ok: false, error: `Contact ${i + 1} in this file is listed twice.` };
    ids.add(c.id);
    contacts.push(c);
  }
  return { ok: true, contacts };
}
