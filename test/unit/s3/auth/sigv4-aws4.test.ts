// SigV4 verification against aws4 (npm) as an independent signer, over generated requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import aws4 from 'aws4';
import fc from 'fast-check';
import { AWS_KEY, AWS_SECRET, authCode, lowerHeaders, request, secrets } from './helpers.js';

const CREDS = { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET };
const AMZ_DATE = '20240229T123456Z';
const NOW = Date.UTC(2024, 1, 29, 12, 34, 56);
const OPTS = { resolveSecret: secrets({ [AWS_KEY]: AWS_SECRET }), now: () => NOW };

/** How the AWS SDKs encode a path segment or query component (RFC 3986 unreserved kept). */
const encode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const special = fc.constantFrom(' ', '+', '%', '~', '*', "'", '(', ')', '!', '?', '#', '&', '=', ';', ':', '@', 'é', '⛵', '😀', '%2F', '%41');
const text = (maxLength: number) => fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 4 }), special), { maxLength }).map((a) => a.join(''));
const segments = fc.array(text(4), { minLength: 1, maxLength: 4 });
const queryKey = fc.string({ unit: 'grapheme-ascii', maxLength: 6 }).map((s) => `q${s}`);
const headerValue = fc.array(fc.constantFrom('a', 'B', '9', ' ', '  ', '\t', '-', '"', ',', '='), { maxLength: 12 }).map((a) => a.join(''));
const method = fc.constantFrom('GET', 'PUT', 'HEAD', 'DELETE', 'POST');

function received(signedReq: { method?: string; path?: string; headers?: Record<string, unknown> }) {
  const [rawPath = '/', rawQuery = ''] = (signedReq.path ?? '/').split(/\?(.*)/s);
  return request({ method: signedReq.method ?? 'GET', rawPath, rawQuery, headers: lowerHeaders(signedReq.headers ?? {}) });
}

test('header auth: any path, unique query keys, empty values and spaced header values verify (aws4, service s3)', async () => {
  await fc.assert(
    fc.asyncProperty(
      method,
      segments,
      fc.uniqueArray(fc.tuple(queryKey, text(3)), { selector: ([k]) => k, maxLength: 4 }),
      fc.dictionary(fc.stringMatching(/^[a-z0-9]{1,6}$/), headerValue, { maxKeys: 3 }),
      async (m, segs, query, meta) => {
        const qs = query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
        const headers: Record<string, string> = { 'X-Amz-Date': AMZ_DATE, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' };
        for (const [k, v] of Object.entries(meta)) headers[`x-amz-meta-${k}`] = v;
        const s = aws4.sign(
          { service: 's3', region: 'eu-central-1', method: m, host: 'gateway.test:9000', path: `/${segs.map(encode).join('/')}${qs ? `?${qs}` : ''}`, headers },
          CREDS,
        );
        const req = received(s);
        assert.equal(await authCode(req, OPTS), 'ok', `${s.method} ${s.path}`);
        // Any change to the path is caught.
        assert.equal(await authCode({ ...req, rawPath: `${req.rawPath}x` }, OPTS), 'SignatureDoesNotMatch');
      },
    ),
    { numRuns: 200 },
  );
});

test('header auth: repeated query keys with empty values verify (aws4 sorts them; service other than s3)', async () => {
  // aws4 keeps only the first value of a repeated key for s3; for other services it signs
  // them all, sorted, as AWS specifies. The scope's service is not checked by keepgate.
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'prefix', 'x-id'), fc.constantFrom('', '1', '2', 'a b', 'é', '~')), { maxLength: 6 }), async (pairs) => {
      const qs = pairs.map(([k, v]) => (v === '' && k === 'b' ? k : `${k}=${encode(v)}`)).join('&');
      const s = aws4.sign(
        { service: 'execute-api', region: 'us-east-1', method: 'GET', host: 'gateway.test', path: `/${qs ? `?${qs}` : ''}`, headers: { 'X-Amz-Date': AMZ_DATE, 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
        CREDS,
      );
      assert.equal(await authCode(received(s), OPTS), 'ok', s.path);
    }),
    { numRuns: 200 },
  );
});

function presign(path: string, expires: number, headers: Record<string, string> = {}) {
  const sep = path.includes('?') ? '&' : '?';
  return aws4.sign({ service: 's3', region: 'us-east-1', method: 'GET', host: 'gateway.test', path: `${path}${sep}X-Amz-Date=${AMZ_DATE}&X-Amz-Expires=${expires}`, signQuery: true, headers }, CREDS);
}

test('presigned URLs (aws4 signQuery): valid until X-Amz-Expires, then "Request has expired"; tampering caught', async () => {
  await fc.assert(
    fc.asyncProperty(segments, fc.integer({ min: 1, max: 604800 }), async (segs, expires) => {
      const s = presign(`/${segs.map(encode).join('/')}?response-content-type=${encode('text/plain; x')}`, expires);
      const req = received(s);
      assert.equal(await authCode(req, OPTS), 'ok', s.path);
      assert.equal(await authCode(req, { ...OPTS, now: () => NOW + expires * 1000 }), 'ok', 'last second');
      assert.equal(await authCode(req, { ...OPTS, now: () => NOW + expires * 1000 + 1000 }), 'AccessDenied');
      const tampered = req.rawQuery.replace('response-content-type=', 'response-content-type=x');
      assert.equal(await authCode({ ...req, rawQuery: tampered }, OPTS), 'SignatureDoesNotMatch');
    }),
    { numRuns: 100 },
  );
});

test('presigned URLs: the expiry message, signed headers, and malformed parameters', async () => {
  const s = presign('/b/k', 60, { 'x-amz-meta-a': 'v' });
  const req = received(s);
  assert.equal(await authCode(req, OPTS), 'ok');
  const h = req.headers as Record<string, string>;
  assert.equal(await authCode({ ...req, headers: { ...h, 'x-amz-meta-a': 'w' } }, OPTS), 'SignatureDoesNotMatch');
  const { authenticate } = await import('../../../../src/s3/auth/authenticate.js');
  await assert.rejects(authenticate(req, { ...OPTS, now: () => NOW + 3_600_000 }), { code: 'AccessDenied', message: 'Request has expired' });
  // Signed in the future beyond the allowed skew: not valid yet.
  assert.equal(await authCode(req, { ...OPTS, now: () => NOW - 16 * 60_000 }), 'AccessDenied');
  for (const [name, value] of [
    ['Expires', '0'],
    ['Expires', '604801'],
    ['Expires', 'soon'],
    ['Date', '2024'],
    ['Algorithm', 'HMAC'],
    ['Credential', 'nobody'],
    ['SignedHeaders', 'Host'],
  ] as const) {
    const rawQuery = req.rawQuery.replace(new RegExp(`X-Amz-${name}=[^&]*`), `X-Amz-${name}=${value}`);
    assert.equal(await authCode({ ...req, rawQuery }, OPTS), 'AuthorizationQueryParametersError', `${name}=${value}`);
  }
  const withoutSignature = req.rawQuery.replace(/&?X-Amz-Signature=[0-9a-f]+/, '');
  assert.equal(await authCode({ ...req, rawQuery: withoutSignature }, OPTS), 'AuthorizationQueryParametersError');
});
