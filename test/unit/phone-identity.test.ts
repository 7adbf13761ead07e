// The phone identity with Node's WebCrypto and the in-memory store (test/core/phone-db.test.ts runs the
// IndexedDB store in real browsers).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { base64urlDecode, base64urlEncode } from '../../signaling/src/base64url';
import { Identity, idFromKey, loadIdentity, PUBLIC_KEY_PATTERN, USER_ID_PATTERN, verify } from '../../src/core/phone/identity';
import { memoryPhoneStore } from '../../src/core/phone/phone-db';

test('the id is the first 20 bytes of SHA-256 of the raw public key', async () => {
  const me = await Identity.generate();
  assert.match(me.key, PUBLIC_KEY_PATTERN);
  assert.match(me.id, USER_ID_PATTERN);
  const raw = base64urlDecode(me.key) ?? new Uint8Array();
  assert.equal(raw.length, 65);
  assert.equal(raw[0], 4, 'uncompressed point');
  const expected = base64urlEncode(createHash('sha256').update(raw).digest().subarray(0, 20));
  assert.equal(me.id, expected);
  assert.equal(await idFromKey(me.key), expected);
});

test('idFromKey refuses what is not a raw P-256 key', async () => {
  const me = await Identity.generate();
  assert.equal(await idFromKey(me.key.slice(1)), null);
  assert.equal(await idFromKey(`A${me.key.slice(1)}`), null, 'compressed/unknown prefix byte');
  assert.equal(await idFromKey('!'.repeat(87)), null);
});

test('sign and verify; a signature holds only for its text and its key', async () => {
  const [me, other] = await Promise.all([Identity.generate(), Identity.generate()]);
  const sig = await me.sign('hello');
  assert.equal(sig.length, 86);
  assert.equal(await verify(me.key, 'hello', sig), true);
  assert.equal(await verify(me.key, 'hellO', sig), false);
  assert.equal(await verify(other.key, 'hello', sig), false);
  assert.equal(await verify(me.key, 'hello', sig.slice(0, 85)), false);
  assert.equal(await verify('A'.repeat(87), 'hello', sig), false, 'not a point on the curve: false, no exception');
});

test('the private key cannot be exported', async () => {
  const store = memoryPhoneStore();
  await loadIdentity(store);
  const pair = await store.identity();
  assert.ok(pair);
  assert.equal(pair.privateKey.extractable, false);
  await assert.rejects(crypto.subtle.exportKey('pkcs8', pair.privateKey));
});

test('first run makes an identity, later runs load the same one; a racing second key pair loses', async () => {
  const store = memoryPhoneStore();
  const [a, b] = await Promise.all([loadIdentity(store), loadIdentity(store)]);
  assert.equal(a.id, b.id);
  const again = await loadIdentity(store);
  assert.equal(again.id, a.id);
  assert.equal(await verify(a.key, 'x', await again.sign('x')), true);
});
