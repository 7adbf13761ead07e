// Signaling encryption with Node's WebCrypto: SecurePipe's ordering and session rules (base64url has its own
// test in test/signaling/base64url.test.ts).
// test/core/secure-channel.test.ts runs the same sealing in each browser's own WebCrypto.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { newRoomSecret } from '../../src/core/room-link';
import { SecureChannel, SecurePipe, type Rejection } from '../../src/core/secure-channel';

const ROOM = 'AAAAAAAAAAAAAAAAAAAAAA';
const ALICE = 'alice-id-1';
const BOB = 'bob-id-22';
const CAROL = 'carol-id-3';

describe('SecureChannel', () => {
  test('opens only what was sealed for this sender, recipient and room', async () => {
    const secret = newRoomSecret();
    const a = await SecureChannel.create(secret, ROOM);
    const data = await a.seal(ALICE, BOB, 3, 'hello');
    assert.deepEqual(await (await SecureChannel.create(secret, ROOM)).open(ALICE, BOB, data), { seq: 3, text: 'hello' });
    assert.equal(await a.open(BOB, ALICE, data), null);
    assert.equal(await (await SecureChannel.create(secret, 'B'.repeat(22))).open(ALICE, BOB, data), null);
  });

  test('refuses envelopes that are not ours before trying to decrypt', async () => {
    const a = await SecureChannel.create(newRoomSecret(), ROOM);
    for (const data of [
      '',
      'e1',
      'e1.0.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA',
      'e2.1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA',
      'e1.1.short.AAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      assert.equal(await a.open(ALICE, BOB, data), null, data);
    }
  });

  test('refuses a secret shorter than 128 bits, or not base64url', async () => {
    await assert.rejects(SecureChannel.create('c2hvcnQ', ROOM), /at least 128 bits/);
    await assert.rejects(SecureChannel.create('not base64url!!!!!!!!!!!', ROOM), /at least 128 bits/);
  });
});

/** Two pipes sharing a room key: what Alice sends lands in `wire`, Bob's pipe receives from it. */
async function pair() {
  const secret = newRoomSecret();
  const wire: { to: string; data: string }[] = [];
  let aliceId: string | null = ALICE;
  const alice = new SecurePipe(await SecureChannel.create(secret, ROOM), {
    selfId: () => aliceId,
    send: (to, data) => wire.push({ to, data }),
    deliver: () => undefined,
    rejected: () => undefined,
  });
  const delivered: string[] = [];
  const rejected: Rejection[] = [];
  const bob = new SecurePipe(await SecureChannel.create(secret, ROOM), {
    selfId: () => BOB,
    send: () => undefined,
    deliver: (from, text) => delivered.push(`${from}: ${text}`),
    rejected: (_from, reason) => rejected.push(reason),
  });
  return { alice, bob, wire, delivered, rejected, rename: (id: string | null) => (aliceId = id) };
}

describe('SecurePipe', () => {
  test('sends in the order asked, though sealing is asynchronous', async () => {
    const p = await pair();
    // Long and short messages seal in different times; the wire must still carry them in order.
    for (let i = 0; i < 30; i++) void p.alice.send(BOB, `${i}:${'x'.repeat(i % 2 ? 10 : 20_000)}`);
    await p.alice.settled();
    for (const w of p.wire) p.bob.receive(ALICE, w.data);
    await p.bob.settled();
    assert.deepEqual(
      p.delivered.map((d) => Number(/: (\d+):/.exec(d)?.[1])),
      Array.from({ length: 30 }, (_, i) => i),
    );
    assert.deepEqual(p.rejected, []);
  });

  test('drops replays and frames older than the newest seen, per sender', async () => {
    const p = await pair();
    for (let i = 0; i < 3; i++) void p.alice.send(BOB, `m${i}`);
    await p.alice.settled();
    p.bob.receive(ALICE, p.wire[0]!.data);
    p.bob.receive(ALICE, p.wire[2]!.data);
    p.bob.receive(ALICE, p.wire[1]!.data);
    p.bob.receive(ALICE, p.wire[2]!.data);
    await p.bob.settled();
    assert.deepEqual(p.delivered, [`${ALICE}: m0`, `${ALICE}: m2`]);
    assert.deepEqual(p.rejected, ['replayed', 'replayed']);
  });

  test('says a frame stamped with another sender is unreadable', async () => {
    const p = await pair();
    await p.alice.send(BOB, 'hi');
    p.bob.receive(CAROL, p.wire[0]!.data);
    await p.bob.settled();
    assert.deepEqual(p.rejected, ['unreadable']);
  });

  test('sends nothing before the first welcome', async () => {
    const p = await pair();
    p.rename(null);
    await p.alice.send(BOB, 'too early');
    assert.deepEqual(p.wire, []);
  });

  test('drops a frame sealed for a session that was replaced before it went out', async () => {
    const p = await pair();
    const sent = p.alice.send(BOB, 'old session');
    p.rename('alice-id-2');
    await sent;
    assert.deepEqual(p.wire, []);
    await p.alice.send(BOB, 'new session');
    assert.equal(p.wire.length, 1);
  });

  test('receives nothing before its own first welcome', async () => {
    const secret = newRoomSecret();
    const delivered: string[] = [];
    const pipe = new SecurePipe(await SecureChannel.create(secret, ROOM), {
      selfId: () => null,
      send: () => undefined,
      deliver: (_from, text) => delivered.push(text),
      rejected: () => undefined,
    });
    pipe.receive(ALICE, await (await SecureChannel.create(secret, ROOM)).seal(ALICE, BOB, 1, 'x'));
    await pipe.settled();
    assert.deepEqual(delivered, []);
  });
});
