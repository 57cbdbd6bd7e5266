import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import aws4 from 'aws4';
import { DomainError } from '../../../../src/common/errors.js';
import { authenticate } from '../../../../src/s3/auth/authenticate.js';
import { SigningKeyCache, deriveSigningKey } from '../../../../src/s3/auth/signing.js';
import { AWS_KEY, AWS_SECRET, authCode, lowerHeaders, request, secrets } from './helpers.js';

const NOW = Date.UTC(2024, 1, 29, 12, 0, 0);
const AMZ_DATE = '20240229T120000Z';
const OPTS = { resolveSecret: secrets({ [AWS_KEY]: AWS_SECRET }), now: () => NOW };
const CREDS = { accessKeyId: AWS_KEY, secretAccessKey: AWS_SECRET };

function signedPut(contentSha256: string, extra: Record<string, string> = {}) {
  const s = aws4.sign(
    { service: 's3', region: 'us-east-1', method: 'PUT', host: 'gw.test', path: '/b/k', headers: { 'X-Amz-Date': AMZ_DATE, 'X-Amz-Content-Sha256': contentSha256, ...extra } },
    CREDS,
  );
  return request({ method: 'PUT', rawPath: '/b/k', headers: lowerHeaders(s.headers!) });
}

test('anonymous requests are refused with AccessDenied', async () => {
  assert.equal(await authCode(request({ headers: { host: 'gw.test' } }), OPTS), 'AccessDenied');
  assert.equal(await authCode(request({ rawQuery: 'list-type=2', headers: { host: 'gw.test', authorization: '' } }), OPTS), 'AccessDenied');
});

test('which scheme: two at once is InvalidRequest, an unknown one InvalidRequest, SigV4a NotImplemented', async () => {
  const v4 = signedPut('UNSIGNED-PAYLOAD');
  assert.equal(await authCode({ ...v4, rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }, OPTS), 'InvalidRequest');
  assert.equal(await authCode({ ...v4, rawQuery: `AWSAccessKeyId=${AWS_KEY}` }, OPTS), 'InvalidRequest');
  assert.equal(await authCode(request({ headers: { host: 'h', authorization: 'Bearer abc' } }), OPTS), 'InvalidRequest');
  const sigv4a = 'AWS4-ECDSA-P256-SHA256 Credential=AKIA/20240229/s3/aws4_request, SignedHeaders=host, Signature=3045';
  assert.equal(await authCode(request({ headers: { host: 'h', authorization: sigv4a } }), OPTS), 'NotImplemented');
  assert.equal(await authCode(request({ rawQuery: 'X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=a', headers: { host: 'h' } }), OPTS), 'NotImplemented');
});

test('payload modes: unsupported streaming modes are NotImplemented whatever the signature; garbage is InvalidArgument', async () => {
  const bogus = (sha: string) => ({ ...signedPut('UNSIGNED-PAYLOAD'), headers: { ...signedPut('UNSIGNED-PAYLOAD').headers, 'x-amz-content-sha256': sha } });
  assert.equal(await authCode(bogus('STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD'), OPTS), 'NotImplemented');
  assert.equal(await authCode(bogus('STREAMING-SOMETHING-NEW'), OPTS), 'NotImplemented');
  assert.equal(await authCode(bogus('not-a-hash'), OPTS), 'InvalidArgument');
  // Signed chunks chain from an Authorization-header signature; SigV2 has none.
  const date = new Date(NOW).toUTCString();
  const v2 = (sha: string) => {
    const sig = createHmac('sha1', AWS_SECRET).update(`PUT\n\n\n${date}\nx-amz-content-sha256:${sha}\n/b/k`).digest('base64');
    return request({ method: 'PUT', rawPath: '/b/k', headers: { host: 'h', date, authorization: `AWS ${AWS_KEY}:${sig}`, 'x-amz-content-sha256': sha } });
  };
  assert.equal(await authCode(v2('STREAMING-AWS4-HMAC-SHA256-PAYLOAD'), OPTS), 'NotImplemented');
  const v2unsigned = v2('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
  assert.deepEqual((await authenticate(v2unsigned, OPTS)).payload, { kind: 'aws-chunked', trailer: true, signing: null });
});

test('every payload mode of a SigV4 header request, with what chunk verification needs', async () => {
  const keys = new SigningKeyCache();
  for (const [value, kind, trailer] of [
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'aws-chunked', false],
    ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'aws-chunked', true],
  ] as const) {
    const req = signedPut(value, { 'x-amz-decoded-content-length': '10', 'content-encoding': 'aws-chunked' });
    const r = await authenticate(req, { ...OPTS, signingKeys: keys });
    assert.equal(r.payload.kind, kind);
    assert.ok(r.payload.kind === 'aws-chunked' && r.payload.signing);
    assert.equal(r.payload.trailer, trailer);
    const signature = /Signature=([0-9a-f]{64})/.exec(req.headers.authorization!)![1];
    assert.deepEqual(r.payload.signing, {
      signingKey: deriveSigningKey(AWS_SECRET, { date: '20240229', region: 'us-east-1', service: 's3' }),
      seedSignature: signature,
      scope: '20240229/us-east-1/s3/aws4_request',
      amzDate: AMZ_DATE,
    });
    assert.equal(r.payloadHashHeader, value);
  }
  assert.equal(keys.size, 1, 'one derived key for one secret and scope');
  assert.deepEqual((await authenticate(signedPut('STREAMING-UNSIGNED-PAYLOAD-TRAILER'), OPTS)).payload, { kind: 'aws-chunked', trailer: true, signing: null });
  assert.deepEqual((await authenticate(signedPut('UNSIGNED-PAYLOAD'), OPTS)).payload, { kind: 'unsigned' });
  const hex = 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855';
  assert.deepEqual((await authenticate(signedPut(hex), OPTS)).payload, { kind: 'sha256', sha256Hex: hex.toLowerCase() });
});

test('presigned URLs report their hoisted headers (the JS SDK puts checksums in the query)', async () => {
  const s = aws4.sign(
    {
      service: 's3', region: 'us-east-1', method: 'PUT', host: 'gw.test', signQuery: true,
      path: `/b/k?x-amz-checksum-crc32=AAAAAA%3D%3D&x-amz-sdk-checksum-algorithm=CRC32&X-Amz-Date=${AMZ_DATE}&X-Amz-Expires=900&x-id=PutObject`,
    },
    CREDS,
  );
  const [rawPath, rawQuery] = s.path!.split('?') as [string, string];
  const r = await authenticate(request({ method: 'PUT', rawPath, rawQuery, headers: { host: 'gw.test' } }), OPTS);
  assert.equal(r.location, 'query');
  assert.deepEqual(r.queryHeaders, { 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-sdk-checksum-algorithm': 'CRC32' });
  assert.deepEqual(r.payload, { kind: 'unsigned' });
  assert.equal(r.token, `token-of-${AWS_KEY}`);
});

test('a failing secret lookup propagates as it is (the caller maps it), not as an auth error', async () => {
  const failing = async (): Promise<never> => {
    throw new DomainError('Unavailable', 'API server unreachable');
  };
  await assert.rejects(authenticate(signedPut('UNSIGNED-PAYLOAD'), { ...OPTS, resolveSecret: failing }), (e: unknown) => e instanceof DomainError && e.kind === 'Unavailable');
});
