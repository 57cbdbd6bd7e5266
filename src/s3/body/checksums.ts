// The five flexible checksums of S3 (CLIENTS.md R1.3): CRC32, CRC32C, CRC64NVME, SHA1, SHA256.
// On the wire each is the base64 of the big-endian digest, in an `x-amz-checksum-<alg>` header
// or trailer. CRC32 uses zlib's (Node >= 20.15) with its running-value argument.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { Crc64Nvme, crc32c } from './crc.js';

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };

/** A running checksum: feed it bytes in order, then read the digest once. */
export interface Checksummer {
  update(data: Uint8Array): void;
  digest(): Buffer;
}

function crc32Digest(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0, 0);
  return out;
}

function runningCrc32(step: (data: Uint8Array, crc: number) => number): Checksummer {
  let crc = 0;
  return {
    update: (data) => {
      crc = step(data, crc);
    },
    digest: () => crc32Digest(crc),
  };
}

export function createChecksummer(alg: ChecksumAlgorithm): Checksummer {
  switch (alg) {
    case 'CRC32':
      return runningCrc32((data, crc) => crc32(data, crc));
    case 'CRC32C':
      return runningCrc32((data, crc) => crc32c(data, crc));
    case 'CRC64NVME':
      return new Crc64Nvme();
    case 'SHA1':
    case 'SHA256': {
      const h = createHash(alg === 'SHA1' ? 'sha1' : 'sha256');
      return { update: (data) => void h.update(data), digest: () => h.digest() };
    }
  }
}

/** The header (and trailer) name that carries the checksum: `x-amz-checksum-crc64nvme`. */
export function checksumHeaderName(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** An algorithm named as in x-amz-sdk-checksum-algorithm (any case), or undefined. */
export function parseChecksumAlgorithm(name: string): ChecksumAlgorithm | undefined {
  const upper = name.trim().toUpperCase();
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(upper) ? (upper as ChecksumAlgorithm) : undefined;
}

/** The algorithm of an `x-amz-checksum-<alg>` header or trailer name, or undefined. */
export function algorithmOfHeader(headerName: string): ChecksumAlgorithm | undefined {
  const name = headerName.toLowerCase();
  return name.startsWith('x-amz-checksum-') ? parseChecksumAlgorithm(name.slice('x-amz-checksum-'.length)) : undefined;
}

/** True when `value` is canonical base64 of a digest of the algorithm's size. */
export function isWellFormedChecksum(alg: ChecksumAlgorithm, value: string): boolean {
  const bytes = Buffer.from(value, 'base64');
  return bytes.length === DIGEST_BYTES[alg] && bytes.toString('base64') === value;
}
