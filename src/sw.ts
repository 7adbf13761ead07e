/// <reference lib="webworker" />
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { openPhoneDb } from './core/phone/phone-db';
import { ReplayGuard } from './core/phone/replay-guard';
import { SHARED_CHANNEL, putSharedFiles } from './core/shared-inbox';
import { clickDecision, onNotificationClick, onPush, parsePush, swLang, type RingEnv } from './sw-ring';

declare let self: ServiceWorkerGlobalScope;

const SHARE_TARGET = '/share-target';

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST);
// Deep links such as /r/<room> load the cached shell, so the app opens (and explains itself) offline.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/ws/, /^\/healthz/] }));

self.addEventListener('message', (event) => {
  if (event.data && (event.data as { type?: unknown }).type === 'SKIP_WAITING') void self.skipWaiting();
});

// Rings pushed while no window of the app is registered with the server (src/sw-ring.ts).
const guard = new ReplayGuard();
const ringEnv = (): RingEnv => ({
  notifier: self.registration,
  openStore: () => openPhoneDb(),
  guard,
  lang: swLang(self.navigator.languages),
  // Not in lib.webworker's Notification; undefined where the platform shows no action buttons.
  maxActions: (self as { Notification?: { maxActions?: number } }).Notification?.maxActions ?? 0,
  now: Date.now,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
});

self.addEventListener('push', (event) => event.waitUntil(onPush(parsePush(event.data), ringEnv())));

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(onNotificationClick(clickDecision(event.action, event.notification.data), self.clients));
});

// The manifest's share_target POSTs the shared files here. Workbox routes only GETs, so this listener sees
// the POST alone. The files are stored before answering, so the page finds them after the redirect; an open
// call (launch_handler focus-existing keeps it alive) hears about them on the broadcast channel.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'POST' || url.origin !== self.location.origin || url.pathname !== SHARE_TARGET) return;
  event.respondWith(receiveShare(event.request));
});

async function receiveShare(request: Request): Promise<Response> {
  try {
    const form = await request.formData();
    const files = form.getAll('files').filter((v): v is File => typeof v !== 'string' && v.size > 0);
    if (files.length > 0) {
      await putSharedFiles(files);
      const channel = new BroadcastChannel(SHARED_CHANNEL);
      channel.postMessage({ type: 'shared-files' });
      channel.close();
    }
  } catch {
    // A malformed share still opens the app; there is simply nothing to offer.
  }
  return Response.redirect('/?shared=1', 303);
}
