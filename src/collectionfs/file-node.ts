// A file: an ordered list of segments and the edits on it (ARVADOS.md g.2). Every method here
// is synchronous, so one call can never interleave with another; the async parts (block
// writes, reads from Keep) work on what these methods return and re-check before changing it.
import type { BlockBuffers } from './block-buffers.js';
import { MemSegment, sliceStored, type FileSegment, type StoredSegment } from './segments.js';

/** How the buffer of a new segment at the end of a file is sized (see newSegmentCapacity). */
export interface SegmentSizing {
  /** How long the file is expected to become. */
  readonly expectedSize?: number;
  /** New segments start small and grow step by step: no buffer is taken up front. */
  readonly stepwise?: boolean;
}

/** Where a range of a file's bytes is, captured at one moment. */
export type ReadPiece =
  | { readonly kind: 'mem'; readonly seg: MemSegment; readonly offset: number; readonly length: number }
  | { readonly kind: 'block'; readonly locator: string; readonly offset: number; readonly length: number };

export class FileNode {
  readonly kind = 'file';
  segments: FileSegment[] = [];
  /** Bytes held in this file's MemSegments, kept up to date by every edit. */
  memBytes = 0;
  mtimeMs: number;
  /** Error of the last failed background block write; cleared by the next successful one. */
  flushError: unknown = undefined;

  constructor(mtimeMs: number, segments: FileSegment[] = []) {
    this.mtimeMs = mtimeMs;
    this.segments = segments;
    for (const s of segments) if (s.kind === 'mem') this.memBytes += s.length;
  }

  size(): number {
    let n = 0;
    for (const s of this.segments) n += s.length;
    return n;
  }

  /** Writes `data` at `offset`; a gap past the end of the file is filled with zeros first. */
  write(offset: number, data: Uint8Array, buffers: BlockBuffers, sizing: SegmentSizing = {}): void {
    const maxBlockSize = buffers.blockSize;
    if (offset > this.size()) this.truncate(offset, buffers);
    let { index, start } = this.locate(offset);
    let pos = offset;
    let src = 0;
    while (src < data.length) {
      const seg = this.segments[index];
      const prev = index > 0 ? this.segments[index - 1] : undefined;
      const chunk = (n: number): Uint8Array => data.subarray(src, src + n);
      if (seg?.kind === 'mem') {
        // Overwrite in place; only the last segment may grow (up to a full block).
        const within = pos - start;
        const isLast = index === this.segments.length - 1;
        const room = (isLast ? maxBlockSize : seg.length) - within;
        if (room > 0) {
          const n = Math.min(room, data.length - src);
          this.memBytes += seg.writeAt(within, chunk(n), buffers);
          pos += n;
          src += n;
        }
        if (pos - start >= seg.length) {
          start += seg.length;
          index++;
        }
      } else if (pos === start && prev?.kind === 'mem' && prev.length < maxBlockSize && prev.flushing === undefined) {
        // Append to the preceding unfilled MemSegment, eating the head of a stored one. One
        // being written to Keep is left alone (appending would copy it and orphan its block):
        // the bytes go to a new segment after it.
        const n = Math.min(maxBlockSize - prev.length, data.length - src, seg ? seg.length : Infinity);
        this.memBytes += prev.writeAt(prev.length, chunk(n), buffers);
        if (seg && n === seg.length) this.segments.splice(index, 1);
        else if (seg) this.segments[index] = sliceStored(seg, n, seg.length - n);
        pos += n;
        src += n;
        start = pos;
      } else if (!seg) {
        const n = Math.min(maxBlockSize, data.length - src);
        const capacity = this.newSegmentCapacity(pos, buffers, sizing);
        const mem = capacity > 0 ? MemSegment.withCapacity(capacity, buffers) : new MemSegment();
        this.memBytes += mem.writeAt(0, chunk(n), buffers);
        this.segments.push(mem);
        index++;
        pos += n;
        src += n;
        start = pos;
      } else {
        // Split a stored segment: [left][new MemSegment][right].
        const within = pos - start;
        const n = Math.min(seg.length - within, data.length - src, maxBlockSize);
        const mem = new MemSegment();
        this.memBytes += mem.writeAt(0, chunk(n), buffers);
        const parts: FileSegment[] = [];
        if (within > 0) parts.push(sliceStored(seg, 0, within));
        parts.push(mem);
        if (within + n < seg.length) parts.push(sliceStored(seg, within + n, seg.length - within - n));
        this.segments.splice(index, 1, ...parts);
        index += within > 0 ? 2 : 1;
        pos += n;
        src += n;
        start = pos;
      }
    }
  }

