// Recycled segment buffers. A streaming upload grows a MemSegment's buffer in ×4 steps up to a
// full 64 MiB block; once the block is stored the buffer is dead. Allocating those buffers fresh
// each time costs page faults (fresh memory copies at ~2.6 GB/s here, warm at ~20 GB/s) and
// garbage-collector work, and with a small JS heap the collector may leave hundreds of MiB of
// dead buffers mapped. So the big sizes (full blocks, and the power-of-two growth steps from
// 1 MiB up) come from here and go back here; smaller ones are ordinary allocations.
//
// With `shared`, pooled buffers are SharedArrayBuffer-backed, so a BlockStore that hashes on a
// worker thread (common/hash-pool.ts) reads them in place instead of copying them. A dropped
// shared buffer is freed only once every thread that saw it has collected its object for it,
// and V8 does not count shared memory towards its collection triggers: measured, dropping idle
// buffers to save memory left over 1 GB of dead ones resident. So use `shared` only with one
// long-lived pool for the process (buffers are reused, seldom dropped) and a `keep` large
// enough for the usual number of blocks in flight. For the same reason a change of sizes
// (64 MiB blocks, then 16 MiB parts) is met by lending idle larger buffers once the pool is at
// `keep`, not by dropping them for new ones (measured: ~660 MiB of dead buffers resident).

export interface BlockBuffersOptions {
  /** Size of a full block (the largest segment). */
  readonly blockSize: number;
  /**
   * Idle buffers kept for reuse, in full blocks' worth of bytes (default 4); also the size of
   * the pool (taken and idle) past which take() lends an idle larger buffer instead of a new one.
   */
  readonly keep?: number;
  /** Allocate SharedArrayBuffer-backed buffers (see above; default false). */
  readonly shared?: boolean;
  /** Once no buffer was taken for this long, the idle ones are dropped (default 5 s). */
  readonly releaseAfterMs?: number;
}

/** Growth steps below this are left to the allocator (cheap, and too many to be worth keeping). */
const POOLED_MIN = 1024 * 1024;
/** Idle growth-step buffers kept per size. */
const IDLE_GROWTH_STEPS = 2;

interface Waiter {
  readonly limit: number;
  readonly wake: (met: boolean) => void;
}

export class BlockBuffers {
  readonly blockSize: number;
  private readonly keepBytes: number;
  private readonly shared: boolean;
  /** Idle buffers by capacity; `order` lists them oldest first for eviction. */
  private readonly idle = new Map<number, Buffer[]>();
  private readonly order: Buffer[] = [];
  private idleBytes = 0;
  private readonly releaseAfterMs: number;
  private lastTake = 0;
  private releaseTimer: NodeJS.Timeout | undefined;
  /** Bytes of pooled-size buffers handed out and neither given back nor collected. */
  private inUse = 0;
  private waiters: Waiter[] = [];
  // A buffer dropped instead of given back (e.g. a segment still pinned by a reader) stops
  // counting once it is garbage collected.
  private readonly collected = new FinalizationRegistry<number>((capacity) => this.release(capacity));

  constructor(opts: BlockBuffersOptions) {
    this.blockSize = opts.blockSize;
    this.keepBytes = (opts.keep ?? 4) * opts.blockSize;
    this.shared = opts.shared ?? false;
    this.releaseAfterMs = opts.releaseAfterMs ?? 5000;
  }

  /** Whether buffers of exactly `capacity` bytes are pooled. */
  pooled(capacity: number): boolean {
    return capacity === this.blockSize || (capacity >= POOLED_MIN && capacity < this.blockSize && (capacity & (capacity - 1)) === 0);
  }

  /** The capacity to take for `size` bytes: the smallest pooled size that holds them, else `size`. */
  capacityFor(size: number): number {
    if (size < POOLED_MIN || size > this.blockSize) return size;
    let cap = POOLED_MIN;
    while (cap < size) cap *= 2;
    return Math.min(cap, this.blockSize);
  }

