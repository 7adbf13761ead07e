// Property-based fuzzing of the real server: an attacker socket throws generated frames (malformed JSON, huge
// strings, wrong types, spoofed senders, floods, binary) while two honest clients in the room keep exchanging
// signals. Properties: the server stays up, every frame it sends is valid protocol, honest signals arrive
// during and after the barrage, and no signal ever carries an honest peer's id unless that peer sent it.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { WebSocket } from 'ws';
import { createSignalingServer, type SignalingServer } from '../../signaling/src/node/server.ts';
import { PEER_ID_PATTERN, type ServerMessage } from '../../signaling/src/protocol.ts';
import { eventually, healthz, ROOM, TestClient } from './client.ts';

type Who = 'a' | 'b' | 'self';
type Frame =
  | { kind: 'text'; text: string }
  | { kind: 'binary'; bytes: Uint8Array }
  | { kind: 'object'; value: Record<string, unknown> }
  | { kind: 'spoof'; to: Who; from: Who; data: string }
  | { kind: 'huge'; size: number; field: 'data' | 'room' | 'type' | 'to' }
  | { kind: 'flood'; count: number };

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
            anyValue,
          ),
          room: anyValue,
          to: anyValue,
          from: anyValue,
          id: anyValue,
          data: anyValue,
          resume: anyValue,
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
);

let server: SignalingServer;
let a: TestClient & { welcome: Extract<ServerMessage, { type: 'welcome' }> };
let b: TestClient & { welcome: Extract<ServerMessage, { type: 'welcome' }> };
let attacker: TestClient;
let attackerId = 'none-yet';
// Honest payloads start with a secret the attacker never sends, so their origin is unambiguous.
const HONEST = `honest-${randomBytes(16).toString('hex')}-`;

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
});

after(async () => {
  await Promise.all([a.close(), b.close(), attacker.close()]);
  await server.close();
});

function resolveRef(v: unknown): unknown {
  if (v === '@a') return a.welcome.id;
  if (v === '@b') return b.welcome.id;
  if (v === '@self') return attackerId;
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
  }
}

async function reopenAttackerIfClosed(): Promise<void> {
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
  const details = await fc.check(
    fc.asyncProperty(fc.array(frameArb, { minLength: 225, maxLength: 240 }), async (frames) => {
      run += 1;
      const midpoint = Math.floor(frames.length / 2);
      let during: Promise<void> | null = null;
      for (const [i, frame] of frames.entries()) {
        if (i === midpoint) during = honestRoundTrip(`run${run}-during`);
        await reopenAttackerIfClosed();
        for (const raw of render(frame)) {
          attacker.ws.send(raw);
          sent += 1;
        }
      }
      await during;
      await barrier();
      await honestRoundTrip(`run${run}-after`);
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
  const health = await healthz(server.port);
  assert.equal(health.ok, true);
  assert.ok(health.rooms >= 1 && health.rooms <= 10);
  t.diagnostic(`fuzz: ${sent} frames in ${run} runs, attacker reconnected ${reopened} times`);
});
