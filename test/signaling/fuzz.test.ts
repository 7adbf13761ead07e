// Property-based fuzzing of the real server: an attacker socket throws generated frames (malformed JSON, huge
// strings, wrong types, spoofed senders, floods, binary) while two honest clients in the room keep exchanging
// signals, and a second attacker socket throws phone frames (well-shaped and not: registrations for the honest
// callee's id, rings under guessed kids, replies and cancels to made-up ids, subscriptions) at an honest
// registered callee. Properties: the server stays up, every frame it sends is valid protocol, honest signals arrive
// during and after the barrage, no signal ever carries an honest peer's id unless that peer sent it, and the callee
// stays registered and sees only honest rings.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { createSignalingServer, type SignalingServer } from '../../signaling/src/node/server.ts';
import { PEER_ID_PATTERN, type ServerMessage } from '../../signaling/src/protocol.ts';
import { eventually, healthz, ROOM, TestClient } from './client.ts';
import { envelope, newCall, newUser, registerFrame, type TestUser } from './phone-keys.ts';

type Who = 'a' | 'b' | 'self';
type Frame =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'spoof'; to: Who; from: Who; data: string }
  | { kind: 'huge'; size: number; field: 'data' | 'room' | 'type' | 'to' }
  | { kind: 'flood'; count: number }
  | { kind: 'phone'; value: Record<string, unknown> };

// Values for any field: the right shape, the wrong shape, and references to real peer ids ("@a") resolved at send time.
const anyValue = fc.oneof(
  fc.constantFrom('@a', '@b', '@self', ROOM, '', 'x'.repeat(23), 'null', '__proto__'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      text: fc.oneof(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.json({ maxDepth: 3 }),
        fc.constantFrom('{', '{"type":', '"ping"', '{"type":"ping"', '{}', '[]', '\u0000', '['.repeat(20_000), '{"a":'.repeat(5_000)),
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('binary' as const), bytes: fc.uint8Array({ maxLength: 200 }) }) },
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant('object' as const),
      value: fc.record(
        {
          type: fc.oneof(
            fc.constantFrom('join', 'signal', 'leave', 'ping', 'pong', 'welcome', 'error', 'peer-left', 'constructor', ''),
            fc.constantFrom('challenge', 'register', 'ring', 'ring-reply', 'ring-cancel', 'presence', 'push-subscribe', 'push-unsubscribe'),
            anyValue,
          ),
          room: anyValue,
          to: anyValue,
          from: anyValue,
          id: anyValue,
          data: anyValue,
          resume: anyValue,
          call: anyValue,
          kid: anyValue,
          contacts: anyValue,
          subscription: anyValue,
        },
        { requiredKeys: ['type'] },
      ),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('spoof' as const),
      to: fc.constantFrom<Who>('a', 'b', 'self'),
      from: fc.constantFrom<Who>('a', 'b'),
      data: fc.string({ minLength: 1, maxLength: 100 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('huge' as const),
      size: fc.integer({ min: 60_000, max: 100_000 }),
      field: fc.constantFrom('data' as const, 'room' as const, 'type' as const, 'to' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flood' as const), count: fc.integer({ min: 10, max: 40 }) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('phone' as const), value: phoneArb() }) },
);

function phoneArb(): fc.Arbitrary<Record<string, unknown>> {
  const b64 = (n: number) => fc.oneof(fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${n}}$`)), anyValue);
  // "@bob" is the honest callee's id, resolved at send time; the attacker never holds its kids.
  const user = fc.oneof(fc.constant('@bob'), b64(27));
  const data = fc.oneof(fc.stringMatching(/^r1\.[A-Za-z0-9_.-]{1,200}$/), fc.constant(`r1.${'A'.repeat(4094)}`), anyValue);
  const endpoint = fc.oneof(
    fc.constantFrom(
      'https://push.example/x',
      'http://127.0.0.1:9/x',
      'http://localhost/x',
      'https://u:p@push.example/',
      `https://p/${'a'.repeat(3000)}`,
    ),
    anyValue,
  );
  return fc.oneof(
    fc.constant({ type: 'challenge' }),
    fc.constant({ type: 'push-unsubscribe' }),
    fc.record({
      type: fc.constant('register'),
      id: user,
      key: b64(87),
      sig: b64(86),
      invite: b64(12),
      contacts: fc.array(b64(12), { maxLength: 4 }),
    }),
    fc.record({ type: fc.constant('ring'), to: user, call: b64(22), kid: b64(12), data }),
    fc.record({ type: fc.constant('ring-reply'), to: b64(22), call: b64(22), data }),
    fc.record({ type: fc.constant('ring-cancel'), to: user, call: b64(22) }),
    fc.record({ type: fc.constant('presence'), id: user, kid: b64(12) }),
    fc.record({
      type: fc.constant('push-subscribe'),
      subscription: fc.oneof(fc.record({ endpoint, keys: fc.record({ p256dh: b64(87), auth: b64(22) }) }), anyValue),
    }),
  );
}

