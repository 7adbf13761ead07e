// Ringing while the app is closed (docs/calling.md, "Web Push"): what the service worker does with a ring or
// cancel push and with a click on the notification it showed. The server cannot read a ring, so the decision is
// all here: the envelope opens only with one of our secrets and only if the caller signed it, the name shown is
// the one we saved for a known contact (the caller's own choice is marked as unverified), and a blocked
// contact's ring makes no sound.
//
// Written against the few members of the service worker's objects it uses, not against lib.webworker, so the
// unit tests run it in node with fakes and the app's DOM typecheck accepts it; src/sw.ts passes the real ones.

import type { PhoneStore } from './core/phone/phone-db';
import { kid as kidOf } from './core/phone/call-link';
import { trustState, type Contact } from './core/phone/contacts';
import { Identity, USER_ID_PATTERN } from './core/phone/identity';
import type { ReplayGuard } from './core/phone/replay-guard';
import { CALL_ID_PATTERN, MAX_ENVELOPE_LENGTH, openRing } from './core/phone/ring-envelope';

/** The caller gives up after 30 s; a ring older than that can only be a missed call. */
export const RING_MS = 30_000;

export type PushMessage =
  { t: 'ring'; callee: string; call: string; kid: string; data: string; ts: number } | { t: 'cancel'; callee: string; call: string };

/** What a notification carries for the click handler and for a later cancel. */
export type RingNotificationData = { kind: 'ring' | 'missed'; call: string; name: string };

export interface RingNotificationOptions {
  tag: string;
  body?: string;
  lang: string;
  icon: string;
  timestamp: number;
  renotify: boolean;
  requireInteraction: boolean;
  actions?: { action: 'accept' | 'decline'; title: string }[];
  data: RingNotificationData;
}

export interface ShownNotification {
  readonly data: unknown;
}

/** ServiceWorkerRegistration, as far as ringing needs it. */
export interface Notifier {
  showNotification(title: string, options: RingNotificationOptions): Promise<void>;
  getNotifications(filter: { tag: string }): Promise<readonly ShownNotification[]>;
}

