// SignalingClient with a scripted socket and node's mock timers: backoff, the outbox, resume tokens, and
// the liveness rules (a socket that stops answering is abandoned within the pong deadline, a network hint
// checks the socket at once, a connect that never completes is given up).
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';
import { SignalingClient, type NetworkEvents, type ServerStatus, type SignalingOptions } from '../../src/core/signaling-client';
import { socketFactory, type ScriptedSocket } from './fake-socket';

const ID = 'A'.repeat(22);
const OTHER_ID = 'B'.repeat(22);
const PEER = 'P'.repeat(22);
const TOKEN = 'T'.repeat(43);
const ROOM = 'R'.repeat(22);

interface Harness {
  client: SignalingClient;
  sockets: ScriptedSocket[];
  statuses: ServerStatus[];
  welcomes: { id: string; peers: string[]; resumed: boolean }[];
  errors: string[];
  signals: string[];
  /** Fires the network hint the client subscribed to. */
  network(online: boolean): void;
  /** The socket made last. */
  last(): ScriptedSocket;
}

/** Clients a test started, stopped after it so no timer outlives it. */
const running: SignalingClient[] = [];

/** `warm`: the readyState of a socket opened ahead of time (see warmSocket) and handed to start(). */
function start(opts: Partial<SignalingOptions> = {}, warm?: number): Harness {
  const { sockets, factory } = socketFactory();
  const early = warm === undefined ? null : (factory(`ws://signal.test/ws?room=${ROOM}`) as ScriptedSocket);
  if (early && warm !== undefined) early.readyState = warm;
  let fire: ((online: boolean) => void) | null = null;
  const network: NetworkEvents = {
    subscribe(changed) {
      fire = changed;
      return () => (fire = null);
    },
  };
  const h: Omit<Harness, 'client'> = {
    sockets,
    statuses: [],
    welcomes: [],
    errors: [],
    signals: [],
    network: (online) => fire?.(online),
    last: () => {
      const s = sockets.at(-1);
      assert.ok(s, 'no socket was made');
      return s;
    },
  };
  const client = new SignalingClient(
    {
      url: 'ws://signal.test/ws',
      room: ROOM,
      minDelayMs: 100,
      maxDelayMs: 1_000,
      pingIntervalMs: 60_000,
      pongTimeoutMs: 2_000,
      connectTimeoutMs: 60_000,
      network,
      socket: factory,
      ...opts,
    },
    {
      welcome: (w) => h.welcomes.push({ id: w.id, peers: w.peers, resumed: w.resumed }),
      peerJoined: () => undefined,
      peerLeft: () => undefined,
      signal: (from, data) => h.signals.push(`${from}: ${data}`),
      error: (code) => h.errors.push(code),
      status: (s) => h.statuses.push(s),
    },
  );
  client.start(early);
  running.push(client);
  return { ...h, client };
}

function welcome(s: ScriptedSocket, id = ID, peers: string[] = []): void {
  s.open();
  s.deliver({ type: 'welcome', id, room: ROOM, resume: TOKEN, peers, iceServers: [] });
}

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  // Full jitter at its upper bound, so each backoff is exactly min(max, min * 2^attempt).
  mock.method(Math, 'random', () => 0.999999);
  mock.method(console, 'warn', () => undefined);
});

afterEach(() => {
  for (const c of running.splice(0)) c.stop();
  mock.timers.reset();
  mock.restoreAll();
});

describe('connecting', () => {
  test('joins the room on open, with the room in the URL for the Cloudflare router', () => {
    const h = start();
    assert.equal(h.last().url, `ws://signal.test/ws?room=${ROOM}`);
    welcome(h.last());
    assert.deepEqual(h.last().ofType('join'), [{ type: 'join', room: ROOM }]);
    assert.deepEqual(h.statuses, ['connecting', 'connected']);
    assert.deepEqual(h.welcomes, [{ id: ID, peers: [], resumed: false }]);
    assert.equal(h.client.peerId, ID);
  });

  test('uses a warm socket that is still connecting instead of opening another', () => {
    const h = start({}, 0);
    assert.equal(h.sockets.length, 1);
    h.last().open();
    assert.equal(h.last().ofType('join').length, 1);
  });

  test('joins at once on a warm socket that is already open', () => {
    const h = start({}, 1);
    assert.equal(h.sockets.length, 1);
    assert.equal(h.last().ofType('join').length, 1);
  });

  test('replaces a warm socket that closed meanwhile', () => {
    const h = start({}, 3);
    assert.equal(h.sockets.length, 2);
    assert.notEqual(h.sockets[0]?.closedWith, null);
  });

  test('drops malformed server messages and keeps going', () => {
    const h = start();
    welcome(h.last());
    h.last().deliver('not json');
    h.last().deliver({ type: 'signal', from: 'bad id!', data: 'x' });
    h.last().deliver({ type: 'signal', from: PEER, data: 'sealed' });
    assert.deepEqual(h.signals, [`${PEER}: sealed`]);
    assert.equal(h.sockets.length, 1);
  });
});

