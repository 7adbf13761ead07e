// The browser's Push API behind a small interface, so the phone engine can be tested without a push service.

import { base64urlDecode } from '../../../signaling/src/base64url';
import type { PushSubscriptionRecord } from '../../../signaling/src/core/push';

export interface PushControl {
  supported(): boolean;
  permission(): NotificationPermission | 'unsupported';
  /** Asks for notification permission (inside the user's click), then subscribes; null when refused or impossible. */
  subscribe(vapidKey: string): Promise<PushSubscriptionRecord | null>;
  unsubscribe(): Promise<void>;
  current(): Promise<PushSubscriptionRecord | null>;
}

function record(sub: PushSubscription | null): PushSubscriptionRecord | null {
  const json = sub?.toJSON();
  const p256dh = json?.keys?.p256dh;
  const auth = json?.keys?.auth;
  if (!json?.endpoint || !p256dh || !auth) return null;
  return { endpoint: json.endpoint, keys: { p256dh, auth } };
}

async function registration(): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return null;
  // `ready` never settles without a service worker (a dev server, a first visit still installing): bounded.
  return Promise.race([navigator.serviceWorker.ready, new Promise<null>((r) => setTimeout(() => r(null), 5000))]);
}

export const browserPush: PushControl = {
  supported: () => typeof PushManager === 'function' && typeof Notification === 'function' && 'serviceWorker' in navigator,
  permission: () => (typeof Notification === 'function' ? Notification.permission : 'unsupported'),
  async subscribe(vapidKey) {
    if (!browserPush.supported()) return null;
    if ((await Notification.requestPermission()) !== 'granted') return null;
    const reg = await registration();
    const key = base64urlDecode(vapidKey);
    if (!reg || !key) return null;
    try {
      return record(await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }));
    } catch {
      return null;
    }
  },
  async unsubscribe() {
    const reg = await registration();
    await (await reg?.pushManager.getSubscription())?.unsubscribe();
  },
  async current() {
    if (!browserPush.supported() || Notification.permission !== 'granted') return null;
    const reg = await registration();
    return record((await reg?.pushManager.getSubscription()) ?? null);
  },
};
