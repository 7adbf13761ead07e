// Call links: the exact byte layout of docs/calling.md, and every way a pasted link can be wrong.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { base64urlDecode, base64urlEncode } from '../../signaling/src/base64url';
import { callLinkPath, decodeCallLink, decodeCallPayload, encodeCallPayload, kid, newInviteCode } from '../../src/core/phone/call-link';

const ID = base64urlEncode(Uint8Array.from({ length: 20 }, (_, i) => i + 1));
const CODE = base64urlEncode(Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i));

test('layout: version 1, id, invite code, first 4 bytes of SHA-256 of the rest', async () => {
  const payload = await encodeCallPayload({ id: ID, inviteCode: CODE });
  assert.equal(payload.length, 55);
  const bytes = base64urlDecode(payload) ?? new Uint8Array();
  assert.equal(bytes.length, 41);
  assert.equal(bytes[0], 1);
  assert.deepEqual(bytes.subarray(1, 21), base64urlDecode(ID));
  assert.deepEqual(bytes.subarray(21, 37), base64urlDecode(CODE));
  assert.deepEqual(bytes.subarray(37), new Uint8Array(createHash('sha256').update(bytes.subarray(0, 37)).digest().subarray(0, 4)));
});

test('round trip from a path, an absolute URL on any origin, or the bare fragment', async () => {
  const link = { id: ID, inviteCode: newInviteCode() };
  const path = await callLinkPath(link);
  assert.match(path, /^\/call#[A-Za-z0-9_-]{55}$/);
  const ok = { ok: true, value: link };
  assert.deepEqual(await decodeCallLink(path), ok);
  assert.deepEqual(await decodeCallLink(` https://call.example.org${path} `), ok);
  assert.deepEqual(await decodeCallPayload(path.slice('/call'.length)), ok);
});

test('a typo anywhere is caught by the checksum, including the last character', async () => {
  const path = await callLinkPath({ id: ID, inviteCode: CODE });
  const payloadAt = '/call#'.length;
  for (let at = payloadAt; at < path.length; at++) {
    const c = path[at] === 'x' ? 'y' : 'x';
    const typo = path.slice(0, at) + c + path.slice(at + 1);
    assert.deepEqual(await decodeCallLink(typo), { ok: false, error: 'checksum' }, `typo at ${at}`);
  }
});

test('a typo in bits the decoder would drop, or one stray character at the end, is still a typo', async () => {
  const path = await callLinkPath({ id: ID, inviteCode: CODE });
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  // 55 characters carry 330 bits for 328: the last one's low two bits are padding.
  const last = alphabet[alphabet.indexOf(path[path.length - 1]) ^ 1];
  assert.deepEqual(await decodeCallLink(path.slice(0, -1) + last), { ok: false, error: 'checksum' });
  assert.deepEqual(await decodeCallLink(`${path}A`), { ok: false, error: 'checksum' });
});

test('a link cut short at any length is truncated, not a typo', async () => {
  const path = await callLinkPath({ id: ID, inviteCode: CODE });
  for (let len = path.length - 1; len >= '/call#'.length; len--) {
    assert.deepEqual(await decodeCallLink(path.slice(0, len)), { ok: false, error: 'truncated' }, `cut to ${len}`);
  }
});

test('not ours, and a version we do not know', async () => {
  const path = await callLinkPath({ id: ID, inviteCode: CODE });
  for (const other of ['/r/abc#def', `/calls${path.slice(5)}`, 'https://example.org/', '/call#not base64!', 'http://[bad']) {
    assert.deepEqual(await decodeCallLink(other), { ok: false, error: 'not-a-call-link' }, other);
  }
  assert.deepEqual(await decodeCallLink(`${path}AAAA`), { ok: false, error: 'checksum' }, 'text pasted onto the end');
  const bytes = base64urlDecode(path.slice(6)) ?? new Uint8Array();
  bytes[0] = 2;
  bytes.set(createHash('sha256').update(bytes.subarray(0, 37)).digest().subarray(0, 4), 37);
  assert.deepEqual(
    await decodeCallLink(`/call#${base64urlEncode(bytes)}`),
    { ok: false, error: 'unknown-version' },
    'intact, but version 2',
  );
});

test('kid: first 9 bytes of SHA-256("p2p-call kid v1" ‖ secret bytes), 12 characters', async () => {
  const secret = base64urlDecode(CODE) ?? new Uint8Array();
  const expected = base64urlEncode(createHash('sha256').update('p2p-call kid v1').update(secret).digest().subarray(0, 9));
  assert.equal(await kid(CODE), expected);
  assert.equal(expected.length, 12);
  assert.notEqual(await kid(newInviteCode()), expected);
  await assert.rejects(kid('short'));
});
