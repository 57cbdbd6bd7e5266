import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AwsChunkedDecoder, type AwsChunkedOptions } from '../../../../src/s3/body/aws-chunked.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { encodeAwsChunked, signingKeyFor, splitAt, type ChunkSigner } from './chunked-encoder.js';

const SCOPE = '20130524/us-east-1/s3/aws4_request';
const AMZ_DATE = '20130524T000000Z';
const KEY = signingKeyFor('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');

const signer = (seed: string): ChunkSigner => ({ key: KEY, seed, scope: SCOPE, amzDate: AMZ_DATE });
const signing = (seed: string): AwsChunkedOptions['signing'] => ({ signingKey: KEY, seedSignature: seed, scope: SCOPE, amzDate: AMZ_DATE });

function decode(pieces: readonly Buffer[], opts: AwsChunkedOptions): { payload: Buffer; trailers: Map<string, string> } {
  const d = new AwsChunkedDecoder(opts);
  const out: Buffer[] = [];
  for (const p of pieces) out.push(...d.push(p));
  const trailers = new Map(d.finish());
  return { payload: Buffer.concat(out), trailers };
}

function s3Code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof S3Error, `expected an S3Error, got ${String(err)}`);
    return err.code;
  }
  return 'no error';
}

const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';

test('AWS sigv4-streaming example: 64 KiB + 1 KiB chunks verify against the published signatures', () => {
  const body = Buffer.concat([
    Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'),
    Buffer.alloc(65536, 'a'),
    Buffer.from('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'),
    Buffer.alloc(1024, 'a'),
    Buffer.from('\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
  ]);
  assert.equal(body.length, 66824, 'the Content-Length of the example');
  const { payload } = decode([body], { signing: signing(SEED), trailer: false });
  assert.deepEqual(payload, Buffer.alloc(66560, 'a'));
  // The test encoder reproduces the published chunk signatures.
  assert.deepEqual(encodeAwsChunked(Buffer.alloc(66560, 'a'), { chunkSize: 65536, signer: signer(SEED) }).body, body);
});

test('AWS sigv4-streaming-trailers example: the published chunk signatures chain from its seed', () => {
  // The page's trailer signature (63bddb…) was computed under the algorithm name
  // AWS4-HMAC-SHA256-PAYLOAD, not the AWS4-HMAC-SHA256-TRAILER the SDKs use; the trailer
  // here is signed as the SDKs sign it.
  const seed = '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e';
  const { body, signatures } = encodeAwsChunked(Buffer.alloc(66560, 'a'), {
    chunkSize: 65536,
    signer: signer(seed),
    trailers: [['x-amz-checksum-crc32c', 'sOO8/Q==']],
  });
  assert.deepEqual(signatures.slice(0, 3), [
    'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2',
    '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7',
    '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992',
  ]);
  const { payload, trailers } = decode([body], { signing: signing(seed), trailer: true });
  assert.equal(payload.length, 66560);
  assert.deepEqual([...trailers], [['x-amz-checksum-crc32c', 'sOO8/Q==']]);
});

const MODES: Array<{ name: string; signed: boolean; trailer: boolean }> = [
  { name: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', signed: true, trailer: false },
  { name: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', signed: true, trailer: true },
  { name: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', signed: false, trailer: true },
];

function encodeFor(mode: (typeof MODES)[number], payload: Buffer, chunkSize: number) {
  const trailers: Array<[string, string]> = mode.trailer ? [['x-amz-checksum-crc32', 'AAAAAA==']] : [];
  const { body } = encodeAwsChunked(payload, { chunkSize, signer: mode.signed ? signer(SEED) : undefined, trailers });
  return { body, trailers, opts: { signing: mode.signed ? signing(SEED) : null, trailer: mode.trailer } };
}

for (const mode of MODES) {
  test(`${mode.name}: any payload, chunk size and split of the body decodes to the payload`, () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 200 }), fc.array(fc.nat(2000), { maxLength: 8 }), (raw, chunkSize, cuts) => {
        const payload = Buffer.from(raw);
        const { body, trailers, opts } = encodeFor(mode, payload, chunkSize);
        const out = decode(splitAt(body, cuts), opts);
        assert.deepEqual(out.payload, payload);
        assert.deepEqual([...out.trailers], trailers);
      }),
    );
  });

  test(`${mode.name}: the body split in two at every byte position decodes identically`, () => {
    const payload = Buffer.from('The quick brown fox jumps over the lazy dog, twice over: the quick brown fox.');
    const { body, opts } = encodeFor(mode, payload, 16);
    for (let i = 0; i <= body.length; i++) {
      assert.deepEqual(decode([body.subarray(0, i), body.subarray(i)], opts).payload, payload, `split at ${i}`);
    }
    // One byte at a time too.
    assert.deepEqual(decode([...body].map((b) => Buffer.from([b])), opts).payload, payload);
  });

  test(`${mode.name}: a body cut short is IncompleteBody, wherever it is cut`, () => {
    const payload = Buffer.alloc(100, 'x');
    const { body, opts } = encodeFor(mode, payload, 32);
    for (let i = 0; i < body.length; i++) {
      let result: Buffer | undefined;
      const code = s3Code(() => (result = decode([body.subarray(0, i)], opts).payload));
      assert.equal(code, 'IncompleteBody', `cut at ${i} of ${body.length}`);
      assert.equal(result, undefined);
    }
  });
}

