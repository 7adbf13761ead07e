// Ring and reply envelopes with Node's WebCrypto: the round trips, and one test per refusal, each built so that
// only the check it names can catch it (remove that check and the test fails).
import assert from 'node:assert/strict';
import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { base64urlDecode, base64urlEncode } from '../../signaling/src/base64url';
import { kid, newInviteCode } from '../../src/core/phone/call-link';
import { Identity, type Signer } from '../../src/core/phone/identity';
import { ReplayGuard } from '../../src/core/phone/replay-guard';
import { newCallId, openReply, openRing, sealReply, sealRing, type RingDetails } from '../../src/core/phone/ring-envelope';
import { newRoomId, newRoomSecret } from '../../src/core/room-link';

const NOW = 1_800_000_000_000;
const [caller, callee, stranger] = await Promise.all([Identity.generate(), Identity.generate(), Identity.generate()]);
const SECRET = newInviteCode();

function details(over: Partial<RingDetails> = {}): RingDetails {
  return { callee: callee.id, secret: SECRET, call: newCallId(), name: 'Alice', room: newRoomId(), roomSecret: newRoomSecret(), ...over };
}

function clock(at = NOW): { guard: ReplayGuard; set(t: number): void } {
  let now = at;
  return { guard: new ReplayGuard(() => now), set: (t) => (now = t) };
}

function open(data: unknown, call: string, guard = clock().guard, secret = SECRET) {
  return openRing(data, { callee: callee.id, call, guard, secretFor: async (k) => ((await kid(secret)) === k ? secret : undefined) });
}

/** The envelope rules of docs/calling.md written again with node:crypto, to seal plaintexts our code never would. */
async function sealRaw(plaintext: string, call: string, direction = 'ring', secret = SECRET, calleeId = callee.id): Promise<string> {
  const ikm = base64urlDecode(secret) ?? new Uint8Array();
  const key = Buffer.from(hkdfSync('sha256', ikm, base64urlDecode(calleeId) ?? new Uint8Array(), 'p2p-call ring v1', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`p2p-call/r1\n${direction}\n${calleeId}\n${call}`));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const kidText = base64urlEncode(createHash('sha256').update('p2p-call kid v1').update(ikm).digest().subarray(0, 9));
  return `r1.${kidText}.${base64urlEncode(iv)}.${base64urlEncode(ct)}`;
}

/** A ring body exactly as the caller would sign it, for tests that then change one thing. */
async function ringBody(signer: Signer, d: RingDetails, ts = NOW): Promise<Record<string, unknown>> {
  const body = { v: 1, call: d.call, from: signer.id, key: signer.key, name: d.name, room: d.room, secret: d.roomSecret, ts };
  const signed = `p2p-call ring v1\n${d.callee}\n${d.call}\n${body.from}\n${d.room}\n${d.roomSecret}\n${ts}\n${d.token ?? ''}\n${d.name}`;
  return { ...body, sig: await signer.sign(signed) };
}