export interface RingEnv {
  notifier: Notifier;
  /** Opened for each push and closed after it: a service worker may be stopped between events. */
  openStore: () => Promise<PhoneStore>;
  /** Lives as long as this service worker instance; the envelope's 60 s expiry covers a restarted one. */
  guard: ReplayGuard;
  lang: SwLang;
  /** Notification.maxActions: 0 where actions are not shown (iOS), and a click on the body answers. */
  maxActions: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export type PushOutcome =
  /** Shown as "<name> is calling", and turned into a missed call if still there when the caller gives up. */
  | 'ringing'
  /** Shown as "Missed call from <name>": a ring that came too late, or a cancel of one being shown. */
  | 'missed'
  /** Shown nothing: not a push of ours, a ring that does not open, for another identity, or from a blocked contact. */
  | 'dropped'
  /** A cancel for a ring that was never shown (the push service let the cancel replace it, say). */
  | 'nothing-to-cancel';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The push's JSON (docs/calling.md, "Web Push"), or null for anything else. */
export function parsePush(data: { json(): unknown } | null | undefined): PushMessage | null {
  let m: unknown;
  try {
    m = data?.json();
  } catch {
    return null;
  }
  if (!isRecord(m) || typeof m.callee !== 'string' || !USER_ID_PATTERN.test(m.callee)) return null;
  if (typeof m.call !== 'string' || !CALL_ID_PATTERN.test(m.call)) return null;
  if (m.t === 'cancel') return { t: 'cancel', callee: m.callee, call: m.call };
  if (m.t !== 'ring' || typeof m.kid !== 'string' || typeof m.data !== 'string' || m.data.length > MAX_ENVELOPE_LENGTH) return null;
  return { t: 'ring', callee: m.callee, call: m.call, kid: m.kid, data: m.data, ts: typeof m.ts === 'number' ? m.ts : 0 };
}

export async function onPush(message: PushMessage | null, env: RingEnv): Promise<PushOutcome> {
  if (!message) return 'dropped';
  if (message.t === 'cancel') {
    const shown = await ringShown(env.notifier, message.call);
    if (!shown) return 'nothing-to-cancel';
    await showMissed(env, message.call, shown.name, env.now());
    return 'missed';
  }
  const caller = await identifyRing(message, env);
  if (!caller) return 'dropped';
  const age = env.now() - caller.ts;
  if (age > RING_MS) {
    await showMissed(env, message.call, caller.name, caller.ts);
    return 'missed';
  }
  const s = STRINGS[env.lang];
  await env.notifier.showNotification(fill(s.calling, caller.name), {
    tag: message.call,
    body: s.body,
    lang: env.lang,
    icon: ICON,
    timestamp: caller.ts,
    // The same call's ring pushed again (a retry) must alert again; requireInteraction keeps it up like a phone.
    renotify: true,
    requireInteraction: true,
    ...(env.maxActions > 0 && {
      actions: [
        { action: 'accept', title: s.accept },
        { action: 'decline', title: s.decline },
      ],
    }),
    data: { kind: 'ring', call: message.call, name: caller.name },
  });
  // The push event is kept open until the caller has given up, so an unanswered ring does not stay up as a
  // call that can still be taken. A cancel or a click in the meantime has already replaced or closed it.
  await env.sleep(RING_MS - Math.max(0, age));
  const still = await ringShown(env.notifier, message.call);
  if (still) await showMissed(env, message.call, still.name, caller.ts);
  return 'ringing';
}

/** Who is calling, as we name them; null for a ring to drop without a sound. */
async function identifyRing(message: Extract<PushMessage, { t: 'ring' }>, env: RingEnv): Promise<{ name: string; ts: number } | null> {
  let store: PhoneStore;
  try {
    store = await env.openStore();
  } catch {
    return null;
  }
  try {
    const pair = await store.identity();
    if (!pair) return null;
    const me = await Identity.fromKeyPair(pair);
    // A subscription left over from an identity this profile no longer has.
    if (message.callee !== me.id) return null;
    const invite = await store.setting('inviteCode');
    const contacts = await store.contacts();
    let tokenOwner: Contact | undefined;
    const secretFor = async (k: string): Promise<string | undefined> => {
      if (invite && (await kidOf(invite)) === k) return invite;
      for (const c of contacts) {
        if ((await kidOf(c.myToken)) === k) {
          tokenOwner = c;
          return c.myToken;
        }
      }
      return undefined;
    };
    const opened = await openRing(message.data, { callee: me.id, call: message.call, secretFor, guard: env.guard });
    if (!opened.ok) return null;
    const ring = opened.value;
    const contact = contacts.find((c) => c.id === ring.from);
    // The token I gave a contact is theirs even if someone else rings with it: blocking them blocks it too.
    if (contact?.blocked || tokenOwner?.blocked) return null;
    const trust = trustState(contact, ring.key);
    const s = STRINGS[env.lang];
    const name =
      contact && (trust === 'known' || trust === 'verified')
        ? contact.name || ring.name || s.someone
        : fill(s.unverified, ring.name || s.someone);
    return { name, ts: ring.ts };
  } catch {
    // IndexedDB failing mid-read: nothing trustworthy to show.
    return null;
  } finally {
    store.close();
  }
}

async function ringShown(notifier: Notifier, call: string): Promise<RingNotificationData | null> {
  for (const n of await notifier.getNotifications({ tag: call })) {
    const d = n.data;
    if (isRecord(d) && d.kind === 'ring' && d.call === call && typeof d.name === 'string') return { kind: 'ring', call, name: d.name };
  }
  return null;
}

/** Replaces the ring with the same tag, quietly: a missed call is news, not an alarm. */
function showMissed(env: RingEnv, call: string, name: string, at: number): Promise<void> {
  return env.notifier.showNotification(fill(STRINGS[env.lang].missed, name), {
    tag: call,
    lang: env.lang,
    icon: ICON,
    timestamp: at,
    renotify: false,
    requireInteraction: false,
    data: { kind: 'missed', call, name },
  });
}

export type ClickDecision = { do: 'answer'; call: string } | { do: 'decline'; call: string } | { do: 'open' };

/** Accept, or a click on a ring's body (where there are no action buttons), answers; Decline declines. */
export function clickDecision(action: string, data: unknown): ClickDecision {
  if (!isRecord(data) || data.kind !== 'ring' || typeof data.call !== 'string' || !CALL_ID_PATTERN.test(data.call)) return { do: 'open' };
  return action === 'decline' ? { do: 'decline', call: data.call } : { do: 'answer', call: data.call };
}

/** The page answers the still-pending ring it receives from the server once it has registered. */
export function answerUrl(call: string): string {
  return `/?answer=${call}`;
}

/** Messages to an open app window (navigator.serviceWorker's `message` event). */
export type RingClientMessage = { type: 'answer'; call: string } | { type: 'decline'; call: string };

export interface AppWindow {
  focus(): Promise<unknown>;
  postMessage(message: RingClientMessage): void;
}

/** Clients, as far as a click needs them. */
export interface AppClients {
  matchAll(options: { type: 'window'; includeUncontrolled: true }): Promise<readonly AppWindow[]>;
  openWindow(url: string): Promise<unknown>;
}

/**
 * Runs a click's decision. An open window is reused: navigating it would end a call it may be in, so it is told
 * instead. Decline opens nothing: with no window open, nobody can send the signed decline, and the caller hears
 * "No answer" at 30 s.
 */
export async function onNotificationClick(decision: ClickDecision, clients: AppClients): Promise<void> {
  const windows = await clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (decision.do === 'decline') {
    for (const w of windows) w.postMessage({ type: 'decline', call: decision.call });
    return;
  }
  const open = windows[0];
  if (open) {
    await open.focus();
    if (decision.do === 'answer') open.postMessage({ type: 'answer', call: decision.call });
    return;
  }
  await clients.openWindow(decision.do === 'answer' ? answerUrl(decision.call) : '/');
}

const ICON = '/icon-192.png';

export type SwLang = 'en' | 'es';

/** The rule of src/ui/i18n.ts pickLang (the worker has no localStorage, so no stored choice). */
export function swLang(languages: readonly string[]): SwLang {
  for (const l of languages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'es' || base === 'en') return base;
  }
  return 'en';
}

const en = {
  calling: '{name} is calling',
  missed: 'Missed call from {name}',
  unverified: '{name} (not in your contacts)',
  someone: 'Someone',
  body: 'Incoming call',
  accept: 'Accept',
  decline: 'Decline',
};

// Accept/Decline as in src/ui/i18n.ts.
const STRINGS: Record<SwLang, typeof en> = {
  en,
  es: {
    calling: '{name} te está llamando',
    missed: 'Llamada perdida de {name}',
    unverified: '{name} (no está en tus contactos)',
    someone: 'Alguien',
    body: 'Llamada entrante',
    accept: 'Aceptar',
    decline: 'Rechazar',
  },
};

function fill(text: string, name: string): string {
  return text.replace('{name}', () => name);
}
