// AuthorizationCache answers exactly what parseAuthorizationV4 answers (or throws), for any
// header and whatever the cache saw before; and it stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AuthorizationCache } from '../../../../src/s3/auth/authorization-cache.js';
import { parseAuthorizationV4 } from '../../../../src/s3/auth/sigv4.js';
import { AWS_KEY } from './helpers.js';

const outcome = (parse: () => unknown): unknown => {
  try {
    return { ok: parse() };
  } catch (err) {
    return { err: (err as Error).message };
  }
};

const CREDENTIAL = `Credential=${AWS_KEY}/20130524/us-east-1/s3/aws4_request`;
const fragment = fc.constantFrom(
  'AWS4-HMAC-SHA256 ', CREDENTIAL, 'Credential=k/20130524/r/s/aws4_request', 'SignedHeaders=host;x-amz-date', 'SignedHeaders=Host',
  'Signature=', 'Signature=ABCDEF0123', 'XSignature=', 'Foo=bar ', ',', ', ', ' ', '\t', '=', ';', 'host', '0123456789abcdef',
);
const header = fc.oneof(
  fc.array(fragment, { maxLength: 12 }).map((a) => a.join('')),
  // the form every SDK sends, with a varying tail where the signature goes
  fc.tuple(fc.constantFrom(', ', ','), fc.string({ maxLength: 12 })).map(
    ([sep, tail]) => `AWS4-HMAC-SHA256 ${CREDENTIAL}${sep}SignedHeaders=host;x-amz-date${sep}Signature=${tail}`,
  ),
  fc.string({ maxLength: 60 }),
);

test('the cache parses every header as parseAuthorizationV4 does, warm or cold', () => {
  fc.assert(
    fc.property(fc.array(header, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 4 }), (headers, maxEntries) => {
      const cache = new AuthorizationCache({ maxEntries });
      for (const h of headers) assert.deepEqual(outcome(() => cache.parse(h)), outcome(() => parseAuthorizationV4(h)), h);
      assert.ok(cache.size <= maxEntries);
    }),
    { numRuns: 3000 },
  );
});

test('headers that differ only in their signature share one entry', () => {
  const cache = new AuthorizationCache();
  for (let i = 0; i < 50; i++) {
    const signature = i.toString(16).padStart(64, 'A');
    const auth = cache.parse(`AWS4-HMAC-SHA256 ${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${signature}`);
    assert.equal(auth.signature, signature.toLowerCase());
    assert.deepEqual(auth.signedHeaders, ['host', 'x-amz-date']);
  }
  assert.equal(cache.size, 1);
});

test('a "Signature=" inside another field is not taken for the last field', () => {
  const cache = new AuthorizationCache();
  const h = (tail: string): string => `AWS4-HMAC-SHA256 ${CREDENTIAL}, SignedHeaders=host, Signature=aa, Foo=bar Signature=${tail}`;
  assert.equal(cache.parse(h('bb')).signature, 'aa');
  assert.equal(cache.parse(h('cc')).signature, 'aa');
  assert.equal(cache.size, 0);
});
