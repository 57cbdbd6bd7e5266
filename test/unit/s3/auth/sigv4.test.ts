import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { authenticate } from '../../../../src/s3/auth/authenticate.js';
import { canonicalQuery, canonicalUri, splitQuery } from '../../../../src/s3/auth/canonical.js';
import { SigningKeyCache, deriveSigningKey } from '../../../../src/s3/auth/signing.js';
import { canonicalHeaders, canonicalRequest, parseAuthorizationV4, stringToSign } from '../../../../src/s3/auth/sigv4.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { AWS_KEY, AWS_SECRET, authCode, fixture, request, secrets } from './helpers.js';

interface SigVector {
  id: string;
  request?: { method: string; host: string; path: string; query: string; headers: Record<string, string> };
  access_key?: string;
  secret_key?: string;
  scope?: string;
  signed_headers?: string;
  canonical_request?: string;
  string_to_sign?: string;
  signature?: string;
  authorization?: string;
  query_pairs_decoded?: Array<[string, string]>;
  canonical_query?: string;
}
interface SigV4Fixture {
  normalize_path: { vectors: Array<{ raw_request_path: string; canonical_uri: string }> };
  signatures: SigVector[];
}

const F = fixture<SigV4Fixture>('s3-sigv4.json');
const vector = (id: string): SigVector => F.signatures.find((s) => s.id === id)!;
const MAY_24_2013 = Date.UTC(2013, 4, 24);

test('canonical URI: the fixture vectors (escapes re-spelled, never normalised)', () => {
  for (const v of F.normalize_path.vectors) assert.equal(canonicalUri(v.raw_request_path), v.canonical_uri, v.raw_request_path);
  assert.equal(canonicalUri('/a%2Bb+c%20d'), '/a%2Bb%2Bc%20d', "'+' in a path is a plus sign");
  assert.equal(canonicalUri('/100%'), '/100%25', 'a stray % is a literal');
  assert.equal(canonicalUri('/%e2%9b%b5%7e'), '/%E2%9B%B5~');
  assert.equal(canonicalUri(''), '/');
});

test('canonical query: the fixture vectors; repeated keys are sorted by value, as AWS does', () => {
  const basic = vector('canonical-query-basic');
  const raw = basic.query_pairs_decoded!.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  assert.equal(canonicalQuery(splitQuery(raw)), basic.canonical_query);
  // keep-web keeps request order for repeated keys ("a=2&a=1&b="); AWS sorts the values.
  assert.equal(canonicalQuery(splitQuery('a=2&a=1&b')), 'a=1&a=2&b=');
  assert.equal(canonicalQuery(splitQuery('prefix=a+b&x=%7e&&location')), 'location=&prefix=a%20b&x=~');
  assert.equal(canonicalQuery(splitQuery('X-Amz-Signature=abc&k=v'), 'X-Amz-Signature'), 'k=v');
});

test("AWS's published GET example (fixture standard-get-object): every intermediate value and the signature", async () => {
  const v = vector('standard-get-object');
  const r = v.request!;
  const auth = parseAuthorizationV4(v.authorization!);
  assert.equal(auth.accessKey, v.access_key);
  assert.equal(auth.signedHeaders.join(';'), v.signed_headers);
  const canonical = canonicalRequest({
    method: r.method,
    uri: canonicalUri(r.path),
    query: canonicalQuery(splitQuery(r.query)),
    headers: canonicalHeaders(auth.signedHeaders, { headers: { ...r.headers, host: r.host }, host: r.host }),
    signedHeaders: auth.signedHeaders,
    payloadHash: r.headers['x-amz-content-sha256']!,
  });
  assert.equal(canonical, v.canonical_request);
  assert.equal(stringToSign(r.headers['x-amz-date']!, v.scope!, canonical), v.string_to_sign);
  const result = await authenticate(
    request({ method: r.method, rawPath: r.path, rawQuery: r.query, headers: { ...r.headers, host: r.host, authorization: v.authorization! } }),
    { resolveSecret: secrets({ [AWS_KEY]: AWS_SECRET }), now: () => MAY_24_2013 },
  );
  assert.equal(result.principal, `user:${AWS_KEY}`);
  assert.equal(result.signatureVersion, 'v4');
  assert.equal(result.location, 'header');
  assert.deepEqual(result.payload, { kind: 'sha256', sha256Hex: r.headers['x-amz-content-sha256'] });
});

