// Upload bodies without allocating them: every 1 MiB chunk is a view into one preallocated
// random pool, preceded by its own 16-byte stamp (stream seed, chunk index, body size), so no
// two 64 MiB blocks of a body and no two runs are identical: a content-addressed store cannot
// win by deduplicating. The stamp is a separate small buffer, never written into the pool:
// the pool is immutable, so a chunk's bytes are the same whenever the client reads them (a
// stamp written into the pool would change the chunks of a body bigger than the pool that
// overlap it, between computing a payload hash and sending the body).
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

  /** The chunks of one body: for each MiB a 16-byte stamp, then a view of the rest in the pool. */
  *chunks(spec: BodySpec): Generator<Buffer> {
    const span = POOL_BYTES - CHUNK_BYTES;
    let offset = (spec.seed * 7919 * 4096) % span;
    for (let index = 0, sent = 0; sent < spec.size; index++) {
      const length = Math.min(CHUNK_BYTES, spec.size - sent);
      const stamped = Math.min(STAMP_BYTES, length);
      const stamp = Buffer.alloc(STAMP_BYTES);
      stamp.writeUInt32LE(spec.seed >>> 0, 0);
      stamp.writeUInt32LE(index, 4);
      stamp.writeDoubleLE(spec.size, 8);
      yield stamp.subarray(0, stamped);
      if (length > stamped) yield this.pool.subarray(offset + stamped, offset + length);
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
