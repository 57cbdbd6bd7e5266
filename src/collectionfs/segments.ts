// The two kinds of file segment (ARVADOS.md g.1): bytes not yet in Keep (MemSegment, mutable,
// owned by one file) and a byte range of a stored block (StoredSegment, an immutable value).
import { locatorSize } from '../keep/locator.js';
import type { Segment } from '../manifest/types.js';
import { DomainError } from '../common/errors.js';
import type { BlockBuffers } from './block-buffers.js';

/** Marks a MemSegment whose buffer is shared with an in-flight block write (g.4). */
export type FlushTicket = object;

const FIRST_CAPACITY = 1024;
const GROWTH = 4;

export class MemSegment {
  readonly kind = 'mem';
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  /** Set while a block write holds a view of `buf`; any change first copies the buffer. */
  flushing: FlushTicket | undefined;
  /** Streams that will read this segment later; its buffer is not recycled while > 0. */
  private readers = 0;

  get length(): number {
    return this.len;
  }

  /** A view of the current bytes (valid until the next change to this segment). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }

  /** Writes `data` at `offset` (≤ length), growing the segment; returns how much it grew. */
  writeAt(offset: number, data: Uint8Array, buffers: BlockBuffers): number {
    const end = offset + data.length;
    if (offset > this.len || end > buffers.blockSize) throw new RangeError(`memSegment write ${offset}+${data.length} out of range`);
    this.makeWritable(end, buffers);
    this.buf.set(data, offset);
    const grown = Math.max(0, end - this.len);
    this.len += grown;
    return grown;
  }

  /** Shrinks in place (the bytes stay as they are) or grows with zeros; returns the change. */
  resize(size: number, buffers: BlockBuffers): number {
    if (size > buffers.blockSize || size < 0) throw new RangeError(`memSegment size ${size} out of range`);
    const delta = size - this.len;
    if (delta > 0) {
      this.makeWritable(size, buffers);
      this.buf.fill(0, this.len, size); // capacity past len may hold bytes of an earlier shrink
    }
    this.len = size;
    return delta;
  }

  /** An independent copy (snapshots; never flushing). */
  clone(): MemSegment {
    const copy = new MemSegment();
    copy.buf = Buffer.from(this.bytes());
    copy.len = this.len;
    return copy;
  }

  pin(): void {
    this.readers++;
  }

  unpin(): void {
    this.readers--;
  }

  /** Called once the bytes live in Keep and the segment left its file: recycles the buffer. */
  retire(buffers: BlockBuffers): void {
    if (this.readers > 0) return;
    buffers.give(this.buf);
    this.buf = Buffer.alloc(0);
    this.len = 0;
  }

  /** An empty segment that can grow to `capacity` bytes without a copy. */
  static withCapacity(capacity: number, buffers: BlockBuffers): MemSegment {
    const seg = new MemSegment();
    seg.buf = buffers.take(capacity);
    return seg;
  }

  static zeros(size: number, buffers: BlockBuffers): MemSegment {
    const seg = new MemSegment();
    seg.buf = buffers.take(size).fill(0, 0, size);
    seg.len = size;
    return seg;
  }

  /** True while `view` is a view of this segment's current buffer. */
  holds(view: Uint8Array): boolean {
    return view.buffer === this.buf.buffer;
  }

  // Copy-on-write while flushing, and capacity growth in ×4 steps from 1 KiB, capped at the
  // block size so a full segment never holds more memory than one block. A buffer outgrown
  // goes back to the pool; one shared with a block write is the writer's to give back.
  private makeWritable(end: number, buffers: BlockBuffers): void {
    const shared = this.flushing !== undefined;
    if (!shared && end <= this.buf.length) return;
    let capacity = Math.max(this.buf.length, FIRST_CAPACITY);
    while (capacity < end) capacity *= GROWTH;
    const next = buffers.take(Math.min(capacity, buffers.blockSize));
    this.buf.copy(next, 0, 0, this.len);
    if (!shared && this.readers === 0) buffers.give(this.buf);
    this.buf = next;
    this.flushing = undefined;
  }
}

export interface StoredSegment {
  readonly kind: 'stored';
  readonly locator: string;
  /** Size of the whole block (from the locator's size hint). */
  readonly blockSize: number;
  readonly offset: number;
  readonly length: number;
}

export type FileSegment = MemSegment | StoredSegment;

export function storedSegment(seg: Segment): StoredSegment {
  const blockSize = locatorSize(seg.locator);
  if (blockSize === undefined) throw new DomainError('InvalidArgument', `locator without size hint: ${JSON.stringify(seg.locator)}`);
  const { offset, length } = seg;
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > blockSize) {
    throw new DomainError('InvalidArgument', `segment ${offset}+${length} outside block ${seg.locator}`);
  }
  return { kind: 'stored', locator: seg.locator, blockSize, offset, length };
}

/** The part [start, start+length) of a stored segment. */
export function sliceStored(seg: StoredSegment, start: number, length: number): StoredSegment {
  return { ...seg, offset: seg.offset + start, length };
}

export function withLocator(seg: StoredSegment, locator: string): StoredSegment {
  return { ...seg, locator };
}
