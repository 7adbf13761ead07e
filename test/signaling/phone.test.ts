// Calling a person against the Node server: the shared phone suite (phone-suite.ts), real sockets on 127.0.0.1, and
// what only Node has: Web Push through the injected sender.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PushOptions } from '../../signaling/src/core/push.ts';
import { MemoryUserStore } from '../../signaling/src/core/user-store.ts';
import { createSignalingServer } from '../../signaling/src/node/server.ts';
import { eventually, TestClient } from './client.ts';
import { envelope, newCall, newUser, registerFrame, subscription } from './phone-keys.ts';
import { phoneSuite } from './phone-suite.ts';

phoneSuite('node', async (opts) => {
  const push = async (): Promise<'sent'> => 'sent';
  const server = await createSignalingServer({ port: 0, host: '127.0.0.1', distDir: '/nonexistent', push, ...opts });
  return { port: server.port, pushes: true, close: () => server.close() };
});

test('node: an offline callee is rung by push; a gone subscription is deleted; local endpoints only when allowed', async () => {
  const pushes: { endpoint: string; payload: unknown; opts: PushOptions }[] = [];
  const userStore = new MemoryUserStore();
  const vapidPublicKey = `B${'Q'.repeat(86)}`;
  const server = await createSignalingServer({
    port: 0,
    distDir: '/nonexistent',
    userStore,
    vapidPublicKey,
    allowLocalPushEndpoints: true,
    push: async (sub, payload, opts) => {
      pushes.push({ endpoint: sub.endpoint, payload: JSON.parse(payload), opts });
      return 'gone';
    },
  });
  try {
    const bob = await newUser();
    const b = await TestClient.user(server.port, bob.id);
    b.send({ type: 'challenge' });
    b.send(await registerFrame(bob, (await b.next('challenge')).nonce, `127.0.0.1:${server.port}`));
    assert.deepEqual(await b.next('registered'), { type: 'registered', id: bob.id, vapidKey: vapidPublicKey });
    const sub = subscription(`http://127.0.0.1:9/push/${bob.id}`);
    b.send({ type: 'push-subscribe', subscription: sub });
    await b.close();
    await eventually(async () => assert.deepEqual((await userStore.get(bob.id))?.push, sub));

    const alice = await TestClient.user(server.port, bob.id);
    const call = newCall();
    const data = envelope(bob.invite);
    alice.send({ type: 'ring', to: bob.id, call, kid: bob.invite, data });
    await eventually(() => assert.equal(pushes.length, 1));
    const sent = pushes[0]?.payload as { ts?: unknown } | undefined;
    assert.equal(typeof sent?.ts, 'number');
    assert.deepEqual(sent, { t: 'ring', callee: bob.id, call, kid: bob.invite, data, ts: sent?.ts });
    assert.deepEqual(pushes[0]?.opts, { topic: call, ttlSeconds: 30, urgency: 'high' });
    await eventually(async () => assert.equal((await userStore.get(bob.id))?.push, undefined, 'gone: deleted'));
    await alice.close();
  } finally {
    await server.close();
  }
});
