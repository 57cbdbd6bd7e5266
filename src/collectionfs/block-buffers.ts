// Recycled full-block buffers. A streaming upload fills a 64 MiB buffer per block; once the
// block is stored the buffer is dead, but with a small JS heap the garbage collector may leave
// hundreds of MiB of dead buffers mapped. Handing full-block buffers back here for the next
// segment keeps a writer's memory at what the throttle allows. Smaller buffers (growth steps,
// small files) are ordinary allocations.
//
// With `shared`, pooled buffers are SharedArrayBuffer-backed, so a BlockStore that hashes on a
// worker thread (common/hash-pool.ts) reads them in place instead of copying 64 MiB per block.
// A worker keeps every shared buffer it was sent alive until its own (rare) garbage collection,
// so use `shared` only with one long-lived pool for the process (buffers are reused, not
// dropped) and a `keep` large enough for the usual number of blocks in flight.

export interface BlockBuffersOptions {
  /** Size of a full block (the largest segment). */
  readonly blockSize: number;
  /** Idle buffers kept for reuse (default 4). */
  readonly keep?: number;
  /** Allocate SharedArrayBuffer-backed buffers (see above; default false). */
  readonly shared?: boolean;
}

export class BlockBuffers {
  readonly blockSize: number;
  private readonly keep: number;
  private readonly shared: boolean;
  private readonly idle: Buffer[] = [];

  constructor(opts: BlockBuffersOptions) {
    this.blockSize = opts.blockSize;
    this.keep = opts.keep ?? 4;
    this.shared = opts.shared ?? false;
  }

  /** A buffer of exactly `capacity` bytes (≤ blockSize); contents are undefined. */
  take(capacity: number): Buffer {
    if (capacity !== this.blockSize) return Buffer.allocUnsafe(capacity);
    return this.idle.pop() ?? (this.shared ? Buffer.from(new SharedArrayBuffer(capacity)) : Buffer.allocUnsafeSlow(capacity));
  }

  /** Returns a buffer nobody uses any more; only full-block buffers are kept. */
  give(buf: Buffer): void {
    if (buf.length === this.blockSize && buf.byteOffset === 0 && this.idle.length < this.keep) this.idle.push(buf);
  }

  idleCount(): number {
    return this.idle.length;
  }
}
