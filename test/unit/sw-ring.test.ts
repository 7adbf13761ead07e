// The service worker's ringing (src/sw-ring.ts) in node: real envelopes sealed with Node's WebCrypto, the phone
// store in memory, and a notification tray and window list as small fakes. The sleep that keeps a ring up until
// the caller gives up is a hook: each test sees the tray while the ring is up, and again once the wait is over.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newInviteCode } from '../../src/core/phone/call-link';
import { newContact, type Contact } from '../../src/core/phone/contacts';
import { Identity } from '../../src/core/phone/identity';
import { memoryPhoneStore, type PhoneStore } from '../../src/core/phone/phone-db';
import { ReplayGuard } from '../../src/core/phone/replay-guard';
import { newCallId, sealRing } from '../../src/core/phone/ring-envelope';
import { newRoomId, newRoomSecret } from '../../src/core/room-link';
import {
  RING_MS,
  answerUrl,
  clickDecision,
  onNotificationClick,
  onPush,
  parsePush,
  swLang,
  type AppClients,
  type AppWindow,
  type Notifier,
  type PushMessage,
  type RingClientMessage,
  type RingEnv,
  type RingNotificationOptions,
} from '../../src/sw-ring';

const NOW = 1_800_000_000_000;

interface Shown {
  title: string;
  options: RingNotificationOptions;
}

/** One notification per tag, as browsers keep them: showing under a tag in use replaces that one. */
class Tray implements Notifier {
  readonly byTag = new Map<string, Shown>();
  shows = 0;
  showNotification(title: string, options: RingNotificationOptions): Promise<void> {
    this.shows++;
    this.byTag.set(options.tag, { title, options: structuredClone(options) });
    return Promise.resolve();
  }
  getNotifications(filter: { tag: string }): Promise<{ data: unknown }[]> {
    const n = this.byTag.get(filter.tag);
    return Promise.resolve(n ? [{ data: n.options.data }] : []);
  }
  close(tag: string): void {
    this.byTag.delete(tag);
  }
  titles(): string[] {
    return [...this.byTag.values()].map((n) => n.title);
  }
}

async function callee(): Promise<{ store: PhoneStore; me: Identity; invite: string }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const store = memoryPhoneStore();
  await store.keepIdentity(pair);
  const invite = newInviteCode();
  await store.setSetting('inviteCode', invite);
  return { store, me: await Identity.fromKeyPair(pair), invite };
}

const [alice, mallory] = await Promise.all([Identity.generate(), Identity.generate()]);

async function ringFrom(
  caller: Identity,
  to: { me: Identity; invite: string },
  over: { secret?: string; name?: string; at?: number; call?: string } = {},
): Promise<Extract<PushMessage, { t: 'ring' }>> {
  const call = over.call ?? newCallId();
  const at = over.at ?? NOW;
  const details = {
    callee: to.me.id,
    secret: over.secret ?? to.invite,
    call,
    name: over.name ?? 'Alice',
    room: newRoomId(),
    roomSecret: newRoomSecret(),
  };
  const { kid, data } = await sealRing(caller, details, at);
  return { t: 'ring', callee: to.me.id, call, kid, data, ts: at };
}

interface Harness {
  env: RingEnv;
  tray: Tray;
  /** The tray as it was while each ring was up (at the start of its wait), and how long each wait was. */
  during: { titles: string[]; ms: number }[];
}

function harness(store: PhoneStore, over: Partial<RingEnv> & { whileRinging?: () => Promise<void> } = {}): Harness {
  const tray = new Tray();
  const during: Harness['during'] = [];
  const env: RingEnv = {
    notifier: tray,
    openStore: () => Promise.resolve(store),
    guard: new ReplayGuard(() => NOW),
    lang: 'en',
    maxActions: 2,
    now: () => NOW,
    sleep: async (ms) => {
      during.push({ titles: tray.titles(), ms });
      await over.whileRinging?.();
    },
    ...over,
  };
  return { env, tray, during };
}

async function savedContact(store: PhoneStore, who: Identity, over: Partial<Contact> = {}): Promise<Contact> {
  const c = { ...newContact({ id: who.id, key: who.key, name: 'Mum' }), ...over };
  await store.putContact(c);
  return c;
}

