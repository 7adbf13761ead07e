// The one base64url helper (browser, Node server and Worker import it), checked against Node's own encoder.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { base64urlDecode, base64urlEncode, randomBase64url } from '../../signaling/src/base64url.ts';

test('encodes and decodes like Buffer for every length up to 70 bytes', () => {
  for (let n = 0; n <= 70; n++) {
    const bytes = randomBytes(n);
    const text = base64urlEncode(bytes);
    assert.equal(text, bytes.toString('base64url'), `${n} bytes`);
    assert.deepEqual(base64urlDecode(text), new Uint8Array(bytes), `${n} bytes`);
  }
});

test('refuses what is not base64url', () => {
  for (const bad of ['a+b', 'a/b', 'ab==', 'abcde', 'ab c']) assert.equal(base64urlDecode(bad), null, bad);
});

test('random ids have the length of their bytes', () => {
  assert.match(randomBase64url(16), /^[A-Za-z0-9_-]{22}$/);
  assert.match(randomBase64url(32), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(randomBase64url(16), randomBase64url(16));
});
