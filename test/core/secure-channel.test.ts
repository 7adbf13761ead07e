// The signaling encryption in a real browser's WebCrypto: what the server (or anyone without the link's
// secret) can and cannot do to a sealed payload.
import { expect } from '@open-wc/testing';
import { newRoomSecret, roomLink, secretFromHash } from '../../src/core/room-link';
import { SecureChannel, SecurePipe, type Rejection } from '../../src/core/secure-channel';

const ROOM = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER_ROOM = 'BBBBBBBBBBBBBBBBBBBBBB';
const ALICE = 'alice-id-1';
const BOB = 'bob-id-22';
const CAROL = 'carol-id-3';

function flip(data: string, at: number): string {
  const c = data[at] === 'A' ? 'B' : 'A';
  return data.slice(0, at) + c + data.slice(at + 1);
}

describe('room links', () => {
  it('carry a secret of at least 128 bits in the fragment, separable from the room id', () => {
    const secret = newRoomSecret();
    expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(newRoomSecret()).to.not.equal(secret);
    const link = roomLink(ROOM, secret);
    expect(link).to.equal(`/r/${ROOM}#${secret}`);
    const url = new URL(link, 'https://example.org');
    expect(url.pathname).to.equal(`/r/${ROOM}`);
    expect(secretFromHash(url.hash)).to.equal(secret);
  });

  it('reject an old-style link without a secret, or a too-short one', () => {
    expect(secretFromHash('')).to.equal(null);
    expect(secretFromHash('#')).to.equal(null);
    expect(secretFromHash('#short')).to.equal(null);
    expect(secretFromHash('#not a secret!!!!!!!!!!!!!!!')).to.equal(null);
  });
});

describe('SecureChannel', () => {
  let secret: string;
  let a: SecureChannel;

  beforeEach(async () => {
    secret = newRoomSecret();
    a = await SecureChannel.create(secret, ROOM);
  });

  it('round-trips a payload for the right sender and recipient, and hides it', async () => {
    const sdp = 'v=0\r\na=fingerprint:sha-256 AA:BB\r\n';
    const data = await a.seal(ALICE, BOB, 1, JSON.stringify({ name: 'Alice', sdp }));
    expect(data).to.match(/^e1\.1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(data).to.not.contain('v=0');
    expect(data).to.not.contain('Alice');
    const b = await SecureChannel.create(secret, ROOM);
    expect(await b.open(ALICE, BOB, data)).to.deep.equal({ seq: 1, text: JSON.stringify({ name: 'Alice', sdp }) });
  });

  it('uses a fresh IV for every message', async () => {
    const x = await a.seal(ALICE, BOB, 1, 'same');
    const y = await a.seal(ALICE, BOB, 1, 'same');
    expect(x).to.not.equal(y);
  });

  it('refuses a wrong secret, another room, tampering, redirection, a spoofed sender and a changed seq', async () => {
    const data = await a.seal(ALICE, BOB, 7, 'hello');
    const wrongKey = await SecureChannel.create(newRoomSecret(), ROOM);
    const wrongRoom = await SecureChannel.create(secret, OTHER_ROOM);
    expect(await wrongKey.open(ALICE, BOB, data), 'wrong secret').to.equal(null);
    expect(await wrongRoom.open(ALICE, BOB, data), 'other room').to.equal(null);
    expect(await a.open(ALICE, BOB, flip(data, data.length - 5)), 'ciphertext bit').to.equal(null);
    expect(await a.open(ALICE, BOB, flip(data, 6)), 'iv').to.equal(null);
    expect(await a.open(ALICE, CAROL, data), 'redirected to Carol').to.equal(null);
    expect(await a.open(CAROL, BOB, data), 'stamped as Carol').to.equal(null);
    expect(await a.open(ALICE, BOB, data.replace(/^e1\.7\./, 'e1.8.')), 'seq').to.equal(null);
    expect(
      await a.open(ALICE, BOB, JSON.stringify({ kind: 'hello', key: 'x'.repeat(22), name: 'Mallory', ack: false })),
      'plaintext',
    ).to.equal(null);
    expect(await a.open(ALICE, BOB, data), 'the original still opens').to.not.equal(null);
  });

  it('refuses a secret shorter than 128 bits', async () => {
    let error: unknown;
    try {
      await SecureChannel.create('c2hvcnQ', ROOM);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
  });
});

describe('SecurePipe', () => {
  it('delivers in order, and drops replays and forgeries with a reason', async () => {
    const secret = newRoomSecret();
    const channel = await SecureChannel.create(secret, ROOM);
    const wire: Array<{ to: string; data: string }> = [];
    const sender = new SecurePipe(channel, {
      selfId: () => ALICE,
      send: (to, data) => wire.push({ to, data }),
      deliver: () => undefined,
      rejected: () => undefined,
    });
    for (let i = 0; i < 20; i++) void sender.send(BOB, `message ${i}`);
    await sender.settled();
    expect(wire.map((w) => w.to)).to.deep.equal(Array(20).fill(BOB));

    const delivered: string[] = [];
    const rejected: Rejection[] = [];
    const receiver = new SecurePipe(await SecureChannel.create(secret, ROOM), {
      selfId: () => BOB,
      send: () => undefined,
      deliver: (from, text) => delivered.push(`${from}: ${text}`),
      rejected: (_from, reason) => rejected.push(reason),
    });
    for (const w of wire) receiver.receive(ALICE, w.data);
    receiver.receive(ALICE, wire[3].data);
    receiver.receive(ALICE, flip(wire[19].data, wire[19].data.length - 3));
    receiver.receive(CAROL, wire[19].data);
    await receiver.settled();
    expect(delivered).to.deep.equal(Array.from({ length: 20 }, (_, i) => `${ALICE}: message ${i}`));
    expect(rejected).to.deep.equal(['replayed', 'unreadable', 'unreadable']);
  });
});
