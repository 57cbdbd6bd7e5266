import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';
import { Socket } from 'node:net';
import fc from 'fast-check';
import {
  CLIENT_RESERVED_META_KEYS,
  MAX_USER_METADATA_BYTES,
  metadataFromRequestHeaders,
  metaResponseHeaders,
} from '../../../src/s3/meta-headers.js';
import { goJson, rfc2047Decode, rfc2047Encode } from '../../../src/s3/meta-encoding.js';
import { S3Error } from '../../../src/s3/errors.js';
import { loadFixture } from '../keep/fixture.js';

interface MetadataFixture {
  vectors: Array<{ scope: string; property_key: string; property_value: unknown; header: string | null; header_value: string | null }>;
  computed_value_encodings: Array<{ property_value: unknown; header_value: string }>;
}
const fixture = loadFixture<MetadataFixture>('s3-metadata.json');

/** Sets every header on a real ServerResponse: Node throws on anything it would not send. */
function setAll(headers: Record<string, string>): void {
  const res = new ServerResponse(new IncomingMessage(new Socket()));
  for (const [name, value] of Object.entries(headers)) {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    res.setHeader(name, value);
  }
}

test('s3-metadata.json: properties -> x-amz-meta-* per scope (lower-case names, invalid keys skipped)', () => {
  const scopes = new Set(fixture.vectors.map((v) => v.scope));
  for (const scope of scopes) {
    const vectors = fixture.vectors.filter((v) => v.scope === scope);
    const properties = Object.fromEntries(vectors.map((v) => [v.property_key, v.property_value]));
    const headers = metaResponseHeaders({ properties });
    const expected = Object.fromEntries(vectors.filter((v) => v.header !== null).map((v) => [v.header!.toLowerCase(), v.header_value!]));
    assert.deepEqual(headers, expected, scope);
    assert.ok(!Object.keys(headers).some((h) => /inject/i.test(h)));
    setAll(headers);
  }
});

test('s3-metadata.json computed encodings (DEL is encoded: Node refuses it raw)', () => {
  for (const v of fixture.computed_value_encodings) {
    const got = metaResponseHeaders({ properties: { k: v.property_value } })['x-amz-meta-k'];
    const expected = v.property_value === 'del\x7fchar' ? '=?UTF-8?b?ZGVsf2NoYXI=?=' : v.header_value;
    assert.equal(got, expected, JSON.stringify(v.property_value));
  }
});

test('Go JSON for non-strings: sorted keys (by UTF-8 bytes), HTML-safe escapes', () => {
  assert.equal(goJson({ b: [1, { d: null, c: true }], a: '<&>\u2028' }), '{"a":"\\u003c\\u0026\\u003e\\u2028","b":[1,{"c":true,"d":null}]}');
  assert.equal(goJson({ '\u{1F600}': 1, '\uFF01': 2 }), '{"\uFF01":2,"\u{1F600}":1}');
  assert.equal(goJson('x\ny'), '"x\\ny"');
});

