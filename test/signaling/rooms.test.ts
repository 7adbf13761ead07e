// The pure room core, driven directly: connections are plain ids and deliveries are inspected as data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerMessage } from '../../signaling/src/protocol.ts';
import { CLOSE_REPLACED } from '../../signaling/src/core/close-codes.ts';
import { Rooms, type Delivery, type RoomsOptions } from '../../signaling/src/core/rooms.ts';

const ROOM = 'room-aaaaaaaaaaaaaaaaaaaaaa';
const OTHER_ROOM = 'room-bbbbbbbbbbbbbbbbbbbbbb';

function makeRooms(opts: Partial<RoomsOptions> = {}): Rooms {
  let n = 0;
  return new Rooms({
    randomId: (bytes) => `r${bytes}x${(n++).toString().padStart(8, '0')}`,
    iceServers: (peerId) => [{ urls: ['turn:turn.test'], username: `u:${peerId}` }],
    ...opts,
  });
}

function to(ds: Delivery[], conn: string): ServerMessage[] {
  return ds.flatMap((d) => ('to' in d && d.to === conn ? [d.msg] : []));
}

function welcome(ds: Delivery[], conn: string): Extract<ServerMessage, { type: 'welcome' }> {
  const w = to(ds, conn).find((m) => m.type === 'welcome');
  assert.ok(w && w.type === 'welcome', `expected welcome for ${conn}, got ${JSON.stringify(ds)}`);
  return w;
}

function join(rooms: Rooms, conn: string, now = 0, room = ROOM, resume?: string): Delivery[] {
  rooms.connect(conn);
  return rooms.handle(conn, resume === undefined ? { type: 'join', room } : { type: 'join', room, resume }, now);
}

test('join: welcome lists the others, others hear peer-joined, ice servers are per peer', () => {
  const rooms = makeRooms();
  const a = welcome(join(rooms, 'a'), 'a');
  assert.deepEqual(a.peers, []);
  assert.equal(a.room, ROOM);
  const ds = join(rooms, 'b');
  const b = welcome(ds, 'b');
  assert.deepEqual(b.peers, [a.id]);
  assert.notEqual(a.id, b.id);
  assert.notEqual(a.resume, b.resume);
  assert.deepEqual(b.iceServers, [{ urls: ['turn:turn.test'], username: `u:${b.id}` }]);
  assert.deepEqual(to(ds, 'a'), [{ type: 'peer-joined', id: b.id }]);
});

test('signal is stamped with the sender id and only reaches the same room', () => {
  const rooms = makeRooms();
  const a = welcome(join(rooms, 'a'), 'a');
  const b = welcome(join(rooms, 'b'), 'b');
  const c = welcome(join(rooms, 'c', 0, OTHER_ROOM), 'c');
  assert.deepEqual(rooms.handle('a', { type: 'signal', to: b.id, data: '{"sdp":1}' }, 0), [
    { to: 'b', msg: { type: 'signal', from: a.id, data: '{"sdp":1}' } },
  ]);
  const cross = rooms.handle('a', { type: 'signal', to: c.id, data: 'x' }, 0);
  assert.deepEqual(
    cross.map((d) => ('to' in d ? [d.to, d.msg.type === 'error' && d.msg.code] : null)),
    [['a', 'unknown-peer']],
  );
  const self = rooms.handle('a', { type: 'signal', to: a.id, data: 'x' }, 0);
  assert.deepEqual(
    to(self, 'a').map((m) => m.type === 'error' && m.code),
    ['unknown-peer'],
  );
});

test('errors: not-joined before join, already-joined twice, ping answered any time', () => {
  const rooms = makeRooms();
  rooms.connect('a');
  assert.deepEqual(rooms.handle('a', { type: 'ping' }, 0), [{ to: 'a', msg: { type: 'pong' } }]);
  for (const msg of [{ type: 'signal', to: 'someone1', data: 'x' }, { type: 'leave' }] as const) {
    assert.deepEqual(
      to(rooms.handle('a', msg, 0), 'a').map((m) => m.type === 'error' && m.code),
      ['not-joined'],
    );
  }
  join(rooms, 'a');
  const again = rooms.handle('a', { type: 'join', room: OTHER_ROOM }, 0);
  assert.deepEqual(
    to(again, 'a').map((m) => m.type === 'error' && m.code),
    ['already-joined'],
  );
});