describe('ring', () => {
  test('round trip: the callee learns who calls, provably, and where to meet', async () => {
    const d = details();
    const { kid: k, data } = await sealRing(caller, d, NOW);
    assert.equal(k, await kid(SECRET));
    assert.match(data, new RegExp(`^r1\\.${k}\\.[A-Za-z0-9_-]{16}\\.[A-Za-z0-9_-]+$`));
    const r = await open(data, d.call);
    assert.deepEqual(r, {
      ok: true,
      value: {
        call: d.call,
        from: caller.id,
        key: caller.key,
        name: 'Alice',
        room: d.room,
        secret: d.roomSecret,
        ts: NOW,
        kid: k,
        token: null,
      },
    });
  });

  test("carries the caller's offered contact token, signed: a holder of the link cannot swap it", async () => {
    const d = details({ token: newInviteCode() });
    const { data } = await sealRing(caller, d, NOW);
    const r = await open(data, d.call);
    assert.equal(r.ok && r.value.token, d.token);
    // Re-sealed by someone who knows the invite code, with another token and the caller\'s own signature.
    const body = { ...(await ringBody(caller, d)), token: d.token };
    const swapped = await sealRaw(JSON.stringify({ ...body, token: newInviteCode() }), d.call);
    assert.equal((await open(await sealRaw(JSON.stringify(body), d.call), d.call)).ok, true);
    assert.deepEqual(await open(swapped, d.call), { ok: false, reason: 'bad-signature' });
    const malformed = await sealRaw(JSON.stringify({ ...body, token: 'short' }), d.call);
    assert.deepEqual(await open(malformed, d.call), { ok: false, reason: 'bad-content' });
  });

  test('our sealing matches the spec written independently (interop with other implementations)', async () => {
    const d = details();
    const data = await sealRaw(JSON.stringify(await ringBody(caller, d)), d.call);
    assert.equal((await open(data, d.call)).ok, true);
  });

  test('refuses a secret we do not accept under that kid (a rotated link)', async () => {
    const d = details();
    const { data } = await sealRing(caller, d, NOW);
    assert.deepEqual(await open(data, d.call, clock().guard, newInviteCode()), { ok: false, reason: 'unknown-kid' });
  });

  test('refuses the wrong secret under a known kid', async () => {
    const d = details();
    const { data } = await sealRing(caller, d, NOW);
    const wrong = newInviteCode();
    const r = await openRing(data, { callee: callee.id, call: d.call, guard: clock().guard, secretFor: () => wrong });
    assert.deepEqual(r, { ok: false, reason: 'bad-tag' });
  });

  test('refuses a tampered ciphertext', async () => {
    const d = details();
    const { data } = await sealRing(caller, d, NOW);
    const at = data.length - 30;
    const tampered = data.slice(0, at) + (data[at] === 'A' ? 'B' : 'A') + data.slice(at + 1);
    assert.deepEqual(await open(tampered, d.call), { ok: false, reason: 'bad-tag' });
  });

  test('refuses an envelope moved under another call id, or sealed for another callee', async () => {
    const d = details();
    const { data } = await sealRing(caller, d, NOW);
    assert.deepEqual(await open(data, newCallId()), { ok: false, reason: 'bad-tag' });
    const forStranger = await sealRing(caller, details({ callee: stranger.id, call: d.call }), NOW);
    assert.deepEqual(await open(forStranger.data, d.call), { ok: false, reason: 'bad-tag' });
  });

  test('refuses a reply passed off as a ring (the direction in the AAD)', async () => {
    const call = newCallId();
    const reply = await sealReply(callee, { callee: callee.id, secret: SECRET, call, answer: 'accept', name: 'Bob' }, NOW);
    assert.deepEqual(await open(reply, call), { ok: false, reason: 'bad-tag' });
  });

  test('refuses a `from` that is not the id of the key (someone claiming another id)', async () => {
    const d = details();
    // The stranger signs correctly with their own key but names the caller's id.
    const impostor: Signer = { id: caller.id, key: stranger.key, sign: (t) => stranger.sign(t) };
    const { data } = await sealRing(impostor, d, NOW);
    assert.deepEqual(await open(data, d.call), { ok: false, reason: 'forged-from' });
  });

  test('refuses a bad signature', async () => {
    const d = details();
    const wrongSigner: Signer = { id: caller.id, key: caller.key, sign: (t) => stranger.sign(t) };
    const { data } = await sealRing(wrongSigner, d, NOW);
    assert.deepEqual(await open(data, d.call), { ok: false, reason: 'bad-signature' });
  });

  test('refuses a signature made for another callee (sealed to us with a shared secret)', async () => {
    const d = details();
    const body = await ringBody(caller, { ...d, callee: stranger.id });
    assert.deepEqual(await open(await sealRaw(JSON.stringify(body), d.call), d.call), { ok: false, reason: 'bad-signature' });
  });

  test('refuses a timestamp more than 60 s away, either way', async () => {
    for (const skew of [60_001, -60_001]) {
      const d = details();
      const { data } = await sealRing(caller, d, NOW + skew);
      assert.deepEqual(await open(data, d.call), { ok: false, reason: 'expired' }, `skew ${skew}`);
    }
    const d = details();
    const { data } = await sealRing(caller, d, NOW + 59_000);
    assert.equal((await open(data, d.call)).ok, true, 'within the window');
  });

  test('refuses a replayed call for 2 minutes, and forgets it after', async () => {
    const d = details();
    const { data } = await sealRing(caller, d, NOW);
    const c = clock();
    assert.equal((await open(data, d.call, c.guard)).ok, true);
    assert.deepEqual(await open(data, d.call, c.guard), { ok: false, reason: 'replayed' });
    c.set(NOW + 59_000);
    assert.deepEqual(await open(data, d.call, c.guard), { ok: false, reason: 'replayed' });
    // After 2 minutes the timestamp check refuses it instead: the guard's memory can be short.
    c.set(NOW + 120_000);
    assert.deepEqual(await open(data, d.call, c.guard), { ok: false, reason: 'expired' });
  });

  test('a forged envelope does not use up the real call id', async () => {
    const d = details();
    const c = clock();
    const forged = await sealRing({ id: caller.id, key: caller.key, sign: (t) => stranger.sign(t) }, d, NOW);
    assert.deepEqual(await open(forged.data, d.call, c.guard), { ok: false, reason: 'bad-signature' });
    assert.equal((await open((await sealRing(caller, d, NOW)).data, d.call, c.guard)).ok, true);
  });

  test('cleans the displayed name, but verifies the one that was signed', async () => {
    const d = details({ name: `  Al\u0007ice\u202e${'x'.repeat(100)}` });
    const r = await open((await sealRing(caller, d, NOW)).data, d.call);
    assert.ok(r.ok);
    assert.equal(r.value.name, `Alice${'x'.repeat(59)}`);
    const nameless = details({ name: '' });
    const n = await open((await sealRing(caller, nameless, NOW)).data, nameless.call);
    assert.ok(n.ok);
    assert.equal(n.value.name, '');
  });

  test('refuses decrypted content that is not a valid ring, field by field', async () => {
    const d = details();
    const good = await ringBody(caller, d);
    const bad: Record<string, unknown>[] = [
      { ...good, v: 2 },
      { ...good, call: newCallId() },
      { ...good, from: 'short' },
      { ...good, key: 'short' },
      { ...good, name: 7 },
      { ...good, name: 'x'.repeat(257) },
      { ...good, room: 'no/slashes/in/rooms/please' },
      { ...good, secret: 'short' },
      { ...good, ts: '1800000000000' },
      { ...good, ts: 1.5 },
      { ...good, sig: 'short' },
    ];
    for (const body of bad) {
      assert.deepEqual(
        await open(await sealRaw(JSON.stringify(body), d.call), d.call),
        { ok: false, reason: 'bad-content' },
        JSON.stringify(body),
      );
    }
    for (const text of ['not json', '[1,2]', 'null', '"ring"']) {
      assert.deepEqual(await open(await sealRaw(text, d.call), d.call), { ok: false, reason: 'bad-content' }, text);
    }
  });

  test('hostile input comes back as a reason, never an exception', async () => {
    const call = newCallId();
    for (const data of [
      undefined,
      42,
      '',
      'r1',
      'r1.a.b.c',
      `r1.${'A'.repeat(12)}.${'A'.repeat(16)}.${'A'.repeat(4096)}`,
      'r1.AAAAAAAAAAAA.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const r = await open(data, call);
      assert.equal(r.ok, false, String(data));
    }
    const { data } = await sealRing(caller, details({ call }), NOW);
    assert.deepEqual(await openRing(data, { callee: 'not an id', call, guard: clock().guard, secretFor: () => SECRET }), {
      ok: false,
      reason: 'malformed',
    });
    assert.deepEqual(await open(data, 'not a call id'), { ok: false, reason: 'malformed' });
    const r = await openRing(data, { callee: callee.id, call, guard: clock().guard, secretFor: () => 'not a secret' });
    assert.equal(r.ok, false, 'a stored secret gone bad');
  });
});

describe('reply', () => {
  const openAs = (data: unknown, call: string, guard = clock().guard) =>
    openReply(data, { callee: callee.id, call, secret: SECRET, guard });

  test('round trip, for each answer', async () => {
    for (const answer of ['accept', 'decline', 'busy'] as const) {
      const call = newCallId();
      const data = await sealReply(callee, { callee: callee.id, secret: SECRET, call, answer, name: 'Bob' }, NOW);
      assert.deepEqual(await openAs(data, call), {
        ok: true,
        value: { call, answer, from: callee.id, key: callee.key, name: 'Bob', ts: NOW, token: null },
      });
    }
  });

  test('refuses a reply from anyone but the person we rang', async () => {
    const call = newCallId();
    // The stranger holds the same link, so can seal under our ring key, and signs honestly as themselves.
    const data = await sealReply(stranger, { callee: callee.id, secret: SECRET, call, answer: 'accept', name: 'Bob' }, NOW);
    assert.deepEqual(await openAs(data, call), { ok: false, reason: 'wrong-sender' });
  });

  test('refuses a ring passed off as a reply, a bad signature, an old reply and a replayed one', async () => {
    const d = details();
    assert.deepEqual(await openAs((await sealRing(caller, d, NOW)).data, d.call), { ok: false, reason: 'bad-tag' });
    const call = newCallId();
    const r = { callee: callee.id, secret: SECRET, call, answer: 'accept', name: 'Bob' } as const;
    const badSig = await sealReply({ id: callee.id, key: callee.key, sign: (t) => stranger.sign(t) }, r, NOW);
    assert.deepEqual(await openAs(badSig, call), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(await openAs(await sealReply(callee, r, NOW - 61_000), call), { ok: false, reason: 'expired' });
    const c = clock();
    const data = await sealReply(callee, r, NOW);
    assert.equal((await openAs(data, call, c.guard)).ok, true);
    assert.deepEqual(await openAs(data, call, c.guard), { ok: false, reason: 'replayed' });
    assert.deepEqual(await openReply(data, { callee: callee.id, call, secret: newInviteCode(), guard: clock().guard }), {
      ok: false,
      reason: 'unknown-kid',
    });
  });

  test('refuses an unknown answer', async () => {
    const call = newCallId();
    const body = { v: 1, call, answer: 'maybe', from: callee.id, key: callee.key, name: 'Bob', ts: NOW };
    const sig = await callee.sign(`p2p-call reply v1\n${call}\nmaybe\n${callee.id}\n${NOW}\n\nBob`);
    assert.deepEqual(await openAs(await sealRaw(JSON.stringify({ ...body, sig }), call, 'reply'), call), {
      ok: false,
      reason: 'bad-content',
    });
  });
});

test('ReplayGuard: forgets ids after 2 minutes, and refuses rather than grow without end', () => {
  let now = 0;
  const guard = new ReplayGuard(() => now);
  assert.equal(guard.claim('a'), true);
  assert.equal(guard.claim('a'), false);
  now = 119_999;
  assert.equal(guard.claim('a'), false);
  now = 120_000;
  assert.equal(guard.claim('a'), true);
  for (let i = 0; i < 9_999; i++) guard.claim(`id-${i}`);
  assert.equal(guard.claim('one-too-many'), false);
  now = 240_000;
  assert.equal(guard.claim('one-too-many'), true);
});
