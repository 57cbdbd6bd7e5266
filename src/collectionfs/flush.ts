// Writing MemSegments to Keep (ARVADOS.md g.3–g.5). Every block write holds a slot of the one
// process-wide Throttle from before it starts until it ends; callers wait for the slot, which is
// where a fast writer meets backpressure. While a write is in flight its segments carry a
// ticket (copy-on-write, g.4); afterwards each segment is swapped for a stored one only if it is
// still the same object, with the same ticket and length.
import type { BlockPutOptions, BlockStore } from '../keep/block-store.js';
import type { Throttle } from '../common/throttle.js';
import { compareUtf8 } from '../common/utf8-order.js';
import type { DirNode } from './dir-node.js';
import type { FileNode } from './file-node.js';
import type { BlockBuffers } from './block-buffers.js';
import type { MemSegment } from './segments.js';

export interface FlusherOptions {
  readonly blocks: BlockStore;
  readonly throttle: Throttle;
  readonly buffers: BlockBuffers;
  readonly putOptions: BlockPutOptions;
}

export interface PackOptions {
  /** Also write the last, partly filled block of each directory. */
  readonly shortBlocks: boolean;
  /** Include subdirectories (each packed on its own: blocks never span directories). */
  readonly recursive: boolean;
  /** Write errors reject the returned completions (else they are kept on the files). */
  readonly surfaceErrors: boolean;
}

interface Ref {
  readonly file: FileNode;
  readonly seg: MemSegment;
  readonly length: number;
}

export class Flusher {
  private readonly opts: FlusherOptions;
  private readonly inflight = new Set<Promise<void>>();

  constructor(opts: FlusherOptions) {
    this.opts = opts;
  }

  /** Early flush (g.3): starts a block write for every full MemSegment of the file. */
  async flushFull(file: FileNode): Promise<void> {
    const max = this.opts.buffers.blockSize;
    const full = file.memSegments().filter((s) => s.length === max && s.flushing === undefined);
    for (const seg of full) await this.start([{ file, seg, length: seg.length }], { surfaceErrors: false })?.slot;
  }

  /**
   * Packs the MemSegments of the files in `dir`, in sorted-name order, into blocks (g.5):
   * a segment over half a block goes alone, smaller ones share a block until the next would
   * overflow it. Resolves once every write has a throttle slot, with their completions.
   */
  async packDir(dir: DirNode, opts: PackOptions): Promise<Array<Promise<void>>> {
    const max = this.opts.buffers.blockSize;
    const done: Array<Promise<void>> = [];
    const commit = async (refs: Ref[]): Promise<void> => {
      const started = this.start(refs, opts);
      if (!started) return;
      done.push(started.done);
      await started.slot;
    };
    // Only files holding unsaved bytes need the sorted walk (a big, clean tree costs a scan).
    const subdirs: DirNode[] = [];
    const dirty: Array<[string, FileNode]> = [];
    for (const [name, node] of dir.children) {
      if (node.kind === 'dir') {
        if (opts.recursive) subdirs.push(node);
      } else if (node.memBytes > 0) {
        dirty.push([name, node]);
      }
    }
    dirty.sort(([a], [b]) => compareUtf8(a, b));
    let pending: Ref[] = [];
    let pendingSize = 0;
    for (const [, node] of dirty) {
      for (const seg of node.memSegments()) {
        if (seg.flushing !== undefined) continue;
        const ref = { file: node, seg, length: seg.length };
        if (seg.length > max / 2) {
          await commit([ref]);
          continue;
        }
        if (pendingSize + seg.length > max) {
          await commit(pending);
          pending = [];
          pendingSize = 0;
        }
        pending.push(ref);
        pendingSize += seg.length;
      }
    }
    if (opts.shortBlocks && pending.length > 0) await commit(pending);
    for (const sub of subdirs) for (const d of await this.packDir(sub, opts)) done.push(d);
    return done;
  }

  busy(): boolean {
    return this.inflight.size > 0;
  }

  /** Resolves when no block write is waiting or in flight. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Marks the segments and builds the block now; `slot` resolves once the throttle admits the
   * write, `done` when it has ended. Segments that changed since they were picked are left out.
   */
  private start(refs: Ref[], opts: { surfaceErrors: boolean }): { slot: Promise<void>; done: Promise<void> } | undefined {
    const live = refs.filter((r) => r.seg.flushing === undefined && r.seg.length === r.length && r.length > 0);
    if (live.length === 0) return undefined;
    const ticket = {};
    for (const r of live) r.seg.flushing = ticket;
    // One segment: its buffer is used as is (copy-on-write protects it); several: concatenated
    // into a pooled buffer that goes back to the pool when the write has ended.
    const data = live.length === 1 ? live[0]!.seg.bytes() : this.concat(live);
    let admitted!: () => void;
    const slot = new Promise<void>((resolve) => (admitted = resolve));
    const done = this.write(live, ticket, data, admitted);
    const tracked = done.then(
      () => undefined,
      () => undefined,
    );
    this.inflight.add(tracked);
    void tracked.then(() => this.inflight.delete(tracked));
    if (opts.surfaceErrors) return { slot, done };
    // In the background a failed write is not fatal: the bytes stay in memory for a later
    // flush, and the error is left on the files for their writers to report.
    const kept = done.catch((err: unknown) => {
      for (const r of live) r.file.flushError = err;
    });
    return { slot, done: kept };
  }

  private async write(live: Ref[], ticket: object, data: Buffer, admitted: () => void): Promise<void> {
    await this.opts.throttle.acquire();
    admitted();
    const stored = new Set<MemSegment>();
    try {
      // Every segment changed while we waited: the block would be referenced by nobody.
      if (live.every((r) => r.seg.flushing !== ticket)) return;
      const { locator } = await this.opts.blocks.put(data, this.opts.putOptions);
      let offset = 0;
      for (const r of live) {
        const seg = { kind: 'stored', locator, blockSize: data.length, offset, length: r.length } as const;
        if (r.file.swapStored(r.seg, ticket, seg)) {
          r.file.flushError = undefined;
          r.seg.retire(this.opts.buffers);
          stored.add(r.seg);
        }
        offset += r.length;
      }
    } finally {
      this.opts.throttle.release();
      for (const r of live) if (r.seg.flushing === ticket) r.seg.flushing = undefined;
      // A concatenated block's buffer was ours; so is a segment's old buffer once the segment
      // changed meanwhile and moved to a copy (copy-on-write). A segment truncated away while
      // it was being written is nobody's any more, unless another write picked it up since.
      const single = live.length === 1 ? live[0]!.seg : undefined;
      const movedOff = single !== undefined && !stored.has(single) && !single.holds(data);
      const orphans = live.filter((r) => !stored.has(r.seg) && r.seg.flushing === undefined && !r.file.contains(r.seg));
      for (const r of orphans) r.seg.retire(this.opts.buffers);
      if (!single || movedOff) this.opts.buffers.give(Buffer.from(data.buffer));
    }
  }

  private concat(refs: readonly Ref[]): Buffer {
    const total = refs.reduce((n, r) => n + r.length, 0);
    const out = this.opts.buffers.take(this.opts.buffers.capacityFor(total));
    let at = 0;
    for (const r of refs) at += r.seg.bytes().copy(out, at);
    return out.subarray(0, total);
  }
}