describe('a ring pushed to the service worker', () => {
  test('from someone not in my contacts: "<name> (not in your contacts) is calling", Accept/Decline, until the caller gives up', async () => {
    const b = await callee();
    const h = harness(b.store);
    const ring = await ringFrom(alice, b);
    assert.equal(await onPush(ring, h.env), 'ringing');
    assert.deepEqual(h.during, [{ titles: ['Alice (not in your contacts) is calling'], ms: RING_MS }]);
    // Nobody answered within the 30 s: what stays in the tray is a missed call, quietly, in the ring's place.
    const after = h.tray.byTag.get(ring.call);
    assert.equal(after?.title, 'Missed call from Alice (not in your contacts)');
    assert.deepEqual(after?.options.data, { kind: 'missed', call: ring.call, name: 'Alice (not in your contacts)' });
    assert.equal(after?.options.requireInteraction, false);
    assert.equal(after?.options.actions, undefined);
  });

  test('the ring notification: tag = call, renotify, requireInteraction, both actions, and the data a click needs', async () => {
    const b = await callee();
    let shown: Shown | undefined;
    const h = harness(b.store, { whileRinging: () => Promise.resolve(void (shown = h.tray.byTag.get(ring.call))) });
    const ring = await ringFrom(alice, b);
    await onPush(ring, h.env);
    assert.ok(shown);
    assert.equal(shown.options.tag, ring.call);
    assert.equal(shown.options.renotify, true);
    assert.equal(shown.options.requireInteraction, true);
    assert.equal(shown.options.timestamp, NOW);
    assert.deepEqual(shown.options.actions, [
      { action: 'accept', title: 'Accept' },
      { action: 'decline', title: 'Decline' },
    ]);
    assert.deepEqual(shown.options.data, { kind: 'ring', call: ring.call, name: 'Alice (not in your contacts)' });
  });

  test('where notifications have no action buttons (maxActions 0) there are none: a click on the body answers', async () => {
    const b = await callee();
    let actions: unknown = 'not shown';
    const h = harness(b.store, {
      maxActions: 0,
      whileRinging: () => Promise.resolve(void (actions = h.tray.byTag.get(ring.call)?.options.actions)),
    });
    const ring = await ringFrom(alice, b);
    await onPush(ring, h.env);
    assert.equal(actions, undefined);
  });

  test('a known contact rings under my invite code or under their token: the name I saved, not the one they sent', async () => {
    const b = await callee();
    const mum = await savedContact(b.store, alice);
    for (const secret of [b.invite, mum.myToken]) {
      const h = harness(b.store);
      await onPush(await ringFrom(alice, b, { secret, name: 'Definitely Not Mum' }), h.env);
      assert.deepEqual(h.during[0]?.titles, ['Mum is calling']);
    }
  });

  test('someone else ringing with a contact’s token is shown under their own name, unverified', async () => {
    const b = await callee();
    const mum = await savedContact(b.store, alice);
    const h = harness(b.store);
    await onPush(await ringFrom(mallory, b, { secret: mum.myToken, name: 'Mum' }), h.env);
    assert.deepEqual(h.during[0]?.titles, ['Mum (not in your contacts) is calling']);
  });

  test('a contact record whose key is not the caller’s (a corrupt import) is not trusted for the name', async () => {
    const b = await callee();
    await savedContact(b.store, alice, { key: mallory.key });
    const h = harness(b.store);
    await onPush(await ringFrom(alice, b), h.env);
    assert.deepEqual(h.during[0]?.titles, ['Alice (not in your contacts) is calling']);
  });

  test('a blocked contact’s ring shows nothing, under my invite code or under the token I gave them', async () => {
    const b = await callee();
    const blocked = await savedContact(b.store, alice, { blocked: true });
    for (const [caller, secret] of [
      [alice, b.invite],
      [alice, blocked.myToken],
      [mallory, blocked.myToken],
    ] as const) {
      const h = harness(b.store);
      assert.equal(await onPush(await ringFrom(caller, b, { secret }), h.env), 'dropped');
      assert.equal(h.tray.shows, 0);
    }
  });

  test('a ring that does not open shows nothing: unknown kid, tampered, for another identity, replayed, expired', async () => {
    const b = await callee();
    const other = await callee();
    const h = harness(b.store);
    const cases: [string, PushMessage | null][] = [
      ['a rotated invite code', await ringFrom(alice, b, { secret: newInviteCode() })],
      ['someone else’s ring', await ringFrom(alice, other)],
      ['addressed to another id', { ...(await ringFrom(alice, b)), callee: other.me.id }],
      ['more than 60 s old', await ringFrom(alice, b, { at: NOW - 61_000 })],
      ['not a push of ours', null],
    ];
    const good = await ringFrom(alice, b);
    const tampered = { ...good, data: good.data.slice(0, -2) + (good.data.endsWith('AA') ? 'BB' : 'AA') };
    cases.push(['tampered', tampered], ['under another call id', { ...(await ringFrom(alice, b)), call: newCallId() }]);
    for (const [what, message] of cases) assert.equal(await onPush(message, h.env), 'dropped', what);
    assert.equal(h.tray.shows, 0);
    assert.equal(await onPush(good, h.env), 'ringing');
    const shows = h.tray.shows;
    h.tray.byTag.clear();
    assert.equal(await onPush(good, h.env), 'dropped', 'the same ring again');
    assert.equal(h.tray.shows, shows);
  });

  test('no identity stored, or IndexedDB refusing to open: nothing shown', async () => {
    const b = await callee();
    const ring = await ringFrom(alice, b);
    assert.equal(await onPush(ring, harness(memoryPhoneStore()).env), 'dropped');
    const refused = harness(b.store, { openStore: () => Promise.reject(new Error('blocked')) });
    assert.equal(await onPush(ring, refused.env), 'dropped');
  });

  test('a ring older than 30 s (but within the envelope’s 60 s) is a missed call at once', async () => {
    const b = await callee();
    await savedContact(b.store, alice);
    const h = harness(b.store);
    const ring = await ringFrom(alice, b, { at: NOW - 40_000 });
    assert.equal(await onPush(ring, h.env), 'missed');
    assert.deepEqual(h.during, []);
    assert.deepEqual(h.tray.titles(), ['Missed call from Mum']);
  });

  test('a ring 25 s old rings for the 5 s the caller still waits', async () => {
    const b = await callee();
    const h = harness(b.store);
    await onPush(await ringFrom(alice, b, { at: NOW - 25_000 }), h.env);
    assert.equal(h.during[0]?.ms, 5_000);
  });

  test('a cancel turns the ring into "Missed call from <name>"; the end of the wait then changes nothing', async () => {
    const b = await callee();
    await savedContact(b.store, alice);
    const ring = await ringFrom(alice, b);
    const cancel: PushMessage = { t: 'cancel', callee: b.me.id, call: ring.call };
    let cancelled: string | undefined;
    const h = harness(b.store, { whileRinging: async () => void (cancelled = await onPush(cancel, h.env)) });
    assert.equal(await onPush(ring, h.env), 'ringing');
    assert.equal(cancelled, 'missed');
    assert.deepEqual(h.tray.titles(), ['Missed call from Mum']);
    assert.equal(h.tray.shows, 2);
  });

  test('a cancel for a ring never shown, or already answered (closed), shows nothing', async () => {
    const b = await callee();
    const ring = await ringFrom(alice, b);
    const h = harness(b.store, { whileRinging: () => Promise.resolve(h.tray.close(ring.call)) });
    assert.equal(await onPush({ t: 'cancel', callee: b.me.id, call: newCallId() }, h.env), 'nothing-to-cancel');
    await onPush(ring, h.env);
    assert.equal(await onPush({ t: 'cancel', callee: b.me.id, call: ring.call }, h.env), 'nothing-to-cancel');
    assert.deepEqual(h.tray.titles(), []);
  });

  test('in Spanish', async () => {
    const b = await callee();
    const h = harness(b.store, { lang: 'es' });
    const ring = await ringFrom(alice, b, { name: '' });
    await onPush(ring, h.env);
    assert.deepEqual(h.during[0]?.titles, ['Alguien (no está en tus contactos) te está llamando']);
    assert.deepEqual(h.tray.titles(), ['Llamada perdida de Alguien (no está en tus contactos)']);
    assert.equal(swLang(['es-MX', 'en']), 'es');
    assert.equal(swLang(['fr-FR', 'en-GB', 'es']), 'en');
    assert.equal(swLang(['de']), 'en');
  });
});

