// Safety numbers against libsignal's own test vector (rust/protocol/src/fingerprint.rs, fingerprint_test_v1;
// Java NumericFingerprintGeneratorTest.testVectorsVersion1): the same bytes in must give the same 60 digits out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Identity } from '../../src/core/phone/identity';
import { displayableFingerprint, groupDigits, safetyNumber } from '../../src/core/phone/safety-number';

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (b) => parseInt(b, 16));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

const ALICE = { key: hex('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868'), stableId: utf8('+14152222222') };
const BOB = { key: hex('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b'), stableId: utf8('+14153333333') };
const DISPLAYABLE_FINGERPRINT_V1 = '300354477692869396892869876765458257569162576843440918079131';

test("libsignal's V1 vector (5200 iterations), from either side", async () => {
  assert.equal(await displayableFingerprint(ALICE, BOB), DISPLAYABLE_FINGERPRINT_V1);
  assert.equal(await displayableFingerprint(BOB, ALICE), DISPLAYABLE_FINGERPRINT_V1);
});

test('our users: 60 digits, the same on both sides, different for another pair', async () => {
  const [a, b, c] = await Promise.all([Identity.generate(), Identity.generate(), Identity.generate()]);
  const ab = await safetyNumber(a, b);
  assert.match(ab ?? '', /^\d{60}$/);
  assert.equal(await safetyNumber(b, a), ab);
  assert.notEqual(await safetyNumber(a, c), ab);
  assert.equal(await safetyNumber(a, { id: b.id, key: 'not a key' }), null);
  assert.equal(groupDigits(DISPLAYABLE_FINGERPRINT_V1).split(' ').length, 12);
});
