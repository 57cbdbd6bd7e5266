// A sequential writer for one file (an S3 PUT body, an upload part). `write` resolves once the
// chunk is in memory and every block it filled has a throttle slot for its write to Keep, so
// awaiting each write bounds the memory a fast producer can take.
import { DomainError, isDomainError } from '../common/errors.js';
import type { BlockBuffers } from './block-buffers.js';
import type { FileNode, SegmentSizing } from './file-node.js';
import type { Flusher } from './flush.js';
import type { Clock } from './tree.js';

export interface FileWriterDeps {
  readonly flusher: Flusher;
  readonly buffers: BlockBuffers;
  readonly clock: Clock;
}

export interface FileWriterOptions {
  /** How many bytes are expected (e.g. a request's Content-Length): buffers are sized for them. */
  readonly expectedSize?: number;
}

export class FileWriter {
  private readonly file: FileNode;
  private readonly deps: FileWriterDeps;
  private sizing: SegmentSizing;
  private position = 0;
  private closed = false;

  constructor(file: FileNode, deps: FileWriterDeps, opts: FileWriterOptions = {}) {
    this.file = file;
    this.deps = deps;
    this.sizing = { expectedSize: opts.expectedSize };
  }

  get bytesWritten(): number {
    return this.position;
  }

  /** Bytes the next writes can add before one starts a new segment (0: the next one does). */
  segmentRoom(): number {
    return this.file.appendRoom(this.position, this.deps.buffers.blockSize);
  }

  /**
   * Bytes of pooled buffer the next write takes for a new segment, 0 if none (callers may wait
   * for memory first). Growth steps of a segment without an expected size are not counted.
   */
  takesBuffer(): number {
    const { buffers } = this.deps;
    if (this.segmentRoom() > 0) return 0;
    return buffers.takenFor(this.file.newSegmentCapacity(this.position, buffers, this.sizing));
  }

  /** From now on new segments take no buffer up front: they grow with the bytes written. */
  growStepwise(): void {
    this.sizing = { stepwise: true };
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.closed) throw new DomainError('InvalidArgument', 'write after close');
    this.throwFlushError();
    this.file.write(this.position, chunk, this.deps.buffers, this.sizing);
    this.file.mtimeMs = this.deps.clock.now();
    this.position += chunk.length;
    await this.deps.flusher.flushFull(this.file);
  }

  /** Ends the writer; the data stays in the filesystem until flushed or synced. */
  async close(): Promise<void> {
    this.closed = true;
    this.throwFlushError();
  }

  // A block of this file failed to reach Keep: fail the upload now rather than keep
  // accumulating data that may never be stored (the bytes stay in memory for sync to retry).
  private throwFlushError(): void {
    const err = this.file.flushError;
    if (err === undefined) return;
    if (isDomainError(err)) throw err;
    throw new DomainError('Unavailable', `block write failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
