// The phone in one chunk that call-app loads on first need (a phone page, or an identity made earlier): the
// engine from src/core/phone and its screens. Pages that never use the phone do not load it.
import { memoryPhoneStore, openPhoneDb, type PhoneStore } from '../core/phone/phone-db';
import { Phone, type PhoneOptions } from '../core/phone/phone';
import { browserPush } from '../core/phone/push-control';
import { signalingUrl } from '../core/signaling-client';
import './phone/phone-screens';

export { decodeCallLink } from '../core/phone/call-link';
export { exportContacts, importContacts, renamed } from '../core/phone/contacts';

async function store(): Promise<PhoneStore> {
  try {
    return await openPhoneDb();
  } catch {
    // Some private modes refuse IndexedDB: the phone still works for this page's life.
    return memoryPhoneStore();
  }
}

/** A system notification for a ring while the page is hidden; the service worker's, where there is one. */
async function notify(title: string, body: string, tag: string): Promise<void> {
  if (document.visibilityState === 'visible' || typeof Notification !== 'function' || Notification.permission !== 'granted') return;
  const reg = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
  if (reg) await reg.showNotification(title, { body, tag, requireInteraction: true });
  else new Notification(title, { body, tag });
}

export async function createPhone(
  hooks: Pick<PhoneOptions, 'enterRoom' | 'inCall' | 'ringing' | 'ringOver'> & { ringTitle(name: string): string },
): Promise<Phone> {
  const url = signalingUrl(location);
  return new Phone({
    store: await store(),
    signalingUrl: url,
    // The host the socket connects to, which the server checks: not this page's when the Worker is elsewhere.
    host: new URL(url).host,
    origin: location.origin,
    push: browserPush,
    enterRoom: hooks.enterRoom,
    inCall: hooks.inCall,
    ringing: hooks.ringing,
    ringOver: hooks.ringOver,
    notify: (name, body, tag) => void notify(hooks.ringTitle(name), body, tag).catch(() => undefined),
  });
}
