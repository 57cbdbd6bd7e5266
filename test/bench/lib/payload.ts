// Upload bodies without allocating them: every chunk is a 1 MiB view into one preallocated
// random pool. The pool is deliberately not a multiple of the chunk size and each chunk's first
// 16 bytes are stamped with (stream seed, chunk index), so no two 64 MiB blocks of a body and no
// two runs are identical: a content-addressed store cannot win by deduplicating.
import { createHash, randomFillSync } from 'node:crypto';

export const MiB = 1024 * 1024;
export const CHUNK_BYTES = MiB;
const POOL_BYTES = 64 * MiB + 61 * 1024; // coprime-ish with the chunk size
const STAMP_BYTES = 16;

export interface BodySpec {
  readonly size: number;
  /** Distinguishes concurrent streams and successive runs. */
  readonly seed: number;
}

export class PayloadPool {
  private readonly pool: Buffer;

  constructor() {
    this.pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
  }

  /**
   * The chunks of one body. A chunk's bytes are only stable until the generator has moved
   * about 60 chunks further (the pool region is then reused), far beyond what a socket holds.
   */
  *chunks(spec: BodySpec): Generator<Buffer> {
    const span = POOL_BYTES - CHUNK_BYTES;
    let offset = (spec.seed * 7919 * 4096) % span;
    for (let index = 0, sent = 0; sent < spec.size; index++) {
      const length = Math.min(CHUNK_BYTES, spec.size - sent);
      const chunk = this.pool.subarray(offset, offset + length);
      if (length >= STAMP_BYTES) {
        chunk.writeUInt32LE(spec.seed >>> 0, 0);
        chunk.writeUInt32LE(index, 4);
        chunk.writeDoubleLE(spec.size, 8);
      }
      yield chunk;
      sent += length;
      offset = (offset + CHUNK_BYTES + 4096) % span;
    }
  }

  /** A small body as one buffer (copied, so it stays valid while requests are in flight). */
  small(spec: BodySpec): Buffer {
    const out = Buffer.allocUnsafe(spec.size);
    let at = 0;
    for (const chunk of this.chunks(spec)) at += chunk.copy(out, at);
    return out;
  }

  /** Hex SHA-256 of a body, computed before the timed upload (put_large_signed). */
  sha256Hex(spec: BodySpec): string {
    const hash = createHash('sha256');
    for (const chunk of this.chunks(spec)) hash.update(chunk);
    return hash.digest('hex');
  }
}
