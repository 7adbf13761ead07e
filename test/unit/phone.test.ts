// The phone engine, two (or three) of them in one process, joined by a stand-in switchboard: ringing, the answers,
// cancel and no answer, busy, a second device, blocked callers, contacts made after a call ringing each other after
// a link rotation. The envelopes and the server's checks have their own tests; here the engine's decisions.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { memoryPhoneStore, type PhoneStore } from '../../src/core/phone/phone-db';
import { Phone, type PhoneOptions } from '../../src/core/phone/phone';
import type { PhoneState } from '../../src/core/phone/phone-state';
import { Switchboard } from './phone-switchboard';

interface Person {
  phone: Phone;
  store: PhoneStore;
  rooms: { room: string; secret: string; name: string }[];
  busy: boolean;
}

/** Every engine a test made, stopped after it: a ring's 30 s timer must not outlive its test. */
const started: Phone[] = [];
afterEach(() => {
  for (const p of started.splice(0)) p.stop();
});

async function person(board: Switchboard, name: string, over: Partial<PhoneOptions> = {}, store = memoryPhoneStore()): Promise<Person> {
  const p: Person = { phone: null as unknown as Phone, store, rooms: [], busy: false };
  p.phone = new Phone({
    store,
    signalingUrl: 'ws://switchboard.test/ws',
    host: 'switchboard.test',
    origin: 'https://app.test',
    socket: board.factory(),
    enterRoom: (room, secret, n) => p.rooms.push({ room, secret, name: n }),
    inCall: () => p.busy,
    ...over,
  });
  started.push(p.phone);
  await p.phone.start();
  await p.phone.setName(name);
  await until(p.phone, (s) => s.registration === 'online');
  return p;
}

