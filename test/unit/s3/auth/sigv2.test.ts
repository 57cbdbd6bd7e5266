import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { authenticate } from '../../../../src/s3/auth/authenticate.js';
import type { AuthRequest } from '../../../../src/s3/auth/types.js';
import { AWS_KEY, AWS_SECRET, authCode, request, secrets } from './helpers.js';

const OPTS_2007 = { resolveSecret: secrets({ [AWS_KEY]: AWS_SECRET }), now: () => Date.parse('Tue, 27 Mar 2007 19:40:00 GMT') };

test("AWS's published SigV2 examples (RESTAuthentication) verify", async () => {
  const vhost = (p: { method?: string; path: string; query?: string; date: string; sig: string; headers?: Record<string, string> }): AuthRequest => ({
    ...request({
      method: p.method ?? 'GET',
      rawPath: p.path,
      rawQuery: p.query ?? '',
      headers: { host: 'johnsmith.s3.amazonaws.com', date: p.date, authorization: `AWS ${AWS_KEY}:${p.sig}`, ...p.headers },
    }),
    virtualHostBucket: 'johnsmith',
  });
  const examples: AuthRequest[] = [
    vhost({ path: '/photos/puppy.jpg', date: 'Tue, 27 Mar 2007 19:36:42 +0000', sig: 'bWq2s1WEIj+Ydj0vQ697zp+IXMU=' }),
    vhost({ method: 'PUT', path: '/photos/puppy.jpg', date: 'Tue, 27 Mar 2007 21:15:45 +0000', sig: 'MyyxeRY7whkBe+bq8fHCL/2kKUg=', headers: { 'content-type': 'image/jpeg', 'content-length': '94328' } }),
    vhost({ path: '/', query: 'prefix=photos&max-keys=50&marker=puppy', date: 'Tue, 27 Mar 2007 19:42:41 +0000', sig: 'htDYFYduRNen8P9ZfE/s9SuKy0U=' }),
    vhost({ path: '/', query: 'acl', date: 'Tue, 27 Mar 2007 19:44:46 +0000', sig: 'c2WLPFtWHVgbEmeEG93a4cG37dM=' }),
  ];
  for (const req of examples) {
    const late = { ...OPTS_2007, now: () => Date.parse(req.headers.date!) + 60_000 };
    const result = await authenticate(req, late);
    assert.equal(result.signatureVersion, 'v2', `${req.method} ${req.rawPath}?${req.rawQuery}`);
    assert.equal(result.location, 'header');
  }
  // Query-string form, path style.
  const presigned = request({ rawPath: '/johnsmith/photos/puppy.jpg', rawQuery: `AWSAccessKeyId=${AWS_KEY}&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D`, headers: { host: 's3.amazonaws.com' } });
  const r = await authenticate(presigned, { ...OPTS_2007, now: () => 1175139620 * 1000 });
  assert.deepEqual([r.signatureVersion, r.location, r.principal], ['v2', 'query', `user:${AWS_KEY}`]);
  assert.equal(await authCode(presigned, { ...OPTS_2007, now: () => 1175139621 * 1000 }), 'AccessDenied', 'one second late');
});

// A reference SigV2 signer written from the AWS documentation, independent of sigv2.ts.
const DOC_SUBRESOURCES = ['acl', 'lifecycle', 'location', 'logging', 'notification', 'partNumber', 'policy', 'requestPayment', 'uploadId', 'uploads', 'versionId', 'versioning', 'versions', 'website', 'delete', 'tagging', 'response-content-type', 'response-content-disposition'];

interface V2Request {
  method: string;
  path: string;
  /** [name, decoded value | null for a bare name] */
  query: Array<[string, string | null]>;
  headers: Record<string, string>;
}