describe('reading a push', () => {
  const call = newCallId();
  const callee = 'A'.repeat(27);
  const json = (v: unknown) => ({ json: () => v });
  test('a ring and a cancel as the server sends them', () => {
    const ring = { t: 'ring', callee, call, kid: 'k'.repeat(12), data: 'r1.x', ts: 5 };
    assert.deepEqual(parsePush(json(ring)), ring);
    assert.deepEqual(parsePush(json({ t: 'cancel', callee, call })), { t: 'cancel', callee, call });
  });
  test('anything else is not ours', () => {
    const bad: unknown[] = [
      null,
      'text',
      [],
      { t: 'ring', callee, call: 'short', kid: 'k', data: 'x' },
      { t: 'ring', callee: 'me', call, kid: 'k', data: 'x' },
      { t: 'ring', callee, call, kid: 'k', data: 'x'.repeat(5000) },
      { t: 'ring', callee, call, kid: 'k' },
      { t: 'hello', callee, call },
    ];
    for (const v of bad) assert.equal(parsePush(json(v)), null, JSON.stringify(v)?.slice(0, 80));
    assert.equal(
      parsePush({
        json: () => {
          throw new SyntaxError('not JSON');
        },
      }),
      null,
    );
    assert.equal(parsePush(null), null);
  });
});

