// The user Durable Object's logic across hibernation, with a fake state: a hibernation is a new UserObject over the
// same sockets and storage, with nothing kept in memory (Miniflare cannot force one; worker.test.ts runs the same
// code in workerd).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { UserObject, type UserState } from '../../signaling/src/cloudflare/user-object.ts';
import type { HibernatableSocket } from '../../signaling/src/cloudflare/room-object.ts';
import { parseServerMessage, type ServerMessage } from '../../signaling/src/protocol.ts';
import { envelope, newCall, newUser, registerFrame, type TestUser } from './phone-keys.ts';

const HOST = 'signaling.example.workers.dev';

class FakeSocket implements HibernatableSocket {
  inbox: ServerMessage[] = [];
  private attachment: unknown = null;
  send(message: string): void {
    const parsed = parseServerMessage(message);
    assert.ok(parsed.ok, message);
    this.inbox.push(parsed.value);
  }
  close(): void {}
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

class FakeState implements UserState {
  sockets: FakeSocket[] = [];
  data = new Map<string, unknown>();
  storage = {
    get: async (key: string) => structuredClone(this.data.get(key)),
    put: async (key: string, value: unknown) => void this.data.set(key, structuredClone(value)),
    delete: async (key: string) => this.data.delete(key),
  };
  getWebSockets(): HibernatableSocket[] {
    return [...this.sockets];
  }
}

function world(user: TestUser) {
  const state = new FakeState();
  const clock = { t: 1000 };
  const wake = (): UserObject => new UserObject(state, { randomId: (b) => randomBytes(b).toString('base64url'), now: () => clock.t });
  let conns = 0;
  const connect = async (o: UserObject): Promise<FakeSocket> => {
    const ws = new FakeSocket();
    state.sockets.push(ws);
    await o.accept(ws, user.id, HOST, `c${++conns}`);
    return ws;
  };
  const register = async (o: UserObject, ws: FakeSocket): Promise<void> => {
    await o.message(ws, JSON.stringify({ type: 'challenge' }));
    const { nonce } = ws.take('challenge');
    await o.message(ws, JSON.stringify(await registerFrame(user, nonce, HOST)));
    ws.take('registered');
  };
  const hangUp = async (o: UserObject, ws: FakeSocket): Promise<void> => {
    state.sockets = state.sockets.filter((s) => s !== ws);
    await o.close(ws);
  };
  return { state, clock, wake, connect, register, hangUp };
}

test('registrations, a challenge, pending rings and the record survive hibernation', async () => {
  const bob = await newUser();
  const { state, clock, wake, connect, register, hangUp } = world(bob);
  let o = wake();
  const b1 = await connect(o);
  await register(o, b1);
  const caller = await connect(o);
  const call = newCall();
  await o.message(caller, JSON.stringify({ type: 'ring', to: bob.id, call, kid: bob.invite, data: envelope(bob.invite) }));
  const rung = b1.take('ring');
  assert.ok(state.data.has('rings'), 'the pending ring is in storage');

  // A challenge asked before a hibernation is answered after it.
  const b2 = await connect(o);
  await o.message(b2, JSON.stringify({ type: 'challenge' }));
  const { nonce } = b2.take('challenge');
  o = wake();
  clock.t += 2000;
  await o.message(b2, JSON.stringify(await registerFrame(bob, nonce, HOST)));
  b2.take('registered');
  assert.equal(b2.take('ring').call, call, 'the pending ring reaches a socket that registers after the wake');

  o = wake();
  const data = envelope(bob.invite);
  await o.message(b1, JSON.stringify({ type: 'ring-reply', to: rung.from, call, data }));
  assert.deepEqual(caller.take('ring-reply'), { type: 'ring-reply', call, data }, 'the caller keeps its id across the wake');
  assert.deepEqual(b2.take('ring-cancel'), { type: 'ring-cancel', call, reason: 'answered' });
  assert.equal(state.data.has('rings'), false);

  // Both of Bob's sockets gone and the object evicted: a ring waits in storage for the next registration.
  await hangUp(o, b1);
  await hangUp(o, b2);
  o = wake();
  const call2 = newCall();
  await o.message(caller, JSON.stringify({ type: 'ring', to: bob.id, call: call2, kid: bob.contact, data: envelope(bob.contact) }));
  assert.deepEqual(caller.inbox, []);
  o = wake();
  const b3 = await connect(o);
  await register(o, b3);
  assert.equal(b3.take('ring').call, call2);
  assert.deepEqual(await o.stats(), { users: 1, sockets: 2, rings: 1 });
});
