import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { listEncoder, urlEncodeValue } from '../../../src/s3/xml/url-encoding.js';

// botocore decodes with urllib's unquote_plus: `+` is a space, then percent-decoding.
const unquotePlus = (s: string): string => decodeURIComponent(s.replace(/\+/g, ' '));

test('encoding-type=url: the s3-list-cases.json shapes, `+` as %2B, space as %20', () => {
  assert.equal(urlEncodeValue('dir0/'), 'dir0%2F');
  assert.equal(urlEncodeValue('/'), '%2F');
  assert.equal(urlEncodeValue('a b+c%d'), 'a%20b%2Bc%25d');
  assert.equal(urlEncodeValue('Az09-._~'), 'Az09-._~');
  assert.equal(urlEncodeValue("!*'()"), '%21%2A%27%28%29');
  assert.equal(urlEncodeValue('⛵\n'), '%E2%9B%B5%0A');
  assert.equal(listEncoder(undefined)('a b/'), 'a b/');
  assert.equal(listEncoder('url')('a b/'), 'a%20b%2F');
});

test('property: strict and `+`-aware decoders both get the key back; output is plain ASCII', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (key) => {
      const encoded = urlEncodeValue(key);
      assert.match(encoded, /^[A-Za-z0-9\-._~%]*$/);
      assert.equal(decodeURIComponent(encoded), key);
      assert.equal(unquotePlus(encoded), key);
    }),
  );
});
