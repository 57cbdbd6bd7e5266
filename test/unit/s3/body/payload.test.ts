import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { HashPool, type StreamHasher } from '../../../../src/common/hash-pool.js';
import { authenticate } from '../../../../src/s3/auth/authenticate.js';
import type { AuthResult, PayloadMode } from '../../../../src/s3/auth/types.js';
import { CHECKSUM_ALGORITHMS, createChecksummer } from '../../../../src/s3/body/checksums.js';
import { openRequestBody, type HashFactory, type IncrementalHash, type RequestBody } from '../../../../src/s3/body/payload.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { encodeAwsChunked } from './chunked-encoder.js';

type Headers = Record<string, string>;
const UNSIGNED: PayloadMode = { kind: 'unsigned' };
const TRAILER: PayloadMode = { kind: 'aws-chunked', trailer: true, signing: null };

async function* pieces(...bufs: Buffer[]): AsyncGenerator<Buffer> {
  for (const b of bufs) yield b;
}

function open(body: Buffer | Buffer[], headers: Headers, payload: PayloadMode = UNSIGNED, queryHeaders: Headers = {}, computeMd5 = false): RequestBody {
  const bufs = Array.isArray(body) ? body : [body];
  return openRequestBody(pieces(...bufs), headers, { payload, queryHeaders }, { computeMd5 });
}

async function consume(b: RequestBody): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const s of b.payload) out.push(s);
  return Buffer.concat(out);
}

/** Reads the body and verifies it; the S3 error code, or 'ok'. */
async function outcome(b: RequestBody): Promise<string> {
  try {
    await consume(b);
    await b.verify();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof S3Error, String(err));
    return err.code;
  }
}

function openCode(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof S3Error, String(err));
    return err.code;
  }
}

const DATA = Buffer.from('hello, keepgate');
const b64 = (alg: string, d: Buffer): string => createHash(alg).update(d).digest('base64');
const crc32b64 = (d: Buffer): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(d));
  return out.toString('base64');
};

test('a hex x-amz-content-sha256 is verified: XAmzContentSHA256Mismatch when the body differs', async () => {
  const sha = createHash('sha256').update(DATA).digest('hex');
  assert.equal(await outcome(open(DATA, {}, { kind: 'sha256', sha256Hex: sha })), 'ok');
  assert.equal(await outcome(open(Buffer.from('hello, keepgatE'), {}, { kind: 'sha256', sha256Hex: sha })), 'XAmzContentSHA256Mismatch');
});

test('Content-MD5: verified (BadDigest), malformed is InvalidDigest before any byte is read', async () => {
  assert.equal(await outcome(open(DATA, { 'content-md5': b64('md5', DATA) })), 'ok');
  assert.equal(await outcome(open(DATA, { 'content-md5': b64('md5', Buffer.from('other')) })), 'BadDigest');
  assert.equal(openCode(() => open(DATA, { 'content-md5': 'abc' })), 'InvalidDigest');
  assert.equal(openCode(() => open(DATA, { 'content-md5': Buffer.alloc(20).toString('base64') })), 'InvalidDigest');
});

test('x-amz-checksum-* headers, all five algorithms: a match passes and is echoed, a mismatch is BadDigest', async () => {
  // Expected values from the checksums checked against their catalogue values in checksums.test.ts.
  for (const alg of CHECKSUM_ALGORITHMS) {
    const c = createChecksummer(alg);
    c.update(DATA);
    const value = c.digest().toString('base64');
    const name = `x-amz-checksum-${alg.toLowerCase()}`;
    const b = open(DATA, { [name]: value, 'x-amz-sdk-checksum-algorithm': alg });
    await consume(b);
    assert.deepEqual((await b.verify()).checksum, { algorithm: alg, value }, alg);
    assert.equal(await outcome(open(Buffer.from('hello, keepgatE'), { [name]: value })), 'BadDigest', alg);
  }
  assert.equal(await outcome(open(DATA, { 'x-amz-checksum-sha1': b64('sha1', DATA) })), 'ok', 'against node:crypto');
});