async function until(phone: Phone, ok: (s: PhoneState) => boolean, ms = 3000): Promise<PhoneState> {
  const end = Date.now() + ms;
  while (!ok(phone.get())) {
    if (Date.now() > end) throw new Error(`phone state never matched: ${JSON.stringify(phone.get(), null, 1)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return phone.get();
}

const linkOf = (p: Person): string => p.phone.get().me?.link ?? '';

describe('phone engine', () => {
  test('a ring shows who calls; Accept puts both in the same fresh private room', async () => {
    const board = new Switchboard();
    const [alice, bob] = [await person(board, 'Alice'), await person(board, 'Bob')];
    await alice.phone.callLink(linkOf(bob));
    assert.equal(alice.phone.get().outgoing?.phase, 'calling');
    const ringing = await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    assert.deepEqual(
      { from: ringing.incoming?.from, name: ringing.incoming?.name, trust: ringing.incoming?.trust, busy: ringing.incoming?.busy },
      { from: alice.phone.get().me?.id, name: 'Alice', trust: 'new', busy: false },
    );
    await bob.phone.accept();
    await until(alice.phone, (s) => s.outgoing === null);
    assert.equal(bob.rooms.length, 1);
    assert.equal(alice.rooms.length, 1);
    assert.deepEqual(bob.rooms[0], { ...alice.rooms[0], name: 'Bob' });
    assert.equal(alice.rooms[0].name, 'Alice');
    assert.equal(bob.phone.get().lastPeer?.name, 'Alice');
    assert.equal(alice.phone.get().lastPeer?.name, 'Bob');
    // The server relays only ciphertext: the room's secret is nowhere in what either engine sent.
    assert.ok(!JSON.stringify(board.log).includes(alice.rooms[0].secret));
  });

  test('Decline ends it on both sides, with "declined" for the caller', async () => {
    const board = new Switchboard();
    const [alice, bob] = [await person(board, 'Alice'), await person(board, 'Bob')];
    await alice.phone.callLink(linkOf(bob));
    await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    await bob.phone.decline();
    assert.equal(bob.phone.get().incoming, null);
    const s = await until(alice.phone, (x) => x.outgoing?.phase === 'ended');
    assert.equal(s.outgoing?.ended, 'declined');
    assert.equal(alice.rooms.length + bob.rooms.length, 0);
  });

  test('the caller cancelling turns the ring into a missed call', async () => {
    const board = new Switchboard();
    const [alice, bob] = [await person(board, 'Alice'), await person(board, 'Bob')];
    await alice.phone.callLink(linkOf(bob));
    await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    alice.phone.cancel();
    assert.equal(alice.phone.get().outgoing, null);
    const s = await until(bob.phone, (x) => x.incoming?.phase === 'ended');
    assert.equal(s.incoming?.ended, 'cancelled');
    await bob.phone.accept();
    assert.equal(bob.rooms.length, 0, 'an ended ring cannot be accepted');
  });

  test('nobody answers: the caller gives up and cancels, the callee sees a missed call', async () => {
    const board = new Switchboard();
    const alice = await person(board, 'Alice', { ringTimeoutMs: 150 });
    const bob = await person(board, 'Bob', { ringTimeoutMs: 10_000 });
    await alice.phone.callLink(linkOf(bob));
    await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    const a = await until(alice.phone, (s) => s.outgoing?.phase === 'ended');
    assert.equal(a.outgoing?.ended, 'no-answer');
    assert.equal(board.sentOfType('ring-cancel').length, 1);
    assert.equal((await until(bob.phone, (s) => s.incoming?.phase === 'ended')).incoming?.ended, 'cancelled');
  });

  test('in a call already: the ring says so; a second caller meanwhile hears "busy"', async () => {
    const board = new Switchboard();
    const [alice, bob, carol] = [await person(board, 'Alice'), await person(board, 'Bob'), await person(board, 'Carol')];
    bob.busy = true;
    await alice.phone.callLink(linkOf(bob));
    assert.equal((await until(bob.phone, (s) => s.incoming?.phase === 'ringing')).incoming?.busy, true);
    await carol.phone.callLink(linkOf(bob));
    assert.equal((await until(carol.phone, (s) => s.outgoing?.phase === 'ended')).outgoing?.ended, 'busy');
    assert.equal(bob.phone.get().incoming?.name, 'Alice', 'the first ring is still the one shown');
  });

  test('answered on one device: the other stops ringing', async () => {
    const board = new Switchboard();
    const store = memoryPhoneStore();
    const bobPhone = await person(board, 'Bob', {}, store);
    const bobLaptop = await person(board, 'Bob', {}, store);
    const alice = await person(board, 'Alice');
    assert.equal(bobPhone.phone.get().me?.id, bobLaptop.phone.get().me?.id);
    await alice.phone.callLink(linkOf(bobPhone));
    await until(bobPhone.phone, (s) => s.incoming?.phase === 'ringing');
    await until(bobLaptop.phone, (s) => s.incoming?.phase === 'ringing');
    await bobLaptop.phone.accept();
    assert.equal((await until(bobPhone.phone, (s) => s.incoming?.phase === 'ended')).incoming?.ended, 'answered-elsewhere');
    assert.equal(bobPhone.rooms.length, 0);
  });

  test('a rotated link stops ringing; saved contacts still ring each other with their tokens', async () => {
    const board = new Switchboard();
    const [alice, bob] = [await person(board, 'Alice'), await person(board, 'Bob')];
    const oldLink = linkOf(bob);
    await alice.phone.callLink(oldLink);
    await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    await bob.phone.accept();
    await until(alice.phone, (s) => s.outgoing === null && s.lastPeer !== null);
    await alice.phone.saveLastPeer();
    await bob.phone.saveLastPeer();
    await bob.phone.newLink();
    assert.notEqual(linkOf(bob), oldLink);
    await until(bob.phone, (s) => s.registration === 'online');
    await until(alice.phone, (s) => s.registration === 'online');

    await alice.phone.callLink(oldLink);
    assert.equal((await until(alice.phone, (s) => s.outgoing?.phase === 'ended')).outgoing?.ended, 'unknown-link');
    alice.phone.dismiss();

    const bobId = bob.phone.get().me?.id ?? '';
    await alice.phone.callContact(bobId);
    const ring = await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    assert.equal(ring.incoming?.trust, 'known', 'a saved contact is recognised by key');
    await bob.phone.accept();
    await until(alice.phone, (s) => s.outgoing === null);
    assert.equal(alice.rooms.length, 2);
    assert.deepEqual(alice.rooms[1].room, bob.rooms[1].room);
    // And the other way round.
    await bob.phone.callContact(alice.phone.get().me?.id ?? '');
    await until(alice.phone, (s) => s.incoming?.phase === 'ringing');
  });

  test('contacts who saved each other see each other online; a stranger with the id learns nothing', async () => {
    const board = new Switchboard();
    const [alice, bob] = [await person(board, 'Alice'), await person(board, 'Bob')];
    await alice.phone.callLink(linkOf(bob));
    await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    await bob.phone.accept();
    await until(alice.phone, (s) => s.lastPeer !== null && s.outgoing === null);
    await alice.phone.saveLastPeer();
    assert.equal(alice.phone.get().contacts[0].presence, 'unknown', 'Bob has not saved Alice: her token is not his');
    await bob.phone.saveLastPeer();
    await until(bob.phone, (s) => s.registration === 'online');
    alice.phone.refreshPresence();
    await until(alice.phone, (s) => s.contacts[0]?.presence === 'online');
    assert.ok(board.sentOfType('presence').some((m) => m.id === bob.phone.get().me?.id));
    bob.phone.stop();
    alice.phone.refreshPresence();
    await until(alice.phone, (s) => s.contacts[0]?.presence === 'unknown');
  });

  test('a contact who never saved me is rung through the link I called them by, until they rotate it', async () => {
    const board = new Switchboard();
    const [alice, bob] = [await person(board, 'Alice'), await person(board, 'Bob')];
    await alice.phone.callLink(linkOf(bob));
    await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    await bob.phone.accept();
    await until(alice.phone, (s) => s.lastPeer !== null && s.outgoing === null);
    await alice.phone.saveLastPeer();
    const bobId = bob.phone.get().me?.id ?? '';
    const rings = board.sentOfType('ring').length;
    await alice.phone.callContact(bobId);
    await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    const tried = board.sentOfType('ring').slice(rings);
    assert.equal(tried.length, 2, 'their token first (refused: Bob never saved Alice), then the invite code');
    assert.notEqual(tried[0].kid, tried[1].kid);
    bob.phone.dismiss();
    await bob.phone.decline();
    await until(alice.phone, (s) => s.outgoing?.phase === 'ended');
    alice.phone.dismiss();
    await bob.phone.newLink();
    await until(bob.phone, (s) => s.registration === 'online');
    await alice.phone.callContact(bobId);
    assert.equal((await until(alice.phone, (s) => s.outgoing?.phase === 'ended')).outgoing?.ended, 'unknown-link');
  });

  test('a blocked contact rings nobody, silently', async () => {
    const board = new Switchboard();
    const [alice, bob] = [await person(board, 'Alice'), await person(board, 'Bob')];
    await alice.phone.callLink(linkOf(bob));
    await until(bob.phone, (s) => s.incoming?.phase === 'ringing');
    await bob.phone.accept();
    await bob.phone.saveLastPeer();
    const aliceId = alice.phone.get().me?.id ?? '';
    await bob.phone.updateContact(aliceId, (c) => ({ ...c, blocked: true }));
    await until(alice.phone, (s) => s.outgoing === null);
    const rings = board.sentOfType('ring').length;
    await alice.phone.callLink(linkOf(bob));
    while (board.sentOfType('ring').length === rings) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(bob.phone.get().incoming, null);
    assert.equal(alice.phone.get().outgoing?.phase, 'calling', 'the caller hears only ringing, as for someone away');
    alice.phone.cancel();
  });

  test('a registration the server refuses is shown as refused', async () => {
    const board = new Switchboard();
    const orig = board.receive.bind(board);
    board.receive = (line, m) =>
      m.type === 'register' ? line.deliver({ type: 'error', code: 'bad-registration', message: 'no' }) : orig(line, m);
    const phone = new Phone({
      store: memoryPhoneStore(),
      signalingUrl: 'ws://switchboard.test/ws',
      host: 'switchboard.test',
      origin: 'https://app.test',
      socket: board.factory(),
      enterRoom: () => {},
      inCall: () => false,
    });
    started.push(phone);
    await phone.start();
    await until(phone, (s) => s.registration === 'refused');
  });

  test('a malformed link ends before anything is sent', async () => {
    const board = new Switchboard();
    const alice = await person(board, 'Alice');
    const sent = board.log.length;
    await alice.phone.callLink('https://app.test/call#AAAA');
    assert.equal(alice.phone.get().outgoing?.ended, 'bad-link');
    assert.equal(board.log.length, sent);
  });
});