  /**
   * A buffer of at least `capacity` bytes (≤ blockSize); contents are undefined. It is larger
   * when a new one would take the pool past `keep` while a larger one is idle: memory already
   * there is used rather than more added.
   */
  take(capacity: number): Buffer {
    if (!this.pooled(capacity)) return Buffer.allocUnsafe(capacity);
    const idle = this.idleFor(capacity);
    if (idle) this.drop(idle);
    const buf = idle ?? (this.shared ? Buffer.from(new SharedArrayBuffer(capacity)) : Buffer.allocUnsafeSlow(capacity));
    this.inUse += buf.length;
    this.lastTake = performance.now();
    this.collected.register(buf.buffer, buf.length, buf.buffer);
    return buf;
  }

  /** Returns a buffer nobody uses any more; only whole pooled-size buffers are kept. */
  give(buf: Buffer): void {
    const capacity = buf.length;
    if (!this.pooled(capacity) || buf.byteOffset !== 0 || buf.buffer.byteLength !== capacity) return;
    const list = this.idle.get(capacity) ?? [];
    if (list.some((b) => b.buffer === buf.buffer)) return; // given back twice
    if (this.collected.unregister(buf.buffer)) this.release(capacity);
    list.push(buf);
    this.idle.set(capacity, list);
    this.order.push(buf);
    this.idleBytes += capacity;
    // Growth steps are plenty when a few of each size wait; more are what a burst of uploads
    // left behind.
    if (capacity < this.blockSize && list.length > IDLE_GROWTH_STEPS) this.drop(list[0]!);
    // Over the limit: drop the buffers idle the longest (their size is the least in demand).
    while (this.idleBytes > this.keepBytes) this.drop(this.order[0]!);
    this.releaseTimer ??= setTimeout(() => this.releaseIfQuiet(), this.releaseAfterMs).unref();
  }

  // After a burst the pool would hold up to `keep` blocks of memory for good. Once nothing was
  // taken for a while it lets them all go (while buffers are taken, none is dropped this way:
  // a shared buffer dropped is freed only at the main thread's next full collection).
  private releaseIfQuiet(): void {
    this.releaseTimer = undefined;
    const quietFor = performance.now() - this.lastTake;
    if (quietFor >= this.releaseAfterMs) {
      while (this.order.length > 0) this.drop(this.order[0]!);
    } else if (this.order.length > 0) {
      this.releaseTimer = setTimeout(() => this.releaseIfQuiet(), this.releaseAfterMs - quietFor).unref();
    }
  }

  /** Bytes that take(capacity) would count in use now (0 for a size that is not pooled). */
  takenFor(capacity: number): number {
    if (!this.pooled(capacity)) return 0;
    return this.idleFor(capacity)?.length ?? capacity;
  }

  /** The idle buffer take(capacity) lends: the latest of that size, else maybe a larger one. */
  private idleFor(capacity: number): Buffer | undefined {
    const same = this.idle.get(capacity)?.at(-1);
    if (same || this.inUse + this.idleBytes + capacity <= this.keepBytes) return same;
    let smallest: Buffer | undefined;
    for (const buf of this.order) if (buf.length > capacity && (smallest === undefined || buf.length < smallest.length)) smallest = buf;
    return smallest;
  }

  /** Takes `buf` out of the idle lists (to lend it, or to let it go). */
  private drop(buf: Buffer): void {
    const list = this.idle.get(buf.length)!;
    list.splice(list.indexOf(buf), 1);
    this.order.splice(this.order.indexOf(buf), 1);
    this.idleBytes -= buf.length;
  }

  idleCount(): number {
    return this.order.length;
  }

  /** Bytes of pooled-size buffers taken and not yet given back (smaller ones are not counted). */
  inUseBytes(): number {
    return this.inUse;
  }

  /**
   * Resolves true once at most `limit` bytes are in use, or false after `timeoutMs` (a buffer
   * dropped without being given back only stops counting when it is collected).
   */
  whenBelow(limit: number, timeoutMs: number): Promise<boolean> {
    if (this.inUse <= limit) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        limit,
        wake: (met) => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(met);
        },
      };
      const timer = setTimeout(() => waiter.wake(false), timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private release(capacity: number): void {
    this.inUse -= capacity;
    for (const w of this.waiters.filter((w) => this.inUse <= w.limit)) w.wake(true);
  }
}
