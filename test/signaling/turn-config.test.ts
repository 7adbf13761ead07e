// TURN REST credentials (checked against an independent HMAC), their delivery in `welcome`, and env parsing.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { loadConfig } from '../../signaling/src/core/config.ts';
import { createSignalingServer } from '../../signaling/src/node/server.ts';
import { originAllowed } from '../../signaling/src/core/origin.ts';
import { iceServersFor, turnCredential } from '../../signaling/src/core/turn.ts';
import { TestClient } from './client.ts';

test('TURN credential: username is <expiry>:<peer>, credential is base64 HMAC-SHA1 of it', () => {
  const { username, credential } = turnCredential('s3cret', 'peerABCDEFGH1234', 1_700_003_600.7);
  assert.equal(username, '1700003600:peerABCDEFGH1234');
  // The well-known coturn example: secret "s3cret"; recompute independently and decode to 20 bytes (SHA-1).
  assert.equal(credential, createHmac('sha1', 's3cret').update('1700003600:peerABCDEFGH1234').digest('base64'));
  assert.equal(Buffer.from(credential, 'base64').length, 20);
  assert.notEqual(turnCredential('other', 'peerABCDEFGH1234', 1_700_003_600).credential, credential);
});

test('iceServersFor appends a per-peer TURN entry that expires after the TTL', () => {
  const ice = iceServersFor(
    [{ urls: ['stun:stun.example.org'] }],
    { secret: 'k', urls: ['turn:t.example.org:3478'], ttlSeconds: 3600 },
    () => 1000,
  );
  const servers = ice('peer-one-123456');
  assert.deepEqual(servers[0], { urls: ['stun:stun.example.org'] });
  assert.equal(servers[1].username, '4600:peer-one-123456');
  assert.equal(servers[1].credential, createHmac('sha1', 'k').update('4600:peer-one-123456').digest('base64'));
  assert.deepEqual(iceServersFor([], null)('p'), []);
});

test('welcome carries TURN credentials for the joined peer only', async () => {
  const server = await createSignalingServer({
    port: 0,
    distDir: '/nonexistent',
    iceServers: iceServersFor([], { secret: 'shared-secret', urls: ['turn:127.0.0.1:3478'], ttlSeconds: 600 }),
  });
  try {
    const a = await TestClient.joined(server.port);
    const [turn] = a.welcome.iceServers;
    assert.deepEqual(turn.urls, ['turn:127.0.0.1:3478']);
    const [expiry, peer] = (turn.username ?? '').split(':');
    assert.equal(peer, a.welcome.id);
    const ttl = Number(expiry) - Date.now() / 1000;
    assert.ok(ttl > 590 && ttl <= 600, `ttl ${ttl}`);
    assert.equal(
      turn.credential,
      createHmac('sha1', 'shared-secret')
        .update(turn.username ?? '')
        .digest('base64'),
    );
    await a.close();
  } finally {
    await server.close();
  }
});

test('config: defaults, env values, and refusals that name the variable', () => {
  const d = loadConfig({}, '/srv/app');
  assert.equal(d.port, 8080);
  assert.equal(d.host, '127.0.0.1');
  assert.equal(d.distDir, '/srv/app/dist');
  assert.equal(d.roomCap, 6);
  assert.equal(d.graceMs, 20_000);
  assert.equal(d.heartbeatMs, 15_000);
  assert.deepEqual(d.rateLimit, { perSecond: 50, burst: 100 });
  assert.deepEqual(d.allowedOrigins, []);
  assert.deepEqual(d.iceServers, []);
  assert.equal(d.turn, null);
  assert.equal(d.dataDir, '/srv/app/data');
  assert.equal(d.vapidSubject, 'mailto:admin@localhost');
  assert.equal(loadConfig({ DATA_DIR: '/var/lib/call', VAPID_SUBJECT: 'https://call.example.org' }).dataDir, '/var/lib/call');
  assert.throws(() => loadConfig({ VAPID_SUBJECT: 'admin@example.org' }), /VAPID_SUBJECT/);

  const c = loadConfig({
    PORT: '9000',
    HOST: '0.0.0.0',
    ROOM_CAP: '4',
    RESUME_GRACE_SECONDS: '5',
    ALLOWED_ORIGINS: 'https://a.example/, https://b.example',
    ICE_SERVERS: '[{"urls":"stun:stun.example.org:3478"},{"urls":["turn:x.example"],"username":"u","credential":"c"}]',
    TURN_SECRET: 'sec',
    TURN_URLS: 'turn:t.example:3478?transport=udp,turns:t.example:5349',
    TURN_TTL: '900',
  });
  assert.equal(c.port, 9000);
  assert.equal(c.roomCap, 4);
  assert.equal(c.graceMs, 5000);
  assert.deepEqual(c.allowedOrigins, ['https://a.example', 'https://b.example']);
  assert.deepEqual(c.iceServers, [{ urls: ['stun:stun.example.org:3478'] }, { urls: ['turn:x.example'], username: 'u', credential: 'c' }]);
  assert.deepEqual(c.turn, { secret: 'sec', urls: ['turn:t.example:3478?transport=udp', 'turns:t.example:5349'], ttlSeconds: 900 });

  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  assert.throws(() => loadConfig({ ROOM_CAP: '1' }), /ROOM_CAP/);
  assert.throws(() => loadConfig({ ICE_SERVERS: '{"urls":"stun:x"}' }), /ICE_SERVERS/);
  assert.throws(() => loadConfig({ ICE_SERVERS: '[{"urls":"http://x"}]' }), /ICE_SERVERS/);
  assert.throws(() => loadConfig({ TURN_SECRET: 'only-secret' }), /TURN_/);
  assert.throws(() => loadConfig({ TURN_SECRET: 's', TURN_URLS: 'https://nope' }), /TURN_URLS/);
});

test('origin policy table', () => {
  assert.equal(originAllowed(undefined, 'h:1', ['https://a.example']), true, 'non-browser clients send no Origin');
  assert.equal(originAllowed('https://x.example', 'h', ['*']), true);
  assert.equal(originAllowed('https://call.example', 'call.example', []), true);
  assert.equal(originAllowed('https://CALL.example', 'call.example', []), true);
  assert.equal(originAllowed('https://evil.example', 'call.example', []), false);
  assert.equal(originAllowed('http://[::1]:5173', 'call.example', []), true);
  assert.equal(originAllowed('chrome-extension://abc', 'abc', []), false);
  assert.equal(originAllowed('https://call.example', 'call.example', ['https://other.example']), false);
});