describe('backoff', () => {
  test('doubles the delay from the minimum up to the maximum, jittered below it', () => {
    const h = start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = h.sockets.length;
      h.last().drop();
      let waited = 0;
      while (h.sockets.length === before) {
        mock.timers.tick(1);
        waited++;
        assert.ok(waited < 5_000, 'never reconnected');
      }
      delays.push(waited);
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000]);
    assert.equal(h.statuses.filter((s) => s === 'reconnecting').length > 0, true);
  });

  test('starts again from the minimum once a reconnect is welcomed', () => {
    const h = start();
    for (let i = 0; i < 3; i++) {
      h.last().drop();
      mock.timers.tick(1_000);
    }
    welcome(h.last());
    const before = h.sockets.length;
    h.last().drop();
    mock.timers.tick(99);
    assert.equal(h.sockets.length, before);
    mock.timers.tick(1);
    assert.equal(h.sockets.length, before + 1);
  });

  test('spreads reconnects with full jitter: a random draw of 0 retries at once', () => {
    mock.method(Math, 'random', () => 0);
    const h = start();
    h.last().drop();
    mock.timers.tick(0);
    assert.equal(h.sockets.length, 2);
  });

  test('stops for good on a refusal that retrying would only repeat', () => {
    const h = start();
    h.last().open();
    h.last().deliver({ type: 'error', code: 'room-full', message: 'full' });
    assert.deepEqual(h.errors, ['room-full']);
    assert.equal(h.statuses.at(-1), 'closed');
    mock.timers.tick(60_000);
    assert.equal(h.sockets.length, 1);
  });

  test('keeps the connection after an error that is not fatal', () => {
    const h = start();
    welcome(h.last());
    h.last().deliver({ type: 'error', code: 'bad-message', message: 'eh' });
    assert.deepEqual(h.errors, ['bad-message']);
    assert.equal(h.last().readyState, 1);
  });

  test('stop() says goodbye, closes cleanly and never reconnects', () => {
    const h = start();
    welcome(h.last());
    const s = h.last();
    h.client.stop();
    assert.deepEqual(s.messages().at(-1), { type: 'leave' });
    assert.deepEqual(s.closedWith, { code: 1000, reason: 'leave' });
    s.drop();
    mock.timers.tick(60_000);
    assert.equal(h.sockets.length, 1);
    assert.equal(h.statuses.at(-1), 'closed');
  });
});

