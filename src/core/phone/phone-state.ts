// What the phone side of the app shows: my link, my presence, the contacts, and at most one ring each way.
// The engine (phone.ts) is the only writer; the views (src/ui/phone/*) read it and send `PhoneIntent`s back.

import type { Contact, TrustState } from './contacts';

/** How a ring ended, on the side that shows it. */
export type RingEnd =
  /** Callee pressed Decline. */
  | 'declined'
  /** Nobody answered within 30 s (caller), or the ring expired unanswered (callee: a missed call). */
  | 'no-answer'
  /** The caller cancelled (callee: a missed call). */
  | 'cancelled'
  /** The callee is in another call and said so. */
  | 'busy'
  /** The link's invite code was rotated: this link no longer rings. */
  | 'unknown-link'
  /** Too many rings in a short time. */
  | 'rate-limited'
  /** The link is malformed (typo, truncated). */
  | 'bad-link'
  /** The other side's answer could not be verified, or the server is unreachable. */
  | 'failed'
  /** Another tab or device of mine answered (callee). */
  | 'answered-elsewhere';

export type Presence = 'online' | 'push' | 'unknown';

export interface ContactEntry extends Contact {
  presence: Presence;
}

export interface OutgoingRing {
  call: string;
  /** Callee id. */
  to: string;
  /** Their name if a contact, else what the link owner is known as (may be ''). */
  name: string;
  trust: TrustState;
  phase: 'calling' | 'ended';
  ended?: RingEnd;
}

export interface IncomingRing {
  call: string;
  from: string;
  name: string;
  trust: TrustState;
  /** I am in a call already: the screen says so and offers Decline (answering leaves the current call). */
  busy: boolean;
  phase: 'ringing' | 'ended';
  ended?: RingEnd;
}

export interface PhoneState {
  /** Null until the identity is loaded (first run makes it). */
  /** `key`: my public key (identity.ts), for safety numbers. */
  me: { id: string; key: string; name: string; link: string } | null;
  /** The server accepted my signed registration ('online'); 'refused' says someone else holds the id or the signature failed. */
  registration: 'off' | 'connecting' | 'online' | 'refused';
  push: { supported: boolean; enabled: boolean; denied: boolean };
  contacts: ContactEntry[];
  outgoing: OutgoingRing | null;
  incoming: IncomingRing | null;
  /** The last person I was in a call with through a ring, offered for "Save contact" after the call. */
  lastPeer: { id: string; key: string; name: string; saved: boolean } | null;
  /** One line for a status region (a failed import, a copied link), as an i18n key with params. */
  notice: { key: string; params?: Record<string, string> } | null;
}

export const INITIAL_PHONE_STATE: PhoneState = {
  me: null,
  registration: 'off',
  push: { supported: false, enabled: false, denied: false },
  contacts: [],
  outgoing: null,
  incoming: null,
  lastPeer: null,
  notice: null,
};

/** What a phone view asks for; the root element hands it to the engine. */
export type PhoneIntent =
  /** Ring the owner of a call link (the page's /call#… link) or a contact by id. */
  | { type: 'phone-call'; link?: string; contact?: string }
  | { type: 'phone-cancel' }
  | { type: 'phone-accept' }
  | { type: 'phone-decline' }
  /** Dismiss an ended ring's message. */
  | { type: 'phone-dismiss' }
  | { type: 'phone-new-link' }
  | { type: 'phone-copy-link' }
  | { type: 'phone-share-link' }
  /** The name my rings and replies carry. */
  | { type: 'phone-name'; name: string }
  | { type: 'phone-push'; enabled: boolean }
  | { type: 'contact-save' }
  | { type: 'contact-rename'; id: string; name: string }
  | { type: 'contact-remove'; id: string }
  | { type: 'contact-block'; id: string; blocked: boolean }
  | { type: 'contact-verify'; id: string; verified: boolean }
  | { type: 'contacts-export' }
  | { type: 'contacts-import'; file: File };