test('R1.5 consistency: malformed or contradictory checksum headers are InvalidRequest', () => {
  const crc = crc32b64(DATA);
  const cases: Array<[string, Headers, PayloadMode]> = [
    ['malformed value', { 'x-amz-checksum-crc32': 'nope' }, UNSIGNED],
    ['two checksums', { 'x-amz-checksum-crc32': crc, 'x-amz-checksum-sha1': b64('sha1', DATA) }, UNSIGNED],
    ['algorithm without checksum', { 'x-amz-sdk-checksum-algorithm': 'CRC32' }, UNSIGNED],
    ['algorithm not matching', { 'x-amz-sdk-checksum-algorithm': 'CRC32C', 'x-amz-checksum-crc32': crc }, UNSIGNED],
    ['unknown algorithm', { 'x-amz-sdk-checksum-algorithm': 'MD5', 'x-amz-checksum-crc32': crc }, UNSIGNED],
    ['trailer and header', { 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-checksum-crc32': crc }, TRAILER],
    ['trailer without a trailer mode', { 'x-amz-trailer': 'x-amz-checksum-crc32' }, UNSIGNED],
    ['unsupported trailer', { 'x-amz-trailer': 'x-amz-meta-foo' }, TRAILER],
    ['bad decoded length', { 'x-amz-decoded-content-length': '-1' }, TRAILER],
  ];
  for (const [why, headers, mode] of cases) {
    const code = openCode(() => open(DATA, headers, mode));
    assert.ok(code === 'InvalidRequest' || (why === 'bad decoded length' && code === 'InvalidArgument'), `${why}: ${code}`);
  }
  // Headers that only ride along are never refused (R1.4).
  assert.equal(openCode(() => open(DATA, { 'x-amz-checksum-mode': 'ENABLED', 'x-amz-checksum-type': 'FULL_OBJECT', 'x-amz-checksum-algorithm': 'CRC32' })), 'ok');
});

test('STREAMING-UNSIGNED-PAYLOAD-TRAILER: decoded, CRC32 trailer verified, decoded length checked', async () => {
  const payload = Buffer.alloc(3000, 'p');
  const enc = (value: string): Buffer => encodeAwsChunked(payload, { chunkSize: 1024, trailers: [['x-amz-checksum-crc32', value]] }).body;
  const headers = { 'x-amz-trailer': 'x-amz-checksum-crc32', 'x-amz-decoded-content-length': '3000', 'x-amz-sdk-checksum-algorithm': 'CRC32' };
  const ok = open(enc(crc32b64(payload)), headers, TRAILER);
  assert.deepEqual(await consume(ok), payload);
  assert.deepEqual((await ok.verify()).checksum, { algorithm: 'CRC32', value: crc32b64(payload) });
  assert.equal(ok.expectedLength, 3000);
  assert.equal(await outcome(open(enc('AAAAAA=='), headers, TRAILER)), 'BadDigest');
  assert.equal(await outcome(open(enc('bad'), headers, TRAILER)), 'InvalidRequest');
  assert.equal(await outcome(open(enc(crc32b64(payload)), { ...headers, 'x-amz-decoded-content-length': '3001' }, TRAILER)), 'IncompleteBody');
  assert.equal(await outcome(open(enc(crc32b64(payload)), { ...headers, 'x-amz-decoded-content-length': '2999' }, TRAILER)), 'InvalidRequest');
  // Declared but not sent; sent but not declared.
  const bare = encodeAwsChunked(payload, { chunkSize: 1024, trailer: true }).body;
  assert.equal(await outcome(open(bare, headers, TRAILER)), 'InvalidRequest');
  assert.equal(await outcome(open(enc(crc32b64(payload)), {}, TRAILER)), 'InvalidRequest');
  // Truncated encoding.
  assert.equal(await outcome(open(enc(crc32b64(payload)).subarray(0, 2000), headers, TRAILER)), 'IncompleteBody');
});

test('an empty aws-chunked body with x-amz-decoded-content-length: 0', async () => {
  const body = encodeAwsChunked(Buffer.alloc(0), { chunkSize: 1, trailers: [['x-amz-checksum-crc32', 'AAAAAA==']] }).body;
  const b = open(body, { 'x-amz-decoded-content-length': '0', 'x-amz-trailer': 'x-amz-checksum-crc32' }, TRAILER);
  assert.equal((await consume(b)).length, 0);
  assert.equal((await b.verify()).length, 0);
});

test('presigned PUT with a hoisted CRC32 of the empty body: BadDigest for any other body (R1.10)', async () => {
  const hoisted = { 'x-amz-checksum-crc32': 'AAAAAA==', 'x-amz-sdk-checksum-algorithm': 'CRC32' };
  assert.equal(await outcome(open(Buffer.alloc(0), {}, UNSIGNED, hoisted)), 'ok');
  assert.equal(await outcome(open(DATA, {}, UNSIGNED, hoisted)), 'BadDigest');
});

test('Content-Length accounting for plain bodies, and a source that fails is IncompleteBody', async () => {
  assert.equal(await outcome(open(DATA, { 'content-length': String(DATA.length + 1) })), 'IncompleteBody');
  assert.equal(await outcome(open(DATA, { 'content-length': String(DATA.length) })), 'ok');
  async function* broken(): AsyncGenerator<Buffer> {
    yield DATA;
    throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
  }
  assert.equal(await outcome(openRequestBody(broken(), {}, { payload: UNSIGNED, queryHeaders: {} })), 'IncompleteBody');
});

test('verify() before the body was read refuses, and MD5 is returned when asked for', async () => {
  const b = open(DATA, {}, UNSIGNED, {}, true);
  await assert.rejects(b.verify(), /before the request body was read/);
  await consume(b);
  const v = await b.verify();
  assert.equal(v.md5?.toString('hex'), createHash('md5').update(DATA).digest('hex'));
  assert.equal(v.length, DATA.length);
  assert.equal((await (async () => { const p = open(DATA, {}); await consume(p); return p.verify(); })()).md5, undefined);
});

test('the hash implementation is injected: MD5 and SHA-256 go through it, cancelled on failure', async () => {
  const used: string[] = [];
  let cancelled = 0;
  const hasher: HashFactory = (alg) => {
    used.push(alg);
    const h = createHash(alg);
    return { update: (d) => void h.update(d), digest: async () => h.digest(), cancel: () => void cancelled++ };
  };
  const sha = createHash('sha256').update(DATA).digest('hex');
  const b = openRequestBody(pieces(DATA), { 'content-md5': b64('md5', DATA) }, { payload: { kind: 'sha256', sha256Hex: sha }, queryHeaders: {} }, { hasher });
  await consume(b);
  await b.verify();
  assert.deepEqual(used.sort(), ['md5', 'sha256']);
  const failing = openRequestBody(pieces(Buffer.from('0\r\nbad')), {}, { payload: TRAILER, queryHeaders: {} }, { hasher, computeMd5: true });
  await assert.rejects(consume(failing), (e: unknown) => e instanceof S3Error);
  assert.equal(cancelled, 1);
});

test('HashPool streams plug in as the hasher', async () => {
  const pool = new HashPool({ threads: 1, inlineBelowBytes: 1024 });
  try {
    const hasher: HashFactory = (alg): IncrementalHash => pool.stream(alg) satisfies StreamHasher;
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, 'k');
    const sha = createHash('sha256').update(big).digest('hex');
    const b = openRequestBody(pieces(big.subarray(0, 1000), big.subarray(1000)), {}, { payload: { kind: 'sha256', sha256Hex: sha }, queryHeaders: {} }, { hasher, computeMd5: true });
    await consume(b);
    const v = await b.verify();
    assert.equal(v.md5?.toString('hex'), createHash('md5').update(big).digest('hex'));
  } finally {
    await pool.close();
  }
});

test('end to end: the AWS sigv4-streaming example request authenticates, decodes and verifies', async () => {
  const headers: Headers = {
    host: 's3.amazonaws.com',
    'x-amz-date': '20130524T000000Z',
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
  };
  const auth: AuthResult = await authenticate(
    { method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '', headers, host: 's3.amazonaws.com' },
    {
      now: () => Date.UTC(2013, 4, 24, 0, 5),
      resolveSecret: async (k) => (k === 'AKIAIOSFODNN7EXAMPLE' ? { secret: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', token: 't', principal: 'p' } : null),
    },
  );
  assert.equal(auth.payload.kind, 'aws-chunked');
  const body = Buffer.concat([
    Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'),
    Buffer.alloc(65536, 'a'),
    Buffer.from('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'),
    Buffer.alloc(1024, 'a'),
    Buffer.from('\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
  ]);
  const b = openRequestBody(pieces(body.subarray(0, 30000), body.subarray(30000)), headers, auth);
  assert.deepEqual(await consume(b), Buffer.alloc(66560, 'a'));
  assert.equal((await b.verify()).length, 66560);
});