let server: SignalingServer;
let a: TestClient & { welcome: Extract<ServerMessage, { type: 'welcome' }> };
let b: TestClient & { welcome: Extract<ServerMessage, { type: 'welcome' }> };
let attacker: TestClient;
let attackerId = 'none-yet';
let bob: TestUser;
let bobSocket: TestClient;
let phoneAttacker: TestClient;
let honestRings = 0;
// Honest payloads start with a secret the attacker never sends, so their origin is unambiguous.
const HONEST = `honest-${randomBytes(16).toString('hex')}-`;
const HONEST_RING = randomBytes(16).toString('hex');

before(async () => {
  // Limits high enough that the attacker's frames reach the parser and the core; floods and abuse disconnects
  // under the default limits are covered in server.test.ts.
  server = await createSignalingServer({
    port: 0,
    distDir: '/nonexistent',
    rateLimit: { perSecond: 100_000, burst: 100_000 },
    graceMs: 500,
  });
  a = await TestClient.joined(server.port);
  b = await TestClient.joined(server.port);
  attacker = await TestClient.open(server.port);
  bob = await newUser();
  bobSocket = await TestClient.user(server.port, bob.id);
  bobSocket.send({ type: 'challenge' });
  bobSocket.send(await registerFrame(bob, (await bobSocket.next('challenge')).nonce, `127.0.0.1:${server.port}`));
  await bobSocket.next('registered');
  phoneAttacker = await TestClient.user(server.port, bob.id);
});

after(async () => {
  await Promise.all([a.close(), b.close(), attacker.close(), bobSocket.close(), phoneAttacker.close()]);
  await server.close();
});

function resolveRef(v: unknown): unknown {
  if (v === '@a') return a.welcome.id;
  if (v === '@b') return b.welcome.id;
  if (v === '@self') return attackerId;
  if (v === '@bob') return bob.id;
  return v;
}

function render(frame: Frame): (string | Uint8Array)[] {
  switch (frame.kind) {
    case 'text':
      return [frame.text];
    case 'binary':
      return [frame.bytes];
    case 'object':
      return [JSON.stringify(Object.fromEntries(Object.entries(frame.value).map(([k, v]) => [k, resolveRef(v)])))];
    case 'spoof':
      return [
        JSON.stringify({
          type: 'signal',
          to: resolveRef(`@${frame.to}`),
          from: resolveRef(`@${frame.from}`),
          id: resolveRef(`@${frame.from}`),
          data: frame.data,
        }),
      ];
    case 'huge': {
      const big = 'A'.repeat(frame.size);
      const msg: Record<string, string> = { type: 'signal', to: b.welcome.id, data: 'x', room: ROOM };
      msg[frame.field] = big;
      return [JSON.stringify(msg)];
    }
    case 'flood':
      return Array.from({ length: frame.count }, () => '{"type":"ping"}');
    case 'phone':
      return [JSON.stringify(Object.fromEntries(Object.entries(frame.value).map(([k, v]) => [k, resolveRef(v)])))];
  }
}

/** A ring from an honest caller (a fresh socket, so the per-socket limits never bite), seen by Bob, then cancelled. */
async function honestRing(): Promise<void> {
  const caller = await TestClient.user(server.port, bob.id);
  const call = newCall();
  const data = `${envelope(bob.invite)}.${HONEST_RING}`;
  caller.send({ type: 'ring', to: bob.id, call, kid: bob.invite, data });
  const got = await bobSocket.waitFor(
    (m): m is Extract<ServerMessage, { type: 'ring' }> => m.type === 'ring' && m.call === call,
    10_000,
    'honest ring',
  );
  assert.equal(got.data, data);
  honestRings += 1;
  await caller.close();
  await bobSocket.waitFor(
    (m): m is Extract<ServerMessage, { type: 'ring-cancel' }> => m.type === 'ring-cancel' && m.call === call,
    10_000,
    'its cancel',
  );
}

async function reopenAttackerIfClosed(): Promise<void> {
  if (phoneAttacker.ws.readyState !== WebSocket.OPEN) phoneAttacker = await TestClient.user(server.port, bob.id);
  if (attacker.ws.readyState === WebSocket.OPEN) return;
  reopened += 1;
  attacker = await TestClient.open(server.port);
}