describe('a click on the notification', () => {
  const call = newCallId();
  const ring = { kind: 'ring', call, name: 'Mum' };

  test('Accept, or a click on the body, answers; Decline declines; a missed call or anything else just opens', () => {
    assert.deepEqual(clickDecision('accept', ring), { do: 'answer', call });
    assert.deepEqual(clickDecision('', ring), { do: 'answer', call });
    assert.deepEqual(clickDecision('decline', ring), { do: 'decline', call });
    assert.deepEqual(clickDecision('', { kind: 'missed', call, name: 'Mum' }), { do: 'open' });
    assert.deepEqual(clickDecision('accept', { kind: 'ring', call: '../evil' }), { do: 'open' });
    assert.deepEqual(clickDecision('accept', null), { do: 'open' });
  });

  function windows(n: number): { clients: AppClients; opened: string[]; focused: number[]; posts: [number, RingClientMessage][] } {
    const opened: string[] = [];
    const focused: number[] = [];
    const posts: [number, RingClientMessage][] = [];
    const list: AppWindow[] = Array.from({ length: n }, (_, i) => ({
      focus: () => Promise.resolve(void focused.push(i)),
      postMessage: (m: RingClientMessage) => void posts.push([i, m]),
    }));
    const clients: AppClients = {
      matchAll: () => Promise.resolve(list),
      openWindow: (url) => Promise.resolve(void opened.push(url)),
    };
    return { clients, opened, focused, posts };
  }

  test('answering with no window open opens /?answer=<call>', async () => {
    const w = windows(0);
    await onNotificationClick({ do: 'answer', call }, w.clients);
    assert.deepEqual(w.opened, [`/?answer=${call}`]);
    assert.equal(answerUrl(call), `/?answer=${call}`);
  });

  test('answering with a window open focuses it and tells it which call (no second window, no navigation)', async () => {
    const w = windows(2);
    await onNotificationClick({ do: 'answer', call }, w.clients);
    assert.deepEqual(w.opened, []);
    assert.deepEqual(w.focused, [0]);
    assert.deepEqual(w.posts, [[0, { type: 'answer', call }]]);
  });

  test('declining tells every open window and opens none; with none open it does nothing', async () => {
    const w = windows(2);
    await onNotificationClick({ do: 'decline', call }, w.clients);
    assert.deepEqual(w.posts, [
      [0, { type: 'decline', call }],
      [1, { type: 'decline', call }],
    ]);
    assert.deepEqual([w.opened, w.focused], [[], []]);
    const none = windows(0);
    await onNotificationClick({ do: 'decline', call }, none.clients);
    assert.deepEqual([none.opened, none.posts], [[], []]);
  });

  test('a missed call opens the app, or focuses it', async () => {
    const none = windows(0);
    await onNotificationClick({ do: 'open' }, none.clients);
    assert.deepEqual(none.opened, ['/']);
    const one = windows(1);
    await onNotificationClick({ do: 'open' }, one.clients);
    assert.deepEqual([one.opened, one.focused, one.posts], [[], [0], []]);
  });
});
