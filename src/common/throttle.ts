// An async counting semaphore. One instance bounds the Keep block writes of the whole
// process (DESIGN.md: "ONE throttle"); callers that would exceed it wait, which is what
// turns a fast uploader into backpressure instead of unbounded memory.

export interface ThrottleStats {
  readonly limit: number;
  readonly active: number;
  readonly waiting: number;
}

export class Throttle {
  readonly limit: number;
  private active = 0;
  private readonly queue: Array<() => void> = [];

  /** `onWait` hears how long each acquire() that had to queue waited (seconds). */
  constructor(limit: number, private readonly opts: { onWait?: (seconds: number) => void } = {}) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`throttle limit must be a positive integer, got ${limit}`);
    this.limit = limit;
  }

  /** Resolves once a slot is held; the caller must call release() exactly once. */
  acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    const queued = performance.now();
    return new Promise((resolve) =>
      this.queue.push(() => {
        this.opts.onWait?.((performance.now() - queued) / 1000);
        resolve();
      }),
    );
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next(); // hand the slot over directly: active stays the same
    else if (this.active > 0) this.active--;
    else throw new Error('Throttle.release() without acquire()');
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  stats(): ThrottleStats {
    return { limit: this.limit, active: this.active, waiting: this.queue.length };
  }
}
