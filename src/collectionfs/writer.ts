// A sequential writer for one file (an S3 PUT body, an upload part). `write` resolves once the
// chunk is in memory and every block it filled has a throttle slot for its write to Keep, so
// awaiting each write bounds the memory a fast producer can take.
import { DomainError, isDomainError } from '../common/errors.js';
import type { BlockBuffers } from './block-buffers.js';
import type { FileNode } from './file-node.js';
import type { Flusher } from './flush.js';
import type { Clock } from './tree.js';

export interface FileWriterDeps {
  readonly flusher: Flusher;
  readonly buffers: BlockBuffers;
  readonly clock: Clock;
}

export class FileWriter {
  private readonly file: FileNode;
  private readonly deps: FileWriterDeps;
  private position = 0;
  private closed = false;

  constructor(file: FileNode, deps: FileWriterDeps) {
    this.file = file;
    this.deps = deps;
  }

  get bytesWritten(): number {
    return this.position;
  }

  /** Whether the next write takes a new full-block buffer (callers may wait for memory first). */
  takesBlock(): boolean {
    return this.file.startsFullSegment(this.position, this.deps.buffers.blockSize);
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.closed) throw new DomainError('InvalidArgument', 'write after close');
    this.throwFlushError();
    this.file.write(this.position, chunk, this.deps.buffers);
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