test('the payload is handed out as views of the input, never copied', () => {
  const payload = Buffer.alloc(1000, 'z');
  const { body } = encodeAwsChunked(payload, { chunkSize: 1000, trailer: true });
  const d = new AwsChunkedDecoder({ signing: null, trailer: true });
  const slices = d.push(body);
  assert.equal(slices.length, 1);
  assert.equal(slices[0]!.buffer, body.buffer);
  assert.equal(d.decodedLength, 1000);
});

test('variable-width hex sizes: upper case, leading zeros, other extensions, bare LF', () => {
  const body = Buffer.from('00A;ext=1\r\n0123456789\r\n5\nhello\r\n0\r\nx-amz-checksum-crc32: AAAAAA== \r\n\r\n');
  const { payload, trailers } = decode([body], { signing: null, trailer: true });
  assert.equal(payload.toString(), '0123456789hello');
  assert.equal(trailers.get('x-amz-checksum-crc32'), 'AAAAAA==');
});

test('an empty payload: just the final chunk', () => {
  assert.equal(decode([Buffer.from('0\r\n\r\n')], { signing: null, trailer: true }).payload.length, 0);
  const { body } = encodeAwsChunked(Buffer.alloc(0), { chunkSize: 10, signer: signer(SEED) });
  assert.equal(decode([body], { signing: signing(SEED), trailer: false }).payload.length, 0);
});

test('malformed framing is InvalidRequest', () => {
  const unsigned = { signing: null, trailer: true };
  const cases: Array<[string, string]> = [
    ['not hex', 'zz\r\nab\r\n0\r\n\r\n'],
    ['empty size', '\r\n'],
    ['too many digits', '11111111111111111\r\n'],
    ['data longer than its size', '2\r\nabc\r\n0\r\n\r\n'],
    ['no CRLF after data', '2\r\nabXY0\r\n\r\n'],
    ['trailer without colon', '0\r\nnonsense\r\n\r\n'],
    ['duplicate trailer', '0\r\nx-amz-checksum-crc32:AAAAAA==\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'],
    ['bytes after the end', '0\r\n\r\nmore'],
  ];
  for (const [why, text] of cases) assert.equal(s3Code(() => decode([Buffer.from(text)], unsigned)), 'InvalidRequest', why);
  assert.equal(s3Code(() => decode([Buffer.from(`${'1'.repeat(5000)}`)], unsigned)), 'InvalidRequest', 'endless size line');
  assert.equal(s3Code(() => decode([Buffer.from(`${'f'.repeat(3000)}`), Buffer.from('f'.repeat(3000))], unsigned)), 'InvalidRequest', 'endless line in pieces');
  assert.equal(
    s3Code(() => decode([Buffer.from('0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n')], { signing: null, trailer: false })),
    'InvalidRequest',
    'trailer lines in a mode without trailers',
  );
});

