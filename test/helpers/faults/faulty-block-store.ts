// A BlockStore wrapper that injects faults between the site and the real store: puts and
// gets can be delayed, held at a gate, or failed, per call. It counts what passed through
// (puts in flight, their bytes) so tests can show what the throttle allowed.

import type { BlockGetOptions, BlockPutOptions, BlockPutResult, BlockStore } from '../../../src/keep/block-store.js';

export interface FaultPlan {
  /** Called before every put with its 1-based number; return an error to fail it. */
  failPut?(n: number, data: Uint8Array): Error | undefined;
  /** Milliseconds to wait before a put reaches the inner store. */
  putDelayMs?(n: number): number;
  failGet?(locator: string): Error | undefined;
}

export interface FaultCounters {
  puts: number;
  failedPuts: number;
  putsInFlight: number;
  maxPutsInFlight: number;
  bytesInFlight: number;
  maxBytesInFlight: number;
}

export class FaultyBlockStore implements BlockStore {
  plan: FaultPlan = {};
  readonly counters: FaultCounters = { puts: 0, failedPuts: 0, putsInFlight: 0, maxPutsInFlight: 0, bytesInFlight: 0, maxBytesInFlight: 0 };
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  constructor(private readonly inner: BlockStore) {}

  /** Holds every put (before it reaches the inner store) until release(). */
  hold(): void {
    if (this.gate) return;
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
    this.openGate = undefined;
  }

  async put(data: Uint8Array, opts?: BlockPutOptions): Promise<BlockPutResult> {
    const n = ++this.counters.puts;
    const c = this.counters;
    c.putsInFlight++;
    c.bytesInFlight += data.length;
    c.maxPutsInFlight = Math.max(c.maxPutsInFlight, c.putsInFlight);
    c.maxBytesInFlight = Math.max(c.maxBytesInFlight, c.bytesInFlight);
    try {
      if (this.gate) await this.gate;
      const delay = this.plan.putDelayMs?.(n) ?? 0;
      if (delay > 0) await new Promise((r) => setTimeout(r, delay));
      const err = this.plan.failPut?.(n, data);
      if (err) {
        c.failedPuts++;
        throw err;
      }
      return await this.inner.put(data, opts);
    } finally {
      c.putsInFlight--;
      c.bytesInFlight -= data.length;
    }
  }

  async get(locator: string, opts?: BlockGetOptions): Promise<Buffer> {
    const err = this.plan.failGet?.(locator);
    if (err) throw err;
    return this.inner.get(locator, opts);
  }

  head(locator: string, opts?: BlockGetOptions): Promise<number> {
    return this.inner.head(locator, opts);
  }
}