let reopened = 0;
let barrierCount = 0;
/** Resolves once the server has processed everything the attacker sent so far (frames are handled in order). */
async function barrier(): Promise<void> {
  const nonce = `barrier-${++barrierCount}`;
  attacker.send({ type: 'leave' });
  attacker.send({ type: 'join', room: ROOM });
  attacker.send({ type: 'signal', to: a.welcome.id, data: nonce });
  const got = await a.waitFor(
    (m): m is Extract<ServerMessage, { type: 'signal' }> => m.type === 'signal' && m.data === nonce,
    10_000,
    nonce,
  );
  // The barrier's join is the attacker's latest; earlier fuzz frames may have joined (and left) before it.
  await eventually(() => {
    const last = [...attacker.seen].reverse().find((m) => m.type === 'welcome');
    assert.equal(last?.type === 'welcome' && last.id, got.from, 'the attacker is stamped with its own id');
  }, 10_000);
  attackerId = got.from;
  attacker.inbox.length = 0;
}

async function honestRoundTrip(tag: string, timeoutMs = 10_000): Promise<void> {
  a.send({ type: 'signal', to: b.welcome.id, data: `${HONEST}${tag}-ab` });
  b.send({ type: 'signal', to: a.welcome.id, data: `${HONEST}${tag}-ba` });
  const isSignal =
    (data: string) =>
    (m: ServerMessage): m is Extract<ServerMessage, { type: 'signal' }> =>
      m.type === 'signal' && m.data === data;
  const [atB, atA] = await Promise.all([
    b.waitFor(isSignal(`${HONEST}${tag}-ab`), timeoutMs, `${tag}-ab`),
    a.waitFor(isSignal(`${HONEST}${tag}-ba`), timeoutMs, `${tag}-ba`),
  ]);
  assert.equal(atB.from, a.welcome.id);
  assert.equal(atA.from, b.welcome.id);
}

test('>= 10,000 hostile frames: the server stays up and the honest pair keeps relaying', { timeout: 120_000 }, async (t) => {
  let sent = 0;
  let run = 0;
  await barrier();
  await honestRing();
  const details = await fc.check(
    fc.asyncProperty(fc.array(frameArb, { minLength: 225, maxLength: 240 }), async (frames) => {
      run += 1;
      const midpoint = Math.floor(frames.length / 2);
      let during: Promise<void> | null = null;
      for (const [i, frame] of frames.entries()) {
        if (i === midpoint) during = honestRoundTrip(`run${run}-during`);
        await reopenAttackerIfClosed();
        const socket = frame.kind === 'phone' ? phoneAttacker : attacker;
        for (const raw of render(frame)) {
          socket.ws.send(raw);
          sent += 1;
        }
      }
      await during;
      await barrier();
      await honestRoundTrip(`run${run}-after`);
      // Bob's rate window (20 a minute) is the honest rings' only limit: one every few runs keeps well under it.
      if (run % 5 === 0) await honestRing();
      assert.equal(a.ws.readyState, WebSocket.OPEN);
      assert.equal(b.ws.readyState, WebSocket.OPEN);
    }),
    // FUZZ_SEED=<seed from a failure message> replays that failure.
    { numRuns: 45, endOnFailure: true, ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}) },
  );
  // Report the failure itself, not fast-check's counterexample dump (frames of tens of kilobytes).
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.stack : String(details.errorInstance);
    assert.fail(`run ${details.numRuns} failed (seed ${details.seed}, path ${details.counterexamplePath}): ${cause}`);
  }
  assert.ok(sent >= 45 * 225, `only ${sent} frames sent`);

  // Nobody ever received a signal carrying an honest id that the honest peer did not send.
  for (const [client, other] of [
    [a, b],
    [b, a],
  ] as const) {
    for (const m of client.seen) {
      if (m.type !== 'signal') continue;
      assert.equal(m.from === other.welcome.id, m.data.startsWith(HONEST), `signal ${m.data.slice(0, 40)} from ${m.from}`);
      assert.match(m.from, PEER_ID_PATTERN);
    }
    assert.equal(client.seen.filter((m) => m.type === 'signal' && m.data.startsWith(HONEST)).length, run * 2);
  }
  // Bob is still registered and saw no ring but the honest ones (the attacker holds none of his kids).
  await honestRing();
  assert.equal(bobSocket.ws.readyState, WebSocket.OPEN);
  const rings = bobSocket.seen.filter((m) => m.type === 'ring');
  assert.equal(rings.length, honestRings);
  assert.ok(rings.every((m) => m.type === 'ring' && m.data.endsWith(HONEST_RING)));
  const asker = await TestClient.user(server.port, bob.id);
  asker.send({ type: 'presence', id: bob.id, kid: bob.contact });
  assert.equal((await asker.next('presence')).state, 'online');
  await asker.close();
  const health = await healthz(server.port);
  assert.equal(health.ok, true);
  assert.ok(health.rooms >= 1 && health.rooms <= 10);
  t.diagnostic(`fuzz: ${sent} frames in ${run} runs, attacker reconnected ${reopened} times, ${honestRings} honest rings`);
});