test('room cap: the 7th gets room-full and nobody in the room hears anything', () => {
  const rooms = makeRooms();
  for (let i = 0; i < 6; i++) welcome(join(rooms, `p${i}`), `p${i}`);
  const ds = join(rooms, 'p6');
  assert.equal(ds.length, 1);
  assert.deepEqual(
    to(ds, 'p6').map((m) => m.type === 'error' && m.code),
    ['room-full'],
  );
  assert.equal(rooms.stats().peers, 6);
  const small = makeRooms({ cap: 2 });
  join(small, 'x');
  join(small, 'y');
  assert.deepEqual(
    to(join(small, 'z'), 'z').map((m) => m.type === 'error' && m.code),
    ['room-full'],
  );
});

test('leave and disconnect without grace announce peer-left; empty rooms are deleted', () => {
  const rooms = makeRooms({ graceMs: 0 });
  const a = welcome(join(rooms, 'a'), 'a');
  const b = welcome(join(rooms, 'b'), 'b');
  assert.deepEqual(rooms.handle('a', { type: 'leave' }, 0), [{ to: 'b', msg: { type: 'peer-left', id: a.id } }]);
  // After leaving, the connection may join again and gets a new identity.
  const a2 = welcome(rooms.handle('a', { type: 'join', room: ROOM }, 0), 'a');
  assert.notEqual(a2.id, a.id);
  assert.deepEqual(rooms.disconnect('b', 0), [{ to: 'a', msg: { type: 'peer-left', id: b.id } }]);
  assert.deepEqual(rooms.disconnect('a', 0), []);
  assert.deepEqual(rooms.stats(), { rooms: 0, peers: 0, connections: 0 });
});

test('resume within grace keeps the id, tells nobody, and flushes buffered signals', () => {
  const rooms = makeRooms({ graceMs: 20_000 });
  const a = welcome(join(rooms, 'a'), 'a');
  const b = welcome(join(rooms, 'b'), 'b');
  assert.deepEqual(rooms.disconnect('b', 1000), []);
  assert.equal(rooms.nextDeadline(), 21_000);
  // Signals to an away peer are not errors; they wait for it.
  assert.deepEqual(rooms.handle('a', { type: 'signal', to: b.id, data: 'candidate-1' }, 2000), []);
  assert.deepEqual(rooms.expire(20_999), []);
  const ds = join(rooms, 'b2', 21_000 - 1, ROOM, b.resume);
  const w = welcome(ds, 'b2');
  assert.equal(w.id, b.id);
  assert.deepEqual(w.peers, [a.id]);
  assert.notEqual(w.resume, b.resume);
  assert.deepEqual(to(ds, 'a'), []);
  assert.deepEqual(to(ds, 'b2').slice(1), [{ type: 'signal', from: a.id, data: 'candidate-1' }]);
  assert.equal(rooms.nextDeadline(), null);
  assert.deepEqual(rooms.expire(1e9), []);
  // The used token is spent: replaying it is a fresh join with a new id.
  const replay = welcome(join(rooms, 'c', 0, ROOM, b.resume), 'c');
  assert.notEqual(replay.id, b.id);
  // The resumed connection relays with its old identity.
  assert.deepEqual(rooms.handle('b2', { type: 'signal', to: a.id, data: 'hi' }, 0), [
    { to: 'a', msg: { type: 'signal', from: b.id, data: 'hi' } },
  ]);
});

test('resume while the old socket still looks open closes it and takes over', () => {
  const rooms = makeRooms();
  const a = welcome(join(rooms, 'a'), 'a');
  const b = welcome(join(rooms, 'b'), 'b');
  const ds = join(rooms, 'b2', 0, ROOM, b.resume);
  assert.deepEqual(ds[0], { close: 'b', code: CLOSE_REPLACED, reason: 'resumed on another connection' });
  assert.equal(welcome(ds, 'b2').id, b.id);
  assert.deepEqual(to(ds, 'a'), []);
  // The old socket's close event must not evict the resumed peer.
  assert.deepEqual(rooms.disconnect('b', 0), []);
  assert.deepEqual(rooms.handle('a', { type: 'signal', to: b.id, data: 'x' }, 0), [
    { to: 'b2', msg: { type: 'signal', from: a.id, data: 'x' } },
  ]);
});