  /** Shrinks (trimming segments) or grows with zeros in MemSegments of at most a block each. */
  truncate(size: number, buffers: BlockBuffers): void {
    const current = this.size();
    if (size < current) this.shrink(size, buffers);
    else if (size > current) this.grow(size - current, buffers);
  }

  /** The pieces holding bytes [start, end) (clamped to the file). */
  readPlan(start: number, end: number): ReadPiece[] {
    const pieces: ReadPiece[] = [];
    let segStart = 0;
    for (const seg of this.segments) {
      const segEnd = segStart + seg.length;
      const from = Math.max(start, segStart);
      const to = Math.min(end, segEnd);
      if (from < to) {
        const offset = from - segStart;
        if (seg.kind === 'mem') pieces.push({ kind: 'mem', seg, offset, length: to - from });
        else pieces.push({ kind: 'block', locator: seg.locator, offset: seg.offset + offset, length: to - from });
      }
      if (segEnd >= end) break;
      segStart = segEnd;
    }
    return pieces;
  }

  /**
   * Replaces a MemSegment whose bytes were written to Keep, only if it is unchanged since:
   * still in this file, still marked with the same ticket, same length.
   */
  swapStored(seg: MemSegment, ticket: object, stored: StoredSegment): boolean {
    if (seg.flushing !== ticket || seg.length !== stored.length) return false;
    const index = this.segments.indexOf(seg);
    if (index < 0) return false;
    this.segments[index] = stored;
    this.memBytes -= stored.length;
    return true;
  }

  /**
   * Bytes an append at `pos` adds to the last segment before a new one starts (0: it starts
   * one at once); Infinity when `pos` is not the end of the file.
   */
  appendRoom(pos: number, maxBlockSize: number): number {
    if (pos !== this.size()) return Infinity;
    const last = this.segments.at(-1);
    return last?.kind !== 'mem' || last.flushing !== undefined ? 0 : maxBlockSize - last.length;
  }

  /**
   * The buffer a new segment at `pos`, the end, starts with (0: it grows step by step from a
   * small one). With an expected size it is taken once for the bytes still to come (up to a
   * block); without, past the first block a write at the end is most likely a long stream, so
   * a full block.
   */
  newSegmentCapacity(pos: number, buffers: BlockBuffers, sizing: SegmentSizing = {}): number {
    const max = buffers.blockSize;
    const { expectedSize } = sizing;
    if (sizing.stepwise) return 0;
    if (expectedSize !== undefined && expectedSize > pos) return buffers.capacityFor(Math.min(expectedSize - pos, max));
    return pos >= max ? max : 0;
  }

  contains(seg: MemSegment): boolean {
    return this.segments.includes(seg);
  }

  memSegments(): MemSegment[] {
    return this.segments.filter((s): s is MemSegment => s.kind === 'mem');
  }

  /** Index of the segment holding byte `pos` and where it starts (index = length at EOF). */
  private locate(pos: number): { index: number; start: number } {
    let start = 0;
    for (let index = 0; index < this.segments.length; index++) {
      const len = this.segments[index]!.length;
      if (pos < start + len) return { index, start };
      start += len;
    }
    return { index: this.segments.length, start };
  }

  private shrink(size: number, buffers: BlockBuffers): void {
    let start = 0;
    for (let index = 0; index < this.segments.length; index++) {
      const seg = this.segments[index]!;
      if (start + seg.length <= size) {
        start += seg.length;
        continue;
      }
      const keep = size - start;
      const dropped = this.segments.splice(keep > 0 ? index + 1 : index);
      for (const d of dropped) {
        if (d.kind !== 'mem') continue;
        this.memBytes -= d.length;
        if (d.flushing === undefined) d.retire(buffers); // else an in-flight write still reads it
      }
      if (keep > 0) {
        if (seg.kind === 'mem') this.memBytes += seg.resize(keep, buffers);
        else this.segments[index] = sliceStored(seg, 0, keep);
      }
      return;
    }
  }

  private grow(extra: number, buffers: BlockBuffers): void {
    const maxBlockSize = buffers.blockSize;
    const last = this.segments.at(-1);
    if (last?.kind === 'mem' && last.length < maxBlockSize) {
      const n = Math.min(maxBlockSize - last.length, extra);
      this.memBytes += last.resize(last.length + n, buffers);
      extra -= n;
    }
    while (extra > 0) {
      const n = Math.min(maxBlockSize, extra);
      this.segments.push(MemSegment.zeros(n, buffers));
      this.memBytes += n;
      extra -= n;
    }
  }
}