function referenceStringToSign(r: V2Request, dateLine: string): string {
  const amz = Object.keys(r.headers).filter((h) => h.startsWith('x-amz-')).sort();
  const subs = r.query.filter(([k]) => DOC_SUBRESOURCES.includes(k)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const resource = r.path + (subs.length ? `?${subs.map(([k, v]) => (v === null || v === '' ? k : `${k}=${v}`)).join('&')}` : '');
  return [r.method, r.headers['content-md5'] ?? '', r.headers['content-type'] ?? '', dateLine, ...amz.map((h) => `${h}:${r.headers[h]!.trim()}`), resource].join('\n');
}

const sign = (secret: string, s: string): string => createHmac('sha1', secret).update(s).digest('base64');
const rawQuery = (q: V2Request['query']): string => q.map(([k, v]) => (v === null ? k : `${k}=${encodeURIComponent(v)}`)).join('&');
const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const OPTS = { resolveSecret: secrets({ [AWS_KEY]: AWS_SECRET }), now: () => NOW };

const v2Requests = fc.record({
  method: fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD'),
  path: fc.array(fc.stringMatching(/^[A-Za-z0-9._~%-]{0,8}$/), { minLength: 1, maxLength: 3 }).map((s) => `/bucket/${s.join('/')}`),
  query: fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...DOC_SUBRESOURCES), fc.constantFrom('prefix', 'max-keys', 'x-id')), fc.option(fc.string({ maxLength: 6 }), { nil: null })),
    { maxLength: 4 },
  ).map((q) => q.filter(([k], i) => q.findIndex(([k2]) => k2 === k) === i)),
  headers: fc.record(
    {
      'content-type': fc.constantFrom('text/plain', 'application/octet-stream'),
      'content-md5': fc.constant('1B2M2Y8AsgTpgAmY7PhCfg=='),
      'x-amz-meta-color': fc.stringMatching(/^[a-z ]{1,8}$/),
      'x-amz-acl': fc.constant('private'),
    },
    { requiredKeys: [] },
  ),
});

test('header form: requests signed by the reference verify; any change to a signed part does not', async () => {
  await fc.assert(
    fc.asyncProperty(v2Requests, async (r) => {
      const date = new Date(NOW).toUTCString();
      const headers = { ...r.headers, host: 'gw.test', date };
      const sig = sign(AWS_SECRET, referenceStringToSign({ ...r, headers }, date));
      const req = request({ method: r.method, rawPath: r.path, rawQuery: rawQuery(r.query), headers: { ...headers, authorization: `AWS ${AWS_KEY}:${sig}` } });
      assert.equal(await authCode(req, OPTS), 'ok', referenceStringToSign({ ...r, headers }, date));
      assert.equal(await authCode({ ...req, method: r.method === 'GET' ? 'PUT' : 'GET' }, OPTS), 'SignatureDoesNotMatch');
      assert.equal(await authCode({ ...req, rawPath: `${req.rawPath}x` }, OPTS), 'SignatureDoesNotMatch');
      assert.equal(await authCode({ ...req, headers: { ...req.headers, 'x-amz-meta-color': 'changed' } }, OPTS), 'SignatureDoesNotMatch');
      assert.equal(await authCode({ ...req, rawQuery: `${req.rawQuery}&uploads` }, OPTS), 'SignatureDoesNotMatch');
      // Query parameters that are not sub-resources are not signed in SigV2.
      assert.equal(await authCode({ ...req, rawQuery: `${req.rawQuery}&max-keyz=7` }, OPTS), 'ok');
    }),
    { numRuns: 150 },
  );
});

test('query form: requests presigned by the reference verify until Expires; tampering caught', async () => {
  await fc.assert(
    fc.asyncProperty(v2Requests, fc.integer({ min: 1, max: 7 * 86400 }), async (r, ttl) => {
      const expires = String(Math.floor(NOW / 1000) + ttl);
      const sig = sign(AWS_SECRET, referenceStringToSign(r, expires));
      const q = `${rawQuery(r.query)}${r.query.length ? '&' : ''}AWSAccessKeyId=${AWS_KEY}&Expires=${expires}&Signature=${encodeURIComponent(sig)}`;
      const req = request({ method: r.method, rawPath: r.path, rawQuery: q, headers: { ...r.headers, host: 'gw.test' } });
      assert.equal(await authCode(req, OPTS), 'ok');
      assert.equal(await authCode(req, { ...OPTS, now: () => (Number(expires) + 1) * 1000 }), 'AccessDenied');
      assert.equal(await authCode({ ...req, rawQuery: q.replace(`Expires=${expires}`, `Expires=${Number(expires) + 1}`) }, OPTS), 'SignatureDoesNotMatch');
    }),
    { numRuns: 100 },
  );
});

