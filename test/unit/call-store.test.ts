// CallStore: immutable snapshots, so readers can compare by identity, and participant patches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallStore, initialState, type CallState } from '../../src/core/call-store';

test('starts from the initial state, or the one given', () => {
  assert.equal(new CallStore().get(), initialState);
  const custom: CallState = { ...initialState, name: 'Ana' };
  assert.equal(new CallStore(custom).get(), custom);
});

test('makes a new snapshot on every set and leaves the old one as it was', () => {
  const store = new CallStore();
  const before = store.get();
  store.set({ name: 'Ana' });
  assert.notEqual(store.get(), before);
  assert.equal(before.name, '');
  assert.equal(store.get().name, 'Ana');
  // Untouched fields are shared, so a component selecting them sees no change.
  assert.equal(store.get().devices, before.devices);
});

test('tells every subscriber the new snapshot, until it unsubscribes', () => {
  const store = new CallStore();
  const seen: string[] = [];
  const stop = store.subscribe((s) => seen.push(`a:${s.name}`));
  store.subscribe((s) => seen.push(`b:${s.name}`));
  store.set({ name: 'x' });
  stop();
  store.set({ name: 'y' });
  assert.deepEqual(seen, ['a:x', 'b:x', 'b:y']);
});

test('adds a participant with defaults, then patches it in place in the list', () => {
  const store = new CallStore();
  store.upsertParticipant('k1', { name: 'Ann' });
  store.upsertParticipant('k2', { name: 'Bob' });
  assert.deepEqual(store.get().participants[0], {
    key: 'k1',
    name: 'Ann',
    stream: null,
    mic: true,
    camera: true,
    connection: 'connecting',
  });
  const bob = store.get().participants[1];
  store.upsertParticipant('k1', { mic: false });
  assert.deepEqual(
    store.get().participants.map((p) => `${p.key}:${p.mic}`),
    ['k1:false', 'k2:true'],
  );
  assert.equal(store.get().participants[1], bob);
});

test('patches only a participant still present, and only when something changed', () => {
  const store = new CallStore();
  let snapshots = 0;
  store.subscribe(() => snapshots++);
  store.upsertParticipantIfPresent('gone', { quality: 'poor' });
  assert.deepEqual(store.get().participants, []);
  store.upsertParticipant('k1', { quality: 'good' });
  store.upsertParticipantIfPresent('k1', { quality: 'good' });
  assert.equal(snapshots, 1);
  store.upsertParticipantIfPresent('k1', { quality: 'poor' });
  assert.equal(snapshots, 2);
  assert.equal(store.get().participants[0]?.quality, 'poor');
});

test('removes a participant by key', () => {
  const store = new CallStore();
  store.upsertParticipant('k1', {});
  store.upsertParticipant('k2', {});
  store.removeParticipant('k1');
  assert.deepEqual(
    store.get().participants.map((p) => p.key),
    ['k2'],
  );
});

test('keeps offered files until they are taken, and ignores an empty offer', () => {
  const store = new CallStore();
  const a = new File(['a'], 'a.txt');
  const b = new File(['b'], 'b.txt');
  let snapshots = 0;
  store.subscribe(() => snapshots++);
  store.offerFiles([]);
  assert.equal(snapshots, 0);
  store.offerFiles([a]);
  store.offerFiles([b]);
  assert.deepEqual(store.takeOfferedFiles(), [a, b]);
  assert.deepEqual(store.get().offeredFiles, []);
  assert.deepEqual(store.takeOfferedFiles(), []);
});