test('keep-web style vector (Date header, no x-amz-date, no payload hash): the pieces match, the request is refused', async () => {
  const v = vector('keepweb-test-helper-style-date-header');
  const r = v.request!;
  const signed = v.signed_headers!.split(';');
  const canonical = canonicalRequest({
    method: r.method,
    uri: canonicalUri(r.path),
    query: '',
    headers: canonicalHeaders(signed, { headers: r.headers, host: r.host }),
    signedHeaders: signed,
    payloadHash: '',
  });
  assert.equal(canonical, v.canonical_request);
  // keep-web leaves the timestamp line empty when only Date is sent.
  const toSign = stringToSign('', v.scope!, canonical);
  assert.equal(toSign, v.string_to_sign);
  const [date, region, service] = v.scope!.split('/') as [string, string, string];
  assert.equal(createHmac('sha256', deriveSigningKey(v.secret_key!, { date, region, service })).update(toSign).digest('hex'), v.signature);
  // keepgate follows AWS: S3 requests must carry x-amz-content-sha256.
  const authorization = `AWS4-HMAC-SHA256 Credential=${v.access_key}/${v.scope}, SignedHeaders=date, Signature=${v.signature}`;
  const code = await authCode(request({ headers: { ...r.headers, host: r.host, authorization } }), {
    resolveSecret: secrets({ [v.access_key!]: v.secret_key! }),
    now: () => Date.parse(r.headers.date!),
  });
  assert.equal(code, 'InvalidRequest');
});

const sha256Hex = (s: string): string => createHash('sha256').update(s).digest('hex');

interface SignOptions {
  path?: string;
  query?: string;
  headers?: Record<string, string>;
  date?: string;
  /** Send the timestamp in x-amz-date (default) or only in the given Date header. */
  dateHeader?: string;
  secret?: string;
  region?: string;
  service?: string;
  method?: string;
}

