// Call, the engine's front door, outside a browser: a scripted signaling socket, fake devices and a fake
// certificate. Only what needs no RTCPeerConnection is here (alone in a room, refusals, leaving, chat, names);
// calls between browsers are the e2e and lab suites' job.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Call } from '../../src/core/call';
import type { Devices } from '../../src/core/local-media';
import { newRoomId, newRoomSecret } from '../../src/core/room-link';
import type { NetworkEvents } from '../../src/core/signaling-client';
import { socketFactory, type ScriptedSocket } from './fake-socket';

const ID = 'A'.repeat(22);
const PEER = 'P'.repeat(22);
const TOKEN = 'T'.repeat(43);

class Track {
  enabled = true;
  stopped = false;
  constructor(readonly kind: 'audio' | 'video') {}
  stop(): void {
    this.stopped = true;
  }
  getSettings(): MediaTrackSettings {
    return { deviceId: `${this.kind}-1` };
  }
  addEventListener(): void {}
}

function fakeDevices(made: Track[]): Devices {
  const track = (kind: 'audio' | 'video') => {
    const t = new Track(kind);
    made.push(t);
    return t as unknown as MediaStreamTrack;
  };
  return {
    open: () => Promise.resolve({ audio: track('audio'), video: track('video'), problem: null }),
    openTrack: (kind) => Promise.resolve(track(kind)),
    openScreen: () => Promise.resolve('denied'),
    list: () => Promise.resolve({ audio: [], video: [] }),
    watch: () => () => undefined,
    stream: (tracks) => ({ tracks }) as unknown as MediaStream,
  };
}

const quiet: NetworkEvents = { subscribe: () => () => undefined };
const calls: Call[] = [];
afterEach(() => calls.splice(0).forEach((c) => c.leave()));

function setup(saved: Record<string, string> = {}) {
  const { sockets, factory } = socketFactory();
  const made: Track[] = [];
  const storage = new Map(Object.entries(saved));
  let certificates = 0;
  const call = new Call({
    signalingUrl: 'ws://server.test/ws',
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    devices: fakeDevices(made),
    socket: factory,
    network: quiet,
    certificate: () => {
      certificates++;
      return Promise.resolve({ certificate: {} as RTCCertificate, fingerprint: 'sha-256 00' });
    },
  });
  calls.push(call);
  return { call, sockets, made, storage, certificates: () => certificates, last: (): ScriptedSocket => sockets.at(-1)! };
}

/** Lets promises and zero-delay timers run until `ok` holds (bounded). */
async function until(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

const room = newRoomId();
const secret = newRoomSecret();

test('the pre-join screen warms the room socket, shows the preview and remembers the name', async () => {
  const { call, sockets, storage } = setup({ 'p2p-call:name': 'Ana' });
  await call.openRoom(room, secret);
  assert.equal(call.state.phase, 'prejoin');
  assert.equal(call.state.name, 'Ana');
  assert.ok(call.state.localStream, 'a preview');
  assert.equal(sockets.length, 1);
  assert.match(sockets[0]!.url, new RegExp(`room=${room}`));
  assert.equal(sockets[0]!.sent.length, 0, 'nothing is sent before Join');
  call.setName('Bea');
  assert.equal(storage.get('p2p-call:name'), 'Bea');
});

test('Join on the warm socket, alone in the room: in the call at the welcome', async () => {
  const { call, sockets, last, certificates, storage } = setup();
  await call.openRoom(room, secret);
  call.join();
  assert.equal(call.state.phase, 'joining');
  assert.equal(storage.get('p2p-call:name'), 'Guest', 'an empty name joins as Guest and is kept');
  last().open();
  await until(() => last().ofType('join').length === 1, 'the join');
  assert.equal(sockets.length, 1, 'the warm socket is the one used');
  last().deliver({ type: 'welcome', id: ID, room, resume: TOKEN, peers: [], iceServers: [] });
  await until(() => call.state.phase === 'in-call', 'the call screen');
  assert.equal(call.state.server, 'connected');
  assert.equal(certificates(), 1, 'one certificate per tab');
});

test('a full room ends the attempt on the "full" screen and does not knock again', async () => {
  const { call, sockets, last } = setup();
  await call.openRoom(room, secret);
  call.join();
  last().open();
  await until(() => last().ofType('join').length === 1, 'the join');
  last().deliver({ type: 'error', code: 'room-full', message: 'full' });
  assert.equal(call.state.phase, 'full');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(sockets.length, 1, 'no reconnect');
  assert.ok(last().closedWith, 'the socket is closed');
});

test('a server that refuses our origin sends us back to pre-join with a reason', async () => {
  const { call, last } = setup();
  await call.openRoom(room, secret);
  call.join();
  last().open();
  await until(() => last().ofType('join').length === 1, 'the join');
  last().deliver({ type: 'error', code: 'forbidden-origin', message: 'no' });
  assert.equal(call.state.phase, 'prejoin');
  assert.equal(call.state.notice, 'server-refused');
});

test('a signal the room key cannot open is dropped and reported, the call goes on', async () => {
  const { call, last } = setup();
  await call.openRoom(room, secret);
  call.join();
  last().open();
  await until(() => last().ofType('join').length === 1, 'the join');
  last().deliver({ type: 'welcome', id: ID, room, resume: TOKEN, peers: [], iceServers: [] });
  await until(() => call.state.phase === 'in-call', 'the call screen');
  last().deliver({ type: 'signal', from: PEER, data: 'not sealed with this room key' });
  await until(() => call.state.notice === 'tampered-signal', 'the tamper notice');
  assert.equal(call.state.phase, 'in-call');
  assert.deepEqual(call.state.participants, []);
});

test('leaving while the keys are still being made never joins, and stops the camera', async () => {
  const { call, sockets, made } = setup();
  await call.openRoom(room, secret);
  call.join();
  call.leave();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(sockets.length, 1, 'no signaling client was started');
  assert.ok(sockets[0]!.closedWith, 'the warm socket is closed');
  assert.equal(call.state.phase, 'home');
  assert.equal(call.state.room, null);
  assert.ok(
    made.every((t) => t.stopped),
    'every track stopped',
  );
});

test('our own chat message shows in our chat under our name', async () => {
  const { call, last } = setup({ 'p2p-call:name': 'Ana' });
  await call.openRoom(room, secret);
  call.sendChat('before joining');
  assert.equal(call.state.chat.length, 0, 'no call, no chat');
  call.join();
  last().open();
  await until(() => last().ofType('join').length === 1, 'the join');
  last().deliver({ type: 'welcome', id: ID, room, resume: TOKEN, peers: [], iceServers: [] });
  await until(() => call.state.phase === 'in-call', 'the call screen');
  call.sendChat('  hello  ');
  assert.equal(call.state.chat.length, 1);
  assert.equal(call.state.chat[0]?.name, 'Ana');
  assert.equal(call.state.chat[0]?.from, null);
});

test('an old link without its secret is not joined: home, with the reason', () => {
  const { call } = setup();
  call.badLink();
  assert.equal(call.state.phase, 'home');
  assert.equal(call.state.notice, 'missing-secret');
});
