// Ringing with the app closed (docs/calling.md, "Web Push"): the built app's real service worker in Debian's
// Chromium, with every page of the app closed, gets ring and cancel pushes through the DevTools protocol
// (ServiceWorker.deliverPushMessage: no real push service is reachable here) and shows or withholds the notification.
// The phone's IndexedDB is seeded the way the app keeps it (phone-db.ts), with a key pair made in the page; the
// rings are sealed in node by ring-envelope.ts from caller identities that exist only here.
// DevTools cannot click a notification, and clients.openWindow needs a real click, so the click is taken from the
// notification the worker really showed (its data and actions) through the handler's own decision function;
// test/unit/sw-ring.test.ts runs the handler itself against fake windows.
// Run after `npm run build`: bash scripts/netns.sh node --import tsx --test test/e2e/push-ring.test.ts
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, CDPSession, Worker } from 'playwright-core';
import { base64urlEncode } from '../../signaling/src/base64url.ts';
import { newInviteCode } from '../../src/core/phone/call-link.ts';
import { newContactToken } from '../../src/core/phone/contacts.ts';
import { Identity, idFromKey } from '../../src/core/phone/identity.ts';
import { PHONE_DB_NAME } from '../../src/core/phone/phone-db.ts';
import { newCallId, sealRing } from '../../src/core/phone/ring-envelope.ts';
import { newRoomId, newRoomSecret } from '../../src/core/room-link.ts';
import { answerUrl, clickDecision } from '../../src/sw-ring.ts';
import { closeBrowser, launchChromium, newParticipant, sleep, startServer, waitFor, withTimeout, type AppServer } from './harness.ts';

const STEP = { timeout: 90_000 };

interface TrayEntry {
  title: string;
  tag: string;
  body: string;
  data: unknown;
  actions: { action: string; title: string }[];
  requireInteraction: boolean;
  renotify: boolean;
}

/** What the seeded profile keeps in IndexedDB, as phone-db.ts's Contact. */
interface SeedContact {
  id: string;
  key: string;
  name: string;
  myToken: string;
  theirToken: string | null;
  verified: boolean;
  blocked: boolean;
  added: number;
}

const [mum, stranger, pest] = await Promise.all([Identity.generate(), Identity.generate(), Identity.generate()]);