test('expired grace announces peer-left; a late token is a fresh join', () => {
  const rooms = makeRooms({ graceMs: 5000 });
  const a = welcome(join(rooms, 'a'), 'a');
  const b = welcome(join(rooms, 'b'), 'b');
  rooms.disconnect('b', 0);
  assert.deepEqual(rooms.expire(5000), [{ to: 'a', msg: { type: 'peer-left', id: b.id } }]);
  const late = join(rooms, 'b2', 6000, ROOM, b.resume);
  const w = welcome(late, 'b2');
  assert.notEqual(w.id, b.id);
  assert.deepEqual(to(late, 'a'), [{ type: 'peer-joined', id: w.id }]);
  assert.deepEqual(w.peers, [a.id]);
});

test('a token only resumes in its own room; handle() releases overdue slots before a join', () => {
  const rooms = makeRooms({ graceMs: 1000, cap: 2 });
  welcome(join(rooms, 'a'), 'a');
  const b = welcome(join(rooms, 'b'), 'b');
  const other = welcome(join(rooms, 'x', 0, OTHER_ROOM, b.resume), 'x');
  assert.notEqual(other.id, b.id);
  rooms.disconnect('b', 0);
  // The slot is still held, so the room is full...
  assert.deepEqual(
    to(join(rooms, 'c', 500), 'c').map((m) => m.type === 'error' && m.code),
    ['room-full'],
  );
  // ...until the grace period ends, even if no timer has called expire() yet.
  const ds = join(rooms, 'd', 1000);
  assert.deepEqual(
    to(ds, 'a').map((m) => m.type),
    ['peer-left', 'peer-joined'],
  );
  welcome(ds, 'd');
});

test('last peer going away for good deletes the room; stats never list ids', () => {
  const rooms = makeRooms({ graceMs: 100 });
  join(rooms, 'a');
  rooms.disconnect('a', 0);
  assert.deepEqual(rooms.stats(), { rooms: 1, peers: 1, connections: 0 });
  rooms.expire(100);
  assert.deepEqual(rooms.stats(), { rooms: 0, peers: 0, connections: 0 });
});

test('buffer for an away peer is bounded', () => {
  const rooms = makeRooms({ bufferCount: 3 });
  welcome(join(rooms, 'a'), 'a');
  const b = welcome(join(rooms, 'b'), 'b');
  rooms.disconnect('b', 0);
  for (let i = 0; i < 10; i++) rooms.handle('a', { type: 'signal', to: b.id, data: `m${i}` }, 0);
  const ds = join(rooms, 'b2', 1, ROOM, b.resume);
  assert.deepEqual(
    to(ds, 'b2')
      .filter((m) => m.type === 'signal')
      .map((m) => m.type === 'signal' && m.data),
    ['m0', 'm1', 'm2'],
  );
});

test('the next grace deadline follows resumes and expiries of whichever peer was due first', () => {
  const rooms = makeRooms({ graceMs: 1000 });
  welcome(join(rooms, 'a'), 'a');
  const b = welcome(join(rooms, 'b'), 'b');
  const c = welcome(join(rooms, 'c'), 'c');
  const d = welcome(join(rooms, 'd'), 'd');
  rooms.disconnect('b', 0);
  rooms.disconnect('c', 200);
  rooms.disconnect('d', 100);
  assert.equal(rooms.nextDeadline(), 1000);
  welcome(join(rooms, 'b2', 300, ROOM, b.resume), 'b2');
  assert.equal(rooms.nextDeadline(), 1100);
  assert.deepEqual(rooms.handle('a', { type: 'ping' }, 1099), [{ to: 'a', msg: { type: 'pong' } }]);
  assert.deepEqual(to(rooms.handle('a', { type: 'ping' }, 1100), 'a'), [{ type: 'peer-left', id: d.id }, { type: 'pong' }]);
  assert.equal(rooms.nextDeadline(), 1200);
  assert.deepEqual(rooms.expire(1199), []);
  assert.deepEqual(to(rooms.expire(1200), 'a'), [{ type: 'peer-left', id: c.id }]);
  assert.equal(rooms.nextDeadline(), null);
  assert.deepEqual(rooms.stats(), { rooms: 1, peers: 2, connections: 2 });
});
