import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import {
  CHECKSUM_ALGORITHMS,
  algorithmOfHeader,
  checksumHeaderName,
  createChecksummer,
  isWellFormedChecksum,
  parseChecksumAlgorithm,
  type ChecksumAlgorithm,
} from '../../../../src/s3/body/checksums.js';
import * as ops from '../../../../src/s3/ops.js';

const require = createRequire(import.meta.url);
const { AwsCrc32c } = require('@aws-crypto/crc32c') as { AwsCrc32c: new () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> } };
const { Crc64Nvme: SdkCrc64Nvme } = require('@aws-sdk/crc64-nvme') as {
  Crc64Nvme: new () => { update(d: Uint8Array): void; digest(): Promise<Uint8Array> };
};

function digestOf(alg: ChecksumAlgorithm, ...pieces: Uint8Array[]): Buffer {
  const c = createChecksummer(alg);
  for (const p of pieces) c.update(p);
  return c.digest();
}

const CHECK = Buffer.from('123456789');

test('check values of "123456789" (the CRC catalogue) and of "abc" (FIPS 180)', () => {
  assert.equal(digestOf('CRC32', CHECK).toString('hex'), 'cbf43926');
  assert.equal(digestOf('CRC32C', CHECK).toString('hex'), 'e3069283');
  assert.equal(digestOf('CRC64NVME', CHECK).toString('hex'), 'ae8b14860a799888');
  assert.equal(digestOf('SHA1', Buffer.from('abc')).toString('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
  assert.equal(digestOf('SHA256', Buffer.from('abc')).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('wire form: base64 of the big-endian digest, as clients send it', () => {
  // The empty body's CRC32 is what JS SDK presigned PUTs embed (CLIENTS.md R1.10).
  assert.equal(digestOf('CRC32').toString('base64'), 'AAAAAA==');
  assert.equal(digestOf('CRC32', CHECK).toString('base64'), 'y/Q5Jg==');
  assert.equal(digestOf('CRC64NVME', CHECK).toString('base64'), 'rosUhgp5mIg=');
  // The AWS streaming-trailer documentation's example: CRC32C of 66560 'a' bytes.
  assert.equal(digestOf('CRC32C', Buffer.alloc(66560, 'a')).toString('base64'), 'sOO8/Q==');
});

test('every algorithm digests the same bytes identically however they are split', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(300), { maxLength: 6 }), fc.constantFrom(...CHECKSUM_ALGORITHMS), (data, cuts, alg) => {
      const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
      const pieces: Uint8Array[] = [];
      let prev = 0;
      for (const p of points) {
        pieces.push(data.subarray(prev, p));
        prev = p;
      }
      pieces.push(data.subarray(prev));
      assert.deepEqual(digestOf(alg, ...pieces), digestOf(alg, data));
    }),
  );
});

test('CRC32C and CRC64NVME agree with the AWS SDK packages on random data', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (data) => {
      const c = new AwsCrc32c();
      c.update(data);
      assert.deepEqual(digestOf('CRC32C', data), Buffer.from(await c.digest()));
      const n = new SdkCrc64Nvme();
      n.update(data);
      assert.deepEqual(digestOf('CRC64NVME', data), Buffer.from(await n.digest()));
    }),
  );
});

test('algorithm names: SDK header values, header names, and malformed values', () => {
  assert.equal(parseChecksumAlgorithm('crc64nvme'), 'CRC64NVME');
  assert.equal(parseChecksumAlgorithm('CRC32'), 'CRC32');
  assert.equal(parseChecksumAlgorithm('MD5'), undefined);
  assert.equal(checksumHeaderName('CRC32C'), 'x-amz-checksum-crc32c');
  assert.equal(algorithmOfHeader('X-Amz-Checksum-SHA256'), 'SHA256');
  for (const notOne of ['x-amz-checksum-mode', 'x-amz-checksum-type', 'x-amz-checksum-algorithm', 'content-md5']) {
    assert.equal(algorithmOfHeader(notOne), undefined, notOne);
  }
  assert.ok(isWellFormedChecksum('CRC32', 'AAAAAA=='));
  assert.ok(!isWellFormedChecksum('CRC32', 'AAAAAAAA'), 'six bytes');
  assert.ok(!isWellFormedChecksum('CRC64NVME', 'AAAAAA=='), 'four bytes');
  assert.ok(!isWellFormedChecksum('SHA1', 'not base64!'));
});

test('one list of algorithms: the router (ops.ts) and the metrics use the checksum code\'s own', () => {
  assert.equal(ops.CHECKSUM_ALGORITHMS, CHECKSUM_ALGORITHMS);
  assert.deepEqual([...CHECKSUM_ALGORITHMS], ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256']);
});