/** A request signed by hand (AWS's algorithm written out here, independent of sigv4.ts). */
function signed(opts: SignOptions) {
  const amzDate = opts.date ?? '20130524T000000Z';
  const [region, service] = [opts.region ?? 'us-east-1', opts.service ?? 's3'];
  const headers: Record<string, string> = {
    host: 'gw.example:9000',
    ...(opts.dateHeader === undefined ? { 'x-amz-date': amzDate } : { date: opts.dateHeader }),
    'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
    ...opts.headers,
  };
  const names = Object.keys(headers).sort();
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const canonical = [
    opts.method ?? 'GET',
    opts.path ?? '/bucket/key',
    opts.query ?? '',
    names.map((n) => `${n}:${headers[n]!.trim()}\n`).join(''),
    names.join(';'),
    headers['x-amz-content-sha256'],
  ].join('\n');
  const key = deriveSigningKey(opts.secret ?? AWS_SECRET, { date: amzDate.slice(0, 8), region, service });
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const sig = createHmac('sha256', key).update(toSign).digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${AWS_KEY}/${scope}, SignedHeaders=${names.join(';')}, Signature=${sig}`;
  return request({ method: opts.method ?? 'GET', rawPath: opts.path ?? '/bucket/key', rawQuery: opts.query ?? '', headers });
}

const OPTS = { resolveSecret: secrets({ [AWS_KEY]: AWS_SECRET }), now: () => MAY_24_2013 };

test('tampering with any signed part is SignatureDoesNotMatch; an unknown key is InvalidAccessKeyId', async () => {
  const base = signed({ query: 'list-type=2&prefix=a', headers: { 'x-amz-meta-a': 'one' } });
  assert.equal(await authCode(base, OPTS), 'ok');
  const h = base.headers as Record<string, string>;
  assert.equal(await authCode({ ...base, method: 'PUT' }, OPTS), 'SignatureDoesNotMatch');
  assert.equal(await authCode({ ...base, rawPath: '/bucket/other' }, OPTS), 'SignatureDoesNotMatch');
  assert.equal(await authCode({ ...base, rawQuery: 'list-type=2&prefix=b' }, OPTS), 'SignatureDoesNotMatch');
  assert.equal(await authCode({ ...base, headers: { ...h, 'x-amz-meta-a': 'two' } }, OPTS), 'SignatureDoesNotMatch');
  assert.equal(await authCode({ ...base, headers: { ...h, host: 'evil.example' } }, OPTS), 'SignatureDoesNotMatch');
  assert.equal(await authCode({ ...base, headers: { ...h, 'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } }, OPTS), 'SignatureDoesNotMatch');
  assert.equal(await authCode(base, { ...OPTS, resolveSecret: secrets({ [AWS_KEY]: 'another secret' }) }), 'SignatureDoesNotMatch');
  assert.equal(await authCode(base, { ...OPTS, resolveSecret: secrets({}) }), 'InvalidAccessKeyId');
  // An unsigned header may change freely.
  assert.equal(await authCode({ ...base, headers: { ...h, 'user-agent': 'anything' } }, OPTS), 'ok');
});

test('a SignatureDoesNotMatch error carries the string to sign and canonical request (AWS does too)', async () => {
  const base = signed({});
  const err = await authenticate({ ...base, method: 'DELETE' }, OPTS).catch((e: unknown) => e);
  assert.ok(err instanceof S3Error && err.status === 403);
  assert.match(err.extra.CanonicalRequest!, /^DELETE\n\/bucket\/key\n/);
  assert.match(err.extra.StringToSign!, /^AWS4-HMAC-SHA256\n20130524T000000Z\n/);
});

test('clock skew: 15 minutes either way is accepted, more is RequestTimeTooSkewed', async () => {
  const base = signed({});
  for (const minutes of [-15, -1, 0, 14, 15]) assert.equal(await authCode(base, { ...OPTS, now: () => MAY_24_2013 + minutes * 60_000 }), 'ok', `${minutes} min`);
  for (const minutes of [-16, 16, 60 * 24]) {
    assert.equal(await authCode(base, { ...OPTS, now: () => MAY_24_2013 + minutes * 60_000 }), 'RequestTimeTooSkewed', `${minutes} min`);
  }
  assert.equal(await authCode(base, { ...OPTS, now: () => MAY_24_2013 + 2 * 60_000, maxSkewSeconds: 60 }), 'RequestTimeTooSkewed');
});

test('any region and service in the scope verify', async () => {
  for (const [region, service] of [['us-east-1', 's3'], ['zzzzz', 's3'], ['auto', 's3'], ['eu-west-3', 'service']]) {
    const code = await authCode(signed({ region, service }), OPTS);
    assert.equal(code, 'ok', `${region}/${service}`);
  }
});

test('a path signed exactly as sent verifies even when AWS would spell its escapes differently', async () => {
  // lower-case escapes and an escaped unreserved character, signed verbatim by the client
  assert.equal(await authCode(signed({ path: '/bucket/a%2ab%7Ec' }), OPTS), 'ok');
  // and the AWS spelling of a raw path sent unescaped
  const req = signed({ path: '/bucket/%28x%29' });
  assert.equal(await authCode({ ...req, rawPath: '/bucket/(x)' }, OPTS), 'ok');
});

test('the Date header stands in for a missing x-amz-date; neither is AccessDenied', async () => {
  const req = signed({ dateHeader: 'Fri, 24 May 2013 00:00:00 GMT' });
  assert.equal(await authCode(req, OPTS), 'ok');
  const h = req.headers as Record<string, string>;
  assert.equal(await authCode({ ...req, headers: { ...h, date: 'Fri, 24 May 2013 00:00:01 GMT' } }, OPTS), 'SignatureDoesNotMatch');
  assert.equal(await authCode({ ...req, headers: { ...h, date: 'yesterday-ish' } }, OPTS), 'AccessDenied');
  assert.equal(await authCode(signed({ date: '20130532T000000Z' }), OPTS), 'AccessDenied', 'no 32nd of May');
});

test('malformed Authorization headers and missing x-amz-content-sha256 are InvalidRequest', async () => {
  const base = signed({});
  const h = base.headers as Record<string, string>;
  const bad = [
    'AWS4-HMAC-SHA256 Credential=AKIA/20130524/us-east-1/s3/aws4_request, SignedHeaders=host',
    'AWS4-HMAC-SHA256 Credential=AKIA/20130524/us-east-1/s3/aws4_request,SignedHeaders=host,Signature=ab,Signature=cd',
    'AWS4-HMAC-SHA256 Credential=AKIA/2013/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab',
    'AWS4-HMAC-SHA256 Credential=AKIA/20130524/us-east-1/s3/aws4, SignedHeaders=host, Signature=ab',
    'AWS4-HMAC-SHA256 Credential=AKIA/20130524/us-east-1/s3/aws4_request, SignedHeaders=Host;X, Signature=ab',
    'AWS4-HMAC-SHA256 garbage',
  ];
  for (const authorization of bad) assert.equal(await authCode({ ...base, headers: { ...h, authorization } }, OPTS), 'InvalidRequest', authorization);
  const noHash = { ...h };
  delete noHash['x-amz-content-sha256'];
  assert.equal(await authCode({ ...base, headers: noHash }, OPTS), 'InvalidRequest');
});

test('an access key containing "/" is read from the credential scope from the right', () => {
  const a = parseAuthorizationV4('AWS4-HMAC-SHA256 Credential=v2/zzzzz-gj3su-077z32aux8dg2s1/secret/20200202/r/s3/aws4_request,SignedHeaders=host,Signature=AB');
  assert.equal(a.accessKey, 'v2/zzzzz-gj3su-077z32aux8dg2s1/secret');
  assert.deepEqual(a.scope, { date: '20200202', region: 'r', service: 's3' });
  assert.equal(a.signature, 'ab');
});

test('the signing-key cache reuses derived keys and stays bounded', () => {
  const cache = new SigningKeyCache({ maxEntries: 3 });
  const scope = { date: '20130524', region: 'us-east-1', service: 's3' };
  const k = cache.get(AWS_SECRET, scope);
  assert.equal(cache.get(AWS_SECRET, scope), k, 'same Buffer: not derived again');
  assert.deepEqual(k, deriveSigningKey(AWS_SECRET, scope));
  for (let i = 0; i < 10; i++) cache.get(AWS_SECRET, { ...scope, region: `r${i}` });
  assert.equal(cache.size, 3);
});

test('a signed header named like an Object.prototype member is read like any other header', async () => {
  assert.equal(await authCode(signed({ headers: { constructor: 'c' } }), OPTS), 'ok');
  const base = signed({});
  const h = base.headers as Record<string, string>;
  const authorization = h.authorization!.replace('SignedHeaders=', 'SignedHeaders=__proto__;constructor;');
  assert.equal(await authCode({ ...base, headers: { ...h, authorization } }, OPTS), 'SignatureDoesNotMatch');
});
