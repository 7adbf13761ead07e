// The Web Push sender against a fake push service on 127.0.0.1 that checks what a real one checks: the VAPID
// JWT (RFC 8292) is signed by our key for this origin and has not expired, the TTL / Urgency / Topic headers are
// the ring's, and the body decrypts with the subscription's own keys. The decryption (RFC 8291) is written here
// again with node:crypto rather than taken from web-push, so a mistake in the library is not checked against itself.
// web-push speaks only https: the fake service has a self-signed certificate made for this run, trusted only by
// the agent handed to the sender under test.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, createServer, type Server } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PushOptions, PushSubscriptionRecord } from '../../signaling/src/core/push.ts';
import { createWebPushSender } from '../../signaling/src/node/web-push-sender.ts';

const OPENSSL = spawnSync('openssl', ['version']).status === 0;

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A VAPID key pair made with node:crypto, in the encoding the server stores. */
function vapidKeys(): { publicKey: string; privateKey: string; subject: string } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey('base64url'), privateKey: ecdh.getPrivateKey('base64url'), subject: 'mailto:ops@example.org' };
}

/** What a browser's PushManager.subscribe() makes: an ECDH P-256 key pair and a 16-byte auth secret. */
function browserSubscription(endpoint: string): { record: PushSubscriptionRecord; ecdh: ECDH; auth: Buffer } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { record: { endpoint, keys: { p256dh: ecdh.getPublicKey('base64url'), auth: auth.toString('base64url') } }, ecdh, auth };
}

/**
 * RFC 8291 §3.4 and RFC 8188 §2, one record:
 *   body       = salt (16) ‖ rs (uint32) ‖ idlen (1) ‖ keyid = sender's public key (65) ‖ ciphertext ‖ tag (16)
 *   IKM        = HKDF-SHA-256(salt = auth, ikm = ECDH(ua private, as public), info = "WebPush: info\0" ‖ ua ‖ as, 32)
 *   CEK, NONCE = HKDF-SHA-256(salt, IKM, "Content-Encoding: aes128gcm\0", 16), (…, "Content-Encoding: nonce\0", 12)
 *   plaintext  = payload ‖ 0x02 (the last record's delimiter) ‖ zero padding
 */
function decrypt(body: Buffer, ua: ECDH, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20] ?? 0;
  assert.equal(idlen, 65, 'keyid is the sender’s uncompressed public key');
  const asPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  assert.ok(rs >= 18 && record.length <= rs, `one record (rs ${rs}, record ${record.length})`);
  const uaPublic = ua.getPublicKey();
  const secret = ua.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  assert.equal(padded[end], 0x02, 'the last record ends with the 0x02 delimiter');
  return padded.subarray(0, end).toString('utf8');
}