test('signed chunks: a wrong, missing or reordered chunk signature is SignatureDoesNotMatch', () => {
  const payload = Buffer.from('a'.repeat(50) + 'b'.repeat(50));
  const { body } = encodeAwsChunked(payload, { chunkSize: 50, signer: signer(SEED) });
  const opts = { signing: signing(SEED), trailer: false };
  const text = body.toString('latin1');
  const sigs = [...text.matchAll(/chunk-signature=([0-9a-f]{64})/g)].map((m) => m[1]!);
  const flipped = text.replace(sigs[1]!, sigs[1]!.slice(0, -1) + (sigs[1]!.endsWith('0') ? '1' : '0'));
  assert.equal(s3Code(() => decode([Buffer.from(flipped, 'latin1')], opts)), 'SignatureDoesNotMatch');
  assert.equal(s3Code(() => decode([Buffer.from(text.replace(`;chunk-signature=${sigs[0]}`, ''), 'latin1')], opts)), 'SignatureDoesNotMatch');
  const swapped = text.replace(sigs[0]!, 'X').replace(sigs[1]!, sigs[0]!).replace('X', sigs[1]!);
  assert.equal(s3Code(() => decode([Buffer.from(swapped, 'latin1')], opts)), 'SignatureDoesNotMatch');
  // Tampered data under a valid signature.
  const tampered = Buffer.from(body);
  tampered[text.indexOf('\r\n') + 7] = 0x63;
  assert.equal(s3Code(() => decode([tampered], opts)), 'SignatureDoesNotMatch');
  // Another seed (another request's signature) does not verify either.
  assert.equal(s3Code(() => decode([body], { signing: signing('0'.repeat(64)), trailer: false })), 'SignatureDoesNotMatch');
});

test('signed trailers: a changed trailer or a missing or wrong trailer signature is SignatureDoesNotMatch', () => {
  const payload = Buffer.alloc(10, 'q');
  const { body } = encodeAwsChunked(payload, { chunkSize: 8, signer: signer(SEED), trailers: [['x-amz-checksum-crc32', 'AAAAAA==']] });
  const opts = { signing: signing(SEED), trailer: true };
  const text = body.toString('latin1');
  assert.equal(decode([body], opts).payload.length, 10);
  assert.equal(s3Code(() => decode([Buffer.from(text.replace('AAAAAA==', 'AAAAAQ=='), 'latin1')], opts)), 'SignatureDoesNotMatch');
  assert.equal(s3Code(() => decode([Buffer.from(text.replace(/x-amz-trailer-signature:[0-9a-f]+\r\n/, ''), 'latin1')], opts)), 'SignatureDoesNotMatch');
  assert.equal(s3Code(() => decode([Buffer.from(text.replace(/(x-amz-trailer-signature:)[0-9a-f]/, '$1z'), 'latin1')], opts)), 'SignatureDoesNotMatch');
});

test('fuzz: arbitrary bytes only ever end in an S3Error or a decoded payload', () => {
  const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF;=:\r\n -xchunk-signature'.split(''));
  const bodies = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
    fc.array(alphabet, { maxLength: 300 }).map((cs) => Buffer.from(cs.join(''))),
  );
  fc.assert(
    fc.property(bodies, fc.array(fc.nat(300), { maxLength: 4 }), fc.boolean(), fc.boolean(), (body, cuts, signed, trailer) => {
      const code = s3Code(() => decode(splitAt(body, cuts), { signing: signed ? signing(SEED) : null, trailer }));
      assert.ok(['no error', 'InvalidRequest', 'IncompleteBody', 'SignatureDoesNotMatch'].includes(code), code);
    }),
  );
});