describe('a ring pushed to the closed app', { timeout: 400_000 }, () => {
  let server: AppServer;
  let browser: Browser;
  let context: BrowserContext;
  let cdp: CDPSession;
  let registrationId: string;
  let me: string;
  const invite = newInviteCode();
  const pestToken = newContactToken();

  before(async () => {
    server = await startServer();
    browser = await launchChromium();
    context = await newParticipant(browser, server.url);
    await context.grantPermissions(['notifications'], { origin: server.url });
    const app = await context.newPage();
    await app.goto(`${server.url}/`);
    await withTimeout(
      app.evaluate(() => navigator.serviceWorker.ready.then(() => true)),
      30_000,
      'the service worker to activate',
    );
    const contacts: SeedContact[] = [
      { id: mum.id, key: mum.key, name: 'Mum', myToken: newContactToken(), theirToken: null, verified: false, blocked: false, added: 1 },
      { id: pest.id, key: pest.key, name: 'Pest', myToken: pestToken, theirToken: null, verified: false, blocked: true, added: 2 },
    ];
    // The schema of phone-db.ts (version 1: identity, settings, contacts keyed by id), written with the raw API
    // because the page's own phone code is not loaded on the home screen.
    const rawKey = await app.evaluate(
      async ({ name, invite, contacts }) => {
        const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open(name, 1);
          open.onupgradeneeded = () => {
            open.result.createObjectStore('identity');
            open.result.createObjectStore('settings');
            open.result.createObjectStore('contacts', { keyPath: 'id' });
          };
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const tx = db.transaction(['identity', 'settings', 'contacts'], 'readwrite');
        tx.objectStore('identity').put(pair, 'self');
        tx.objectStore('settings').put(invite, 'inviteCode');
        tx.objectStore('settings').put('Bob', 'displayName');
        for (const c of contacts) tx.objectStore('contacts').put(c);
        await new Promise((resolve, reject) => {
          tx.oncomplete = resolve;
          tx.onerror = () => reject(tx.error);
        });
        db.close();
        return Array.from(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey)));
      },
      { name: PHONE_DB_NAME, invite, contacts },
    );
    const id = await idFromKey(base64urlEncode(new Uint8Array(rawKey)));
    assert.ok(id);
    me = id;
    // DevTools' ServiceWorker domain lives on a page target: an about:blank page, which is no client of the app.
    const blank = await context.newPage();
    await app.close();
    cdp = await context.newCDPSession(blank);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    registrationId = await waitFor(
      () => registrations.find((r) => r.scopeURL === `${server.url}/` && !r.isDeleted)?.registrationId,
      10_000,
      'the app’s service worker registration',
    );
    assert.deepEqual(
      context.pages().map((p) => p.url()),
      ['about:blank'],
    );
  });

  after(async () => {
    await closeBrowser(browser);
    await server?.stop();
  });

  async function push(message: object): Promise<void> {
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: server.url, registrationId, data: JSON.stringify(message) });
  }

  async function ring(caller: Identity, over: { secret?: string; name?: string; at?: number } = {}): Promise<string> {
    const call = newCallId();
    const ts = over.at ?? Date.now();
    const details = {
      callee: me,
      secret: over.secret ?? invite,
      call,
      name: over.name ?? 'Alice',
      room: newRoomId(),
      roomSecret: newRoomSecret(),
    };
    const { kid, data } = await sealRing(caller, details, ts);
    await push({ t: 'ring', callee: me, call, kid, data, ts });
    return call;
  }

  /** The running service worker (the push starts it again if Chromium stopped it while idle). */
  async function worker(): Promise<Worker> {
    return waitFor(() => context.serviceWorkers().at(-1), 15_000, 'a running service worker');
  }

  async function tray(): Promise<TrayEntry[]> {
    return (await worker()).evaluate(async () => {
      const scope = self as unknown as {
        registration: { getNotifications(): Promise<(Notification & Omit<TrayEntry, 'actions'> & { actions: TrayEntry['actions'] })[]> };
      };
      return (await scope.registration.getNotifications()).map((n) => ({
        title: n.title,
        tag: n.tag,
        body: n.body,
        data: n.data as unknown,
        actions: n.actions.map((a) => ({ action: a.action, title: a.title })),
        requireInteraction: n.requireInteraction,
        renotify: n.renotify,
      }));
    });
  }

  async function shown(tag: string, title?: string, ms = 20_000): Promise<TrayEntry> {
    let last: TrayEntry[] = [];
    try {
      return await waitFor(
        async () => {
          last = await tray();
          return last.find((n) => n.tag === tag && (title === undefined || n.title === title));
        },
        ms,
        `a notification tagged ${tag}${title ? ` titled "${title}"` : ''}`,
        200,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the tray has ${JSON.stringify(last.map((n) => n.title))}`);
    }
  }

  /** A push that must show nothing: given time to be handled, then the tray still has nothing for it. */
  async function nothingFor(tag: string, name: string): Promise<void> {
    await sleep(2_000);
    const now = await tray();
    assert.equal(
      now.find((n) => n.tag === tag || n.title.includes(name)),
      undefined,
      JSON.stringify(now.map((n) => n.title)),
    );
  }

  let mumsCall: string;

  test('a saved contact’s ring shows "<saved name> is calling" with Accept and Decline, until answered', STEP, async () => {
    mumsCall = await ring(mum, { name: 'Definitely not Mum' });
    const n = await shown(mumsCall);
    assert.equal(n.title, 'Mum is calling');
    assert.deepEqual(n.actions, [
      { action: 'accept', title: 'Accept' },
      { action: 'decline', title: 'Decline' },
    ]);
    assert.equal(n.requireInteraction, true);
    assert.equal(n.renotify, true);
    assert.deepEqual(n.data, { kind: 'ring', call: mumsCall, name: 'Mum' });
    const windows = await (
      await worker()
    ).evaluate(async () => {
      const scope = self as unknown as { clients: { matchAll(o: object): Promise<unknown[]> } };
      return (await scope.clients.matchAll({ type: 'window', includeUncontrolled: true })).length;
    });
    assert.equal(windows, 0, 'no window of the app is open');
  });

  test('its Accept, or a click on its body, opens /?answer=<call>; its Decline opens nothing', STEP, async () => {
    const n = await shown(mumsCall);
    for (const action of ['accept', '']) {
      const decision = clickDecision(action, n.data);
      assert.deepEqual(decision, { do: 'answer', call: mumsCall });
      assert.equal(answerUrl(decision.do === 'answer' ? decision.call : ''), `/?answer=${mumsCall}`);
    }
    assert.deepEqual(clickDecision('decline', n.data), { do: 'decline', call: mumsCall });
    // The page that URL opens is the app (the server serves its shell for any path and query).
    const res = await fetch(new URL(answerUrl(mumsCall), server.url));
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<call-app/);
  });

  test('a cancel push turns it into "Missed call from <name>"', STEP, async () => {
    await push({ t: 'cancel', callee: me, call: mumsCall });
    const n = await shown(mumsCall, 'Missed call from Mum');
    assert.deepEqual(n.actions, []);
    assert.equal(n.requireInteraction, false);
    assert.deepEqual(n.data, { kind: 'missed', call: mumsCall, name: 'Mum' });
    assert.equal(clickDecision('', n.data).do, 'open');
  });

  let strangersCall: string;

  test('someone not in my contacts is shown under their own name, marked as unverified', STEP, async () => {
    // Sealed 12 s ago (the caller's clock), so the last test waits 18 s, not 30, for it to become a missed call.
    strangersCall = await ring(stranger, { name: 'Alice', at: Date.now() - 12_000 });
    assert.equal((await shown(strangersCall)).title, 'Alice (not in your contacts) is calling');
  });

  test('a ring sealed under a kid I do not know (a rotated link) shows nothing of the caller', STEP, async () => {
    const call = await ring(stranger, { secret: newInviteCode(), name: 'Rotated Rita' });
    await nothingFor(call, 'Rotated Rita');
  });

  test('a blocked contact’s ring shows nothing, under my invite code or under the token I gave them', STEP, async () => {
    const calls = [await ring(pest, { name: 'Pest' }), await ring(pest, { secret: pestToken, name: 'Pest' })];
    for (const call of calls) await nothingFor(call, 'Pest');
  });

  test('a ring 40 s old (still within the envelope’s 60 s) is shown as a missed call at once', STEP, async () => {
    const call = await ring(mum, { at: Date.now() - 40_000 });
    const n = await shown(call);
    assert.equal(n.title, 'Missed call from Mum');
    assert.deepEqual(n.actions, []);
  });

  test('a ring nobody answers becomes a missed call when the caller gives up (30 s)', STEP, async () => {
    // 30 s after it was sealed, and the checks in between took some of that.
    const n = await shown(strangersCall, 'Missed call from Alice (not in your contacts)', 45_000);
    assert.equal(n.requireInteraction, false);
  });
});
