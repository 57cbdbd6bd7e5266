import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { signLocator, signatureExpiry, verifySignature, SignatureError, assertSignature } from '../../../src/keep/signature.js';
import { isDomainError } from '../../../src/common/errors.js';
import { loadFixture } from './fixture.js';

interface SignatureFixtures {
  sign: Array<{ id: string; key: string; token: string; locator: string; expiry_unix: number; ttl_seconds: number; signed_locator: string }>;
  verify: Array<{ signed_locator: string; token: string; key: string; ttl_seconds: number; expect: string; case: string }>;
}

const fx = loadFixture<SignatureFixtures>('signatures.json');
// The fixtures' verify cases assume a clock before 0x7fffffff.
const NOW = 1_750_000_000;

test('signLocator reproduces every sign vector', () => {
  for (const v of fx.sign) {
    const signed = signLocator(v.locator, { key: v.key, token: v.token, expiresAt: v.expiry_unix, ttlSeconds: v.ttl_seconds });
    assert.equal(signed, v.signed_locator, v.id);
    assert.equal(signatureExpiry(signed), v.expiry_unix, v.id);
  }
});

test('every sign vector verifies before its expiry and is expired after it', () => {
  for (const v of fx.sign) {
    const opts = { key: v.key, token: v.token, ttlSeconds: v.ttl_seconds };
    assert.equal(verifySignature(v.signed_locator, { ...opts, now: v.expiry_unix }), 'ok', v.id);
    assert.equal(verifySignature(v.signed_locator, { ...opts, now: v.expiry_unix + 1 }), 'expired', v.id);
    assert.equal(verifySignature(v.signed_locator, { ...opts, now: v.expiry_unix, ttlSeconds: v.ttl_seconds + 1 }), 'invalid', v.id);
    assert.equal(verifySignature(v.signed_locator, { ...opts, now: v.expiry_unix, token: `${v.token}x` }), 'invalid', v.id);
  }
});

test('every verify vector gives the expected result', () => {
  for (const v of fx.verify) {
    const got = verifySignature(v.signed_locator, { key: v.key, token: v.token, ttlSeconds: v.ttl_seconds, now: NOW });
    assert.equal(got, v.expect, v.case);
  }
});

test('re-signing replaces the old +A hint and keeps other hints in place', () => {
  const v = fx.sign[0]!;
  const opts = { key: v.key, token: v.token, ttlSeconds: v.ttl_seconds };
  const first = signLocator(`${v.locator}+Zfoo`, { ...opts, expiresAt: 1_700_000_000 });
  const again = signLocator(first, { ...opts, expiresAt: v.expiry_unix });
  assert.equal(again.match(/\+A/g)?.length, 1);
  assert.ok(again.startsWith(`${v.locator}+Zfoo+A`));
  assert.equal(verifySignature(again, { ...opts, now: NOW }), 'ok');
});

test('tampered signatures are rejected; unsigned locators report missing', () => {
  const v = fx.sign[1]!;
  const opts = { key: v.key, token: v.token, ttlSeconds: v.ttl_seconds, now: v.expiry_unix - 10 };
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 39 }), fc.constantFrom(...'0123456789abcdef'), (pos, ch) => {
      const sigStart = v.signed_locator.indexOf('+A') + 2;
      const original = v.signed_locator[sigStart + pos];
      fc.pre(original !== ch);
      const bad = v.signed_locator.slice(0, sigStart + pos) + ch + v.signed_locator.slice(sigStart + pos + 1);
      assert.equal(verifySignature(bad, opts), 'invalid');
    }),
  );
  // Changing the expiry invalidates the MAC (moving it later must not extend access).
  const later = v.signed_locator.replace(/@[0-9a-f]{8}$/, '@7fffffff');
  assert.equal(verifySignature(later, opts), 'invalid');
  assert.equal(verifySignature(v.locator, opts), 'missing');
  assert.equal(signatureExpiry(v.locator), undefined);
  // Two +A hints: the verifier's grammar allows exactly one.
  assert.equal(verifySignature(`${v.signed_locator}+A${'0'.repeat(40)}@7fffffff`, opts), 'missing');
});

test('SignatureError carries the reason and kind PermissionDenied', () => {
  assert.doesNotThrow(() => assertSignature('ok'));
  for (const reason of ['missing', 'invalid', 'expired'] as const) {
    assert.throws(
      () => assertSignature(reason),
      (e) => e instanceof SignatureError && e.reason === reason && isDomainError(e, 'PermissionDenied'),
    );
  }
  assert.equal(new SignatureError('expired').message, 'expired signature');
});