describe('outbox and resume', () => {
  test('sends at once while connected', () => {
    const h = start();
    welcome(h.last(), ID, [PEER]);
    h.client.signal(PEER, 'one');
    assert.deepEqual(h.last().ofType('signal'), [{ type: 'signal', to: PEER, data: 'one' }]);
  });

  test('holds signals while reconnecting and sends them, in order, once the same session resumes', () => {
    const h = start();
    welcome(h.last(), ID, [PEER]);
    h.last().drop();
    h.client.signal(PEER, 'one');
    h.client.signal(PEER, 'two');
    mock.timers.tick(100);
    const next = h.last();
    next.open();
    assert.deepEqual(next.ofType('join'), [{ type: 'join', room: ROOM, resume: TOKEN }]);
    // Not before the welcome: until then the server has not given the session back.
    assert.deepEqual(next.ofType('signal'), []);
    next.deliver({ type: 'welcome', id: ID, room: ROOM, resume: TOKEN, peers: [PEER], iceServers: [] });
    assert.deepEqual(
      next.ofType('signal').map((m) => m.data),
      ['one', 'two'],
    );
    assert.equal(h.welcomes.at(-1)?.resumed, true);
  });

  test('drops held signals when the server hands out a new id: they were for peers of the old session', () => {
    const h = start();
    welcome(h.last(), ID, [PEER]);
    h.last().drop();
    h.client.signal(PEER, 'stale');
    mock.timers.tick(100);
    welcome(h.last(), OTHER_ID);
    assert.deepEqual(h.last().ofType('signal'), []);
    assert.equal(h.welcomes.at(-1)?.resumed, false);
    assert.equal(h.client.peerId, OTHER_ID);
  });

  test('holds at most 500 signals', () => {
    const h = start();
    welcome(h.last(), ID, [PEER]);
    h.last().drop();
    for (let i = 0; i < 600; i++) h.client.signal(PEER, `m${i}`);
    mock.timers.tick(100);
    welcome(h.last());
    const sent = h.last().ofType('signal');
    assert.equal(sent.length, 500);
    assert.equal(sent.at(-1)?.data, 'm499');
  });
});

describe('liveness', () => {
  test('abandons a socket whose pong does not come and resumes on a new one', () => {
    const h = start({ pingIntervalMs: 3_000 });
    const first = h.last();
    welcome(first);
    mock.timers.tick(3_000);
    assert.equal(first.ofType('ping').length, 1);
    // Nothing answers: a dead TCP connection looks exactly like this.
    mock.timers.tick(1_999);
    assert.equal(h.sockets.length, 1);
    mock.timers.tick(1);
    assert.notEqual(first.closedWith, null);
    mock.timers.tick(100);
    assert.equal(h.sockets.length, 2);
    h.last().open();
    assert.deepEqual(h.last().ofType('join')[0], { type: 'join', room: ROOM, resume: TOKEN });
    assert.ok(h.statuses.includes('reconnecting'));
  });

  test('keeps a socket that answers', () => {
    const h = start({ pingIntervalMs: 3_000 });
    const s = h.last();
    welcome(s);
    for (let i = 0; i < 5; i++) {
      mock.timers.tick(3_000);
      s.deliver({ type: 'pong' });
    }
    assert.equal(s.ofType('ping').length, 5);
    mock.timers.tick(1_000);
    assert.equal(h.sockets.length, 1);
  });

  test('takes any server message as proof of life, not only a pong', () => {
    const h = start({ pingIntervalMs: 3_000 });
    const s = h.last();
    welcome(s);
    mock.timers.tick(3_000);
    s.deliver({ type: 'peer-joined', id: PEER });
    mock.timers.tick(2_500);
    assert.equal(h.sockets.length, 1);
  });

  test('checks the socket at once on a network change', () => {
    const h = start();
    const s = h.last();
    welcome(s);
    assert.equal(s.ofType('ping').length, 0);
    h.network(true);
    assert.equal(s.ofType('ping').length, 1);
    mock.timers.tick(2_000);
    assert.notEqual(s.closedWith, null);
    mock.timers.tick(100);
    assert.equal(h.sockets.length, 2);
  });

  test('probes when asked (a peer link failed), once at a time', () => {
    const h = start();
    const s = h.last();
    welcome(s);
    h.client.probe();
    h.client.probe();
    assert.equal(s.ofType('ping').length, 1);
    s.deliver({ type: 'pong' });
    h.client.probe();
    assert.equal(s.ofType('ping').length, 2);
  });

  test('gives up a connect that never completes and tries again', () => {
    const h = start({ connectTimeoutMs: 4_000 });
    mock.timers.tick(4_000);
    assert.equal(h.sockets[0]?.readyState, 3);
    mock.timers.tick(100);
    assert.equal(h.sockets.length, 2);
  });

  test('retries at once when the network comes back during a backoff', () => {
    const h = start();
    welcome(h.last());
    h.last().drop();
    assert.equal(h.sockets.length, 1);
    h.network(false);
    assert.equal(h.sockets.length, 1);
    h.network(true);
    assert.equal(h.sockets.length, 2);
    // The next one hangs connecting; the network returning again abandons it for a fresh attempt.
    h.network(true);
    assert.equal(h.sockets[1]?.readyState, 3);
  });
});