test('RFC 2047: words of at most 45 bytes, never splitting a character', () => {
  const long = 'é'.repeat(23) + '⛵'.repeat(20);
  const encoded = rfc2047Encode(long);
  const words = encoded.split(' ');
  assert.ok(words.length > 1);
  for (const w of words) {
    const m = /^=\?UTF-8\?b\?([A-Za-z0-9+/=]+)\?=$/.exec(w);
    assert.ok(m, w);
    const bytes = Buffer.from(m[1]!, 'base64');
    assert.ok(bytes.length <= 45);
    assert.doesNotThrow(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    assert.ok(w.length <= 75);
  }
  assert.equal(rfc2047Decode(encoded), long);
  assert.equal(rfc2047Encode('plain ascii'), 'plain ascii');
  assert.equal(rfc2047Encode('tab\tonly'), 'tab\tonly');
});

test('the file\'s own metadata wins a clash; reserved names only come from the file', () => {
  const headers = metaResponseHeaders({
    properties: { Color: 'blue', mtime: '1', md5chksum: 'x', 's3cmd-attrs': 'y', owner: 'proj' },
    userMetadata: { color: 'red', mtime: '1700000000.123' },
  });
  assert.deepEqual(headers, { 'x-amz-meta-color': 'red', 'x-amz-meta-mtime': '1700000000.123', 'x-amz-meta-owner': 'proj' });
  for (const k of CLIENT_RESERVED_META_KEYS) assert.equal(metaResponseHeaders({ properties: { [k]: 'v' } })[`x-amz-meta-${k}`], undefined);
});

test('header count and size are capped; the rest is counted in x-amz-missing-meta', () => {
  const properties = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${String(i).padStart(3, '0')}`, 'v']));
  const headers = metaResponseHeaders({ properties, userMetadata: { mine: 'x' } }, { maxHeaders: 10, maxBytes: 100_000 });
  assert.equal(Object.keys(headers).filter((h) => h.startsWith('x-amz-meta-')).length, 10);
  assert.equal(headers['x-amz-meta-mine'], 'x');
  assert.equal(headers['x-amz-meta-p000'], 'v');
  assert.equal(headers['x-amz-missing-meta'], '91');
  const sized = metaResponseHeaders({ properties: { a: 'x'.repeat(50), b: 'y'.repeat(50) } }, { maxHeaders: 10, maxBytes: 70 });
  assert.deepEqual(Object.keys(sized), ['x-amz-meta-a', 'x-amz-missing-meta']);
});

test('property: whatever the properties and metadata, every header can be set, and values round-trip', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }),
      fc.dictionary(fc.stringMatching(/^[a-z0-9-]{1,10}$/), fc.string({ unit: 'binary', maxLength: 80 }), { maxKeys: 4 }),
      (properties, userMetadata) => {
        const headers = metaResponseHeaders({ properties, userMetadata }, { maxHeaders: 1000, maxBytes: 1_000_000 });
        setAll(headers);
        // What the gateway sends, a client can send back and get the same metadata.
        const back = metadataFromRequestHeaders(Object.fromEntries(Object.entries(userMetadata).map(([k]) => [`x-amz-meta-${k}`, headers[`x-amz-meta-${k}`]!])));
        for (const [k, v] of Object.entries(userMetadata)) if (!v.includes('=?')) assert.equal(back[k], v);
      },
    ),
    { numRuns: 300 },
  );
});

test('request headers -> user metadata: lower-case keys, RFC 2047 and raw UTF-8 decoded', () => {
  const raw = Buffer.from('héllo ⛵', 'utf8').toString('latin1'); // what Node hands over for raw UTF-8 bytes
  assert.deepEqual(
    metadataFromRequestHeaders({
      'X-Amz-Meta-Mtime': '1700000000',
      'x-amz-meta-b': '=?UTF-8?b?4pu1?= =?UTF-8?B?4pu1?=',
      'x-amz-meta-q': '=?utf-8?q?caf=C3=A9_au_lait?=',
      'x-amz-meta-latin': '=?ISO-8859-1?Q?caf=E9?=',
      'x-amz-meta-raw': raw,
      'x-amz-meta-notutf8': 'caf\xe9',
      'x-amz-meta-bad': '=?UTF-8?b?not base64?=',
      'x-amz-meta-': 'ignored',
      'content-type': 'text/plain',
    }),
    { mtime: '1700000000', b: '⛵⛵', q: 'café au lait', latin: 'café', raw: 'héllo ⛵', notutf8: 'café', bad: '=?UTF-8?b?not base64?=' },
  );
  const proto = metadataFromRequestHeaders({ 'x-amz-meta-__proto__': 'x' });
  assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  assert.deepEqual(Object.entries(proto), [['__proto__', 'x']]);
});

test('user metadata is limited to 2 KB of keys and values', () => {
  const key = 'k';
  const fits = { [`x-amz-meta-${key}`]: 'v'.repeat(MAX_USER_METADATA_BYTES - key.length) };
  assert.equal(metadataFromRequestHeaders(fits)[key]!.length, MAX_USER_METADATA_BYTES - 1);
  const tooBig = { [`x-amz-meta-${key}`]: 'v'.repeat(MAX_USER_METADATA_BYTES - key.length + 1) };
  assert.throws(() => metadataFromRequestHeaders(tooBig), (e: unknown) => e instanceof S3Error && e.code === 'MetadataTooLarge' && e.status === 400);
});