/** RFC 8292 §3: `vapid t=<JWT>, k=<public key>`, the JWT ES256-signed by that key, aud = the push service's origin. */
function checkVapid(authorization: string | undefined, vapid: { publicKey: string; subject: string }, origin: string): void {
  const m = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(authorization ?? '');
  assert.ok(m, `Authorization: ${authorization}`);
  const [, header, claims, signature, k] = m as unknown as [string, string, string, string, string];
  assert.equal(k, vapid.publicKey);
  assert.deepEqual(JSON.parse(Buffer.from(header, 'base64url').toString()), { typ: 'JWT', alg: 'ES256' });
  const point = Buffer.from(k, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const signed = verify(
    'sha256',
    Buffer.from(`${header}.${claims}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  assert.ok(signed, 'the JWT is signed by the VAPID key');
  const c = JSON.parse(Buffer.from(claims, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  assert.equal(c.aud, origin);
  assert.equal(c.sub, vapid.subject);
  const now = Date.now() / 1000;
  assert.ok(c.exp > now && c.exp <= now + 24 * 3600, `exp ${c.exp} is in the next 24 h`);
}

const RING: PushOptions = { topic: 'AAAAAAAAAAAAAAAAAAAAAA', ttlSeconds: 30, urgency: 'high' };

describe('web-push sender', { skip: OPENSSL ? false : 'openssl is needed to make the fake push service’s certificate' }, () => {
  let dir: string;
  let server: Server;
  let origin: string;
  let agent: Agent;
  const received: Received[] = [];
  const vapid = vapidKeys();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fake-push-'));
    const made = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ].concat(['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
      { encoding: 'utf8' },
    );
    assert.equal(made.status, 0, made.stderr);
    const cert = readFileSync(join(dir, 'cert.pem'));
    // The paths say how to answer: /ok/… 201 Created (what FCM and Mozilla answer), /410/…, /404/…, /500/…, /stuck/… never.
    server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        const kind = (req.url ?? '').split('/')[1];
        if (kind === 'stuck') return;
        res.writeHead(kind === 'ok' ? 201 : Number(kind)).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    origin = `https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    agent = new Agent({ ca: cert });
  });

  after(async () => {
    agent?.destroy();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const lastTo = (path: string): Received => {
    const r = [...received].reverse().find((x) => x.path === path);
    assert.ok(r, `the push service got a request for ${path}`);
    return r;
  };

  test('a ring arrives signed, with its TTL, urgency and topic, and decrypts with the subscription’s keys', async () => {
    const send = createWebPushSender(vapid, { agent });
    const sub = browserSubscription(`${origin}/ok/sub-1`);
    const payload = JSON.stringify({ t: 'ring', callee: 'c'.repeat(27), call: RING.topic, kid: 'k'.repeat(12), data: 'r1.é…', ts: 1 });
    assert.equal(await send(sub.record, payload, RING), 'sent');
    const r = lastTo('/ok/sub-1');
    checkVapid(r.headers.authorization, vapid, origin);
    assert.equal(r.headers.ttl, '30');
    assert.equal(r.headers.urgency, 'high');
    assert.equal(r.headers.topic, RING.topic);
    assert.equal(r.headers['content-encoding'], 'aes128gcm');
    assert.equal(decrypt(r.body, sub.ecdh, sub.auth), payload);
  });

  test('each push is encrypted afresh: another subscription cannot read it', async () => {
    const send = createWebPushSender(vapid, { agent });
    const [a, b] = [browserSubscription(`${origin}/ok/a`), browserSubscription(`${origin}/ok/b`)];
    await send(a.record, 'same text', { topic: 'cancel1', ttlSeconds: 30, urgency: 'high' });
    await send(b.record, 'same text', { topic: 'cancel1', ttlSeconds: 30, urgency: 'high' });
    const [ra, rb] = [lastTo('/ok/a'), lastTo('/ok/b')];
    assert.notDeepEqual(ra.body, rb.body);
    assert.equal(decrypt(rb.body, b.ecdh, b.auth), 'same text');
    assert.throws(() => decrypt(ra.body, b.ecdh, b.auth));
  });

  test('410 Gone and 404 Not Found mean the subscription is gone; 500 is a failure to retry later', async () => {
    const send = createWebPushSender(vapid, { agent });
    assert.equal(await send(browserSubscription(`${origin}/410/x`).record, 'x', RING), 'gone');
    assert.equal(await send(browserSubscription(`${origin}/404/x`).record, 'x', RING), 'gone');
    assert.equal(await send(browserSubscription(`${origin}/500/x`).record, 'x', RING), 'failed');
    assert.equal(await send(browserSubscription(`${origin}/429/x`).record, 'x', RING), 'failed');
  });

  test('a push service that never answers costs one deadline, then the push has failed', async () => {
    const send = createWebPushSender(vapid, { agent, timeoutMs: 300 });
    const started = Date.now();
    assert.equal(await send(browserSubscription(`${origin}/stuck/x`).record, 'x', RING), 'failed');
    const took = Date.now() - started;
    assert.ok(took >= 250 && took < 3_000, `took ${took} ms`);
    lastTo('/stuck/x');
  });

  test('never throws: an unreachable service, a plain-http endpoint, broken keys, an untrusted certificate', async () => {
    const send = createWebPushSender(vapid, { agent, timeoutMs: 2_000 });
    const good = browserSubscription(`${origin}/ok/y`).record;
    assert.equal(await send({ ...good, endpoint: 'https://127.0.0.1:1/nobody' }, 'x', RING), 'failed');
    assert.equal(await send({ ...good, endpoint: origin.replace('https:', 'http:') + '/ok/y' }, 'x', RING), 'failed');
    assert.equal(await send({ ...good, endpoint: 'not a url' }, 'x', RING), 'failed');
    assert.equal(await send({ ...good, keys: { p256dh: 'AAAA', auth: good.keys.auth } }, 'x', RING), 'failed');
    assert.equal(await send(good, 'x', { ...RING, topic: 'not a topic!' }), 'failed');
    // Without the test's agent, Node's default trust store refuses the self-signed certificate.
    assert.equal(await createWebPushSender(vapid, { timeoutMs: 2_000 })(good, 'x', RING), 'failed');
  });

  test('VAPID keys that are malformed or not one pair are refused when the sender is made', () => {
    const other = vapidKeys();
    assert.throws(() => createWebPushSender({ ...vapid, publicKey: other.publicKey }), /not the private key/);
    assert.throws(() => createWebPushSender({ ...vapid, privateKey: 'short' }));
    assert.throws(() => createWebPushSender({ ...vapid, subject: 'ops@example.org' }));
  });
});
