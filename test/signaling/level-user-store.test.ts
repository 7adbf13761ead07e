// The Node server's durable store: what is written survives closing and reopening the database, as it must
// survive a restart of the server; the VAPID keys are made once and then always read back.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { LevelUserStore } from '../../signaling/src/node/level-user-store.ts';
import { loadVapidKeys } from '../../signaling/src/node/vapid-keys.ts';
import { newKid, subscription } from './phone-keys.ts';

test('LevelUserStore: records and VAPID keys survive a close and a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'user-store-'));
  try {
    let store = await LevelUserStore.open(join(dir, 'data'));
    const id = 'A'.repeat(27);
    const record = { invite: newKid(), contacts: [newKid(), newKid()], push: subscription() };
    assert.equal(await store.get(id), null);
    assert.equal(await store.getVapidKeys(), null);
    await store.set(id, record);
    const vapid = await loadVapidKeys(store);
    assert.match(vapid.publicKey, /^[A-Za-z0-9_-]{87}$/);
    assert.match(vapid.privateKey, /^[A-Za-z0-9_-]{43}$/);
    await store.close();

    store = await LevelUserStore.open(join(dir, 'data'));
    assert.deepEqual(await store.get(id), record);
    assert.deepEqual(await loadVapidKeys(store), vapid, 'made once, then read back');
    await store.set(id, { invite: record.invite, contacts: [] });
    await store.close();

    store = await LevelUserStore.open(join(dir, 'data'));
    assert.deepEqual(await store.get(id), { invite: record.invite, contacts: [] }, 'a subscription deleted stays deleted');
    await assert.rejects(LevelUserStore.open(join(dir, 'data')), /in use by another server process/);
    await store.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
