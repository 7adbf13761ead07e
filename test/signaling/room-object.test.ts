// The Durable Object's logic across hibernation, with a fake state: a hibernation is a new RoomObject over the
// same sockets and storage, with nothing kept in memory. Miniflare offers no way to force one, so this is where
// the rebuild is proven; worker.test.ts runs the same code in workerd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseServerMessage, type ServerMessage } from '../../signaling/src/protocol.ts';
import { RoomObject, type HibernatableSocket, type RoomState } from '../../signaling/src/cloudflare/room-object.ts';

const ROOM = 'room-aaaaaaaaaaaaaaaaaaaaaa';
const GRACE = 1000;

class FakeSocket implements HibernatableSocket {
  inbox: ServerMessage[] = [];
  closedWith: number | null = null;
  private attachment: unknown = null;
  send(message: string): void {
    const parsed = parseServerMessage(message);
    assert.ok(parsed.ok, message);
    this.inbox.push(parsed.value);
  }
  close(code?: number): void {
    this.closedWith = code ?? 1000;
  }
  serializeAttachment(value: unknown): void {
    this.attachment = structuredClone(value);
  }
  deserializeAttachment(): unknown {
    return structuredClone(this.attachment);
  }
  take<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }> {
    const i = this.inbox.findIndex((m) => m.type === type);
    assert.ok(i >= 0, `no ${type} in ${JSON.stringify(this.inbox)}`);
    return this.inbox.splice(i, 1)[0] as Extract<ServerMessage, { type: T }>;
  }
}

class FakeState implements RoomState {
  sockets: FakeSocket[] = [];
  data = new Map<string, unknown>();
  alarmAt: number | null = null;
  storage = {
    get: async (key: string) => structuredClone(this.data.get(key)),
    put: async (key: string, value: unknown) => void this.data.set(key, structuredClone(value)),
    delete: async (key: string) => this.data.delete(key),
    setAlarm: async (time: number) => void (this.alarmAt = time),
    deleteAlarm: async () => void (this.alarmAt = null),
  };
  getWebSockets(): HibernatableSocket[] {
    return [...this.sockets];
  }
}

function world(): { state: FakeState; clock: { t: number }; wake: () => RoomObject; connect: (o: RoomObject) => Promise<FakeSocket> } {
  const state = new FakeState();
  const clock = { t: 0 };
  let n = 0;
  const wake = (): RoomObject =>
    new RoomObject(state, {
      randomId: (bytes) => `id${bytes}-${String(n++).padStart(20, '0')}`,
      iceServers: () => [],
      graceMs: GRACE,
      now: () => clock.t,
    });
  let conns = 0;
  const connect = async (o: RoomObject): Promise<FakeSocket> => {
    const ws = new FakeSocket();
    state.sockets.push(ws);
    await o.accept(ws, ROOM, `c${++conns}`);
    return ws;
  };
  return { state, clock, wake, connect };
}

const join = (resume?: string): string => JSON.stringify(resume ? { type: 'join', room: ROOM, resume } : { type: 'join', room: ROOM });

test('peers, ids, resume tokens and grace deadlines survive hibernation', async () => {
  const { state, clock, wake, connect } = world();
  let o = wake();
  const a = await connect(o);
  await o.message(a, join());
  const aId = a.take('welcome').id;
  const b = await connect(o);
  await o.message(b, join());
  const bWelcome = b.take('welcome');
  assert.equal(a.take('peer-joined').id, bWelcome.id);

  clock.t = 100;
  state.sockets = state.sockets.filter((s) => s !== b);
  await o.close(b);
  assert.equal(state.alarmAt, 100 + GRACE, 'an alarm is armed for the grace deadline');

  o = wake(); // hibernation: memory gone, sockets and storage kept
  clock.t = 300;
  const b2 = await connect(o);
  await o.message(b2, join(bWelcome.resume));
  const resumed = b2.take('welcome');
  assert.equal(resumed.id, bWelcome.id, 'the resume token from before the hibernation still works');
  assert.deepEqual(resumed.peers, [aId]);
  assert.deepEqual(a.inbox, [], 'nobody hears of a resume');
  assert.equal(state.alarmAt, null, 'nothing left to expire');

  o = wake();
  await o.message(a, JSON.stringify({ type: 'signal', to: bWelcome.id, data: 'offer' }));
  assert.deepEqual(b2.take('signal'), { type: 'signal', from: aId, data: 'offer' }, 'the sender is stamped with its old id');
  await o.message(b2, JSON.stringify({ type: 'signal', to: aId, data: 'answer' }));
  assert.deepEqual(a.take('signal'), { type: 'signal', from: bWelcome.id, data: 'answer' });

  clock.t = 400;
  state.sockets = state.sockets.filter((s) => s !== b2);
  await o.close(b2);
  assert.equal(state.alarmAt, 400 + GRACE);
  o = wake();
  clock.t = 400 + GRACE;
  await o.alarm();
  assert.deepEqual(a.take('peer-left'), { type: 'peer-left', id: bWelcome.id }, 'the alarm expires a slot after hibernation');
  assert.equal(state.data.has('away'), false);
  assert.equal(state.alarmAt, null);
  assert.deepEqual(await o.stats(), { peers: 1, connections: 1, away: 0 });
});

test('a close delivered to a woken object for a socket already gone from getWebSockets still frees its peer', async () => {
  const { state, clock, wake, connect } = world();
  let o = wake();
  const a = await connect(o);
  await o.message(a, join());
  const c = await connect(o);
  await o.message(c, join());
  const cId = c.take('welcome').id;
  o = wake();
  state.sockets = state.sockets.filter((s) => s !== c);
  clock.t = 50;
  await o.close(c);
  assert.equal(state.alarmAt, 50 + GRACE);
  clock.t = 50 + GRACE;
  await o.alarm();
  assert.equal(a.take('peer-left').id, cId);
});

test('after a leave, a woken object does not resurrect the peer', async () => {
  const { wake, connect } = world();
  let o = wake();
  const a = await connect(o);
  await o.message(a, join());
  const b = await connect(o);
  await o.message(b, join());
  const bId = b.take('welcome').id;
  await o.message(b, JSON.stringify({ type: 'leave' }));
  assert.equal(a.take('peer-left').id, bId);
  o = wake();
  const c = await connect(o);
  await o.message(c, join());
  assert.deepEqual(c.take('welcome').peers, [a.take('welcome').id]);
  assert.deepEqual(await o.stats(), { peers: 2, connections: 3, away: 0 });
});