test('x-amz-date: s3cmd leaves the Date line empty; a Date header sent too may fill it', async () => {
  const amzDate = new Date(NOW).toUTCString();
  const base = { method: 'GET', path: '/bucket/k', query: [], headers: { 'x-amz-date': amzDate } } satisfies V2Request;
  const empty = sign(AWS_SECRET, referenceStringToSign(base, ''));
  assert.equal(await authCode(request({ rawPath: '/bucket/k', headers: { host: 'h', 'x-amz-date': amzDate, authorization: `AWS ${AWS_KEY}:${empty}` } }), OPTS), 'ok');
  const date = new Date(NOW - 1000).toUTCString();
  const filled = sign(AWS_SECRET, referenceStringToSign(base, date));
  for (const sig of [empty, filled]) {
    assert.equal(await authCode(request({ rawPath: '/bucket/k', headers: { host: 'h', date, 'x-amz-date': amzDate, authorization: `AWS ${AWS_KEY}:${sig}` } }), OPTS), 'ok');
  }
});

test('a path-style bucket request may be signed as the bucket resource "/bucket/" (botocore does)', async () => {
  const date = new Date(NOW).toUTCString();
  const sig = sign(AWS_SECRET, referenceStringToSign({ method: 'GET', path: '/bucket/', query: [['acl', null]], headers: {} }, date));
  const req = request({ rawPath: '/bucket', rawQuery: 'acl', headers: { host: 'h', date, authorization: `AWS ${AWS_KEY}:${sig}` } });
  assert.equal(await authCode(req, OPTS), 'ok');
  assert.equal(await authCode({ ...req, rawPath: '/bucket/key' }, OPTS), 'SignatureDoesNotMatch');
});

test('SigV2 failures: skew, malformed header, unknown key, missing query parameters', async () => {
  const date = new Date(NOW).toUTCString();
  const sig = sign(AWS_SECRET, referenceStringToSign({ method: 'GET', path: '/b/k', query: [], headers: {} }, date));
  const req = request({ rawPath: '/b/k', headers: { host: 'h', date, authorization: `AWS ${AWS_KEY}:${sig}` } });
  assert.equal(await authCode(req, OPTS), 'ok');
  assert.equal(await authCode(req, { ...OPTS, now: () => NOW + 16 * 60_000 }), 'RequestTimeTooSkewed');
  assert.equal(await authCode(req, { ...OPTS, resolveSecret: secrets({}) }), 'InvalidAccessKeyId');
  for (const authorization of [`AWS ${AWS_KEY}`, `AWS ${AWS_KEY}:`, 'AWS :sig']) {
    assert.equal(await authCode({ ...req, headers: { ...req.headers, authorization } }, OPTS), 'InvalidRequest', authorization);
  }
  assert.equal(await authCode({ ...req, headers: { host: 'h', authorization: `AWS ${AWS_KEY}:${sig}` } }, OPTS), 'AccessDenied', 'no date');
  for (const q of ['AWSAccessKeyId=x&Expires=1', 'Signature=abc&Expires=1', `AWSAccessKeyId=${AWS_KEY}&Signature=abc`, `AWSAccessKeyId=${AWS_KEY}&Signature=abc&Expires=tomorrow`]) {
    assert.equal(await authCode(request({ rawPath: '/b/k', rawQuery: q, headers: { host: 'h' } }), OPTS), 'AccessDenied', q);
  }
});
