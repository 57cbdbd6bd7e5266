// The blocks of one manifest line, seen as one data stream (their concatenation), and the
// mapping of a file token's byte range onto them (Go loader, ARVADOS.md a.4 step 6).
import type { Segment } from './types.js';

export class StreamBlocks {
  private readonly locators: string[] = [];
  private readonly sizes: number[] = [];
  /** starts[i] = stream offset of block i; starts[count] = stream length. */
  private readonly starts: number[] = [0];
  /** Block found by the previous lookup: file tokens usually walk the stream in order. */
  private hint = 0;

  get count(): number {
    return this.locators.length;
  }

  get length(): number {
    return this.starts[this.locators.length]!;
  }

  reset(): void {
    this.locators.length = 0;
    this.sizes.length = 0;
    this.starts.length = 1;
    this.hint = 0;
  }

  add(locator: string, size: number): void {
    this.starts.push(this.length + size);
    this.locators.push(locator);
    this.sizes.push(size);
  }

  /**
   * Writes into out[0..n) the block ranges covering stream bytes [offset, offset+length)
   * and returns n, or -1 when the range runs past the end. Zero-size blocks contribute
   * nothing. `out` is a buffer reused across calls and never shrunk: setting an array's
   * length to 0 frees its storage, which made every file token allocate a fresh one.
   */
  map(offset: number, length: number, out: Segment[]): number {
    const n = this.locators.length;
    const stop = offset + length;
    let count = 0;
    let i = this.firstEndingAfter(offset);
    for (; i < n; i++) {
      const blockStart = this.starts[i]!;
      if (blockStart >= stop) break;
      const size = this.sizes[i]!;
      if (size === 0) continue;
      const inBlock = blockStart < offset ? offset - blockStart : 0;
      const take = blockStart + size > stop ? stop - blockStart - inBlock : size - inBlock;
      out[count++] = { locator: this.locators[i]!, offset: inBlock, length: take };
      this.hint = i;
    }
    return i < n || this.length >= stop ? count : -1;
  }

  /** Index of the first block that ends after `offset` (count if none). */
  private firstEndingAfter(offset: number): number {
    const starts = this.starts;
    const h = this.hint;
    if (h < this.locators.length && starts[h]! <= offset && starts[h + 1]! > offset) return h;
    let lo = 0;
    let hi = this.locators.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid + 1]! > offset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
