// CollectionFS: one collection's files as a filesystem over a BlockStore (ARVADOS.md g).
// Namespace and edits are synchronous (one JS turn each, so concurrent requests cannot tear
// them); reads and block writes are async and re-check what they captured before using it.
import type { Readable } from 'node:stream';
import { DomainError } from '../common/errors.js';
import type { Throttle } from '../common/throttle.js';
import { MAX_BLOCK_SIZE, type BlockStore } from '../keep/block-store.js';
import { marshalManifest } from '../manifest/marshal.js';
import type { ManifestTree, Segment } from '../manifest/types.js';
import { BlockBuffers } from './block-buffers.js';
import type { DirNode } from './dir-node.js';
import { FileNode } from './file-node.js';
import { Flusher } from './flush.js';
import { memViews, readPieces, streamPieces, type FetchBlock } from './reader.js';
import { storedSegment, withLocator, type FileSegment } from './segments.js';
import { SignatureKeeper } from './signatures.js';
import { spliceSnapshot, takeSnapshot, type Snapshot } from './snapshot.js';
import { loadTree, manifestSegments, toManifestTree } from './tree-io.js';
import { Tree, type Clock, type CreateFileOptions } from './tree.js';
import { FileWriter, type FileWriterOptions } from './writer.js';

export interface CollectionFSOptions {
  readonly blocks: BlockStore;
  /** The process-wide block-write throttle. */
  readonly throttle: Throttle;
  readonly clock: Clock;
  /** Token for block reads and writes (writes come back signed for it). */
  readonly token?: string;
  readonly replicas?: number;
  readonly storageClasses?: readonly string[];
  /** Default 64 MiB (or the size of `blockBuffers`); smaller in tests. */
  readonly maxBlockSize?: number;
  /** Pool of full-block buffers, shareable between filesystems (default: one of its own). */
  readonly blockBuffers?: BlockBuffers;
  /** Returns freshly signed manifest text of this collection (ARVADOS.md b.3). */
  readonly refresh?: () => Promise<string>;
  /** The cluster's signature TTL if known (else guessed from the locators seen). */
  readonly signatureTtlMs?: number;
  /** Modification time given to loaded nodes (the collection's modified_at); default now. */
  readonly modifiedAtMs?: number;
}

export interface FileStat {
  readonly type: 'file' | 'dir';
  /** Bytes for a file, number of entries for a directory. */
  readonly size: number;
  readonly mtimeMs: number;
}

export interface DirEntry extends FileStat {
  readonly name: string;
}

export type SegmentInfo =
  | { readonly kind: 'mem'; readonly length: number; readonly flushing: boolean }
  | { readonly kind: 'stored'; readonly locator: string; readonly offset: number; readonly length: number };

export interface FlushOptions {
  /** A directory whose files (not subdirectories) are flushed; omitted or '' = the whole tree. */
  readonly path?: string;
  /** Also write partly filled blocks. */
  readonly shortBlocks: boolean;
}

export interface ReadStreamOptions {
  readonly start?: number;
  /** Inclusive, like fs.createReadStream. */
  readonly end?: number;
}

// Per-node and per-segment overheads of memorySize(), as the Go SDK counts them (g.7).
const NODE_COST = 64;
const SEGMENT_COST = 64;

export class CollectionFS {
  private readonly tree: Tree;
  private readonly opts: CollectionFSOptions;
  private readonly buffers: BlockBuffers;
  private readonly flusher: Flusher;
  private readonly signatures: SignatureKeeper;
  private readonly fetchBlock: FetchBlock;

  constructor(manifest: ManifestTree | undefined, opts: CollectionFSOptions) {
    this.opts = opts;
    const blockSize = opts.maxBlockSize ?? opts.blockBuffers?.blockSize ?? MAX_BLOCK_SIZE;
    if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
      throw new RangeError(`maxBlockSize must be 1..${MAX_BLOCK_SIZE}`);
    }
    if (opts.blockBuffers && opts.blockBuffers.blockSize !== blockSize) throw new RangeError('blockBuffers has another block size');
    this.buffers = opts.blockBuffers ?? new BlockBuffers({ blockSize });
    this.tree = new Tree(opts.clock);
    if (manifest) loadTree(this.tree, manifest, opts.modifiedAtMs ?? opts.clock.now());
    const { token, replicas, storageClasses } = opts;
    this.flusher = new Flusher({
      blocks: opts.blocks,
      throttle: opts.throttle,
      buffers: this.buffers,
      putOptions: { token, replicas, storageClasses },
    });
    this.signatures = new SignatureKeeper({
      refresh: opts.refresh,
      clock: opts.clock,
      signatureTtlMs: opts.signatureTtlMs,
      apply: (fresh) => this.applySignatures(fresh),
    });
    this.fetchBlock = async (locator) => opts.blocks.get(await this.signatures.forRead(locator), { token });
  }

  stat(path: string): FileStat {
    return statOf(this.tree.lookup(path, 'stat'));
  }

  /** Entries sorted by the UTF-8 bytes of their names. */
  readdir(path: string): DirEntry[] {
    const dir = this.tree.lookupDir(path, 'readdir');
    return dir.sortedNames().map((name) => ({ name, ...statOf(dir.children.get(name)!) }));
  }

  mkdir(path: string): void {
    this.tree.mkdir(path);
  }

  mkdirAll(path: string): void {
    this.tree.mkdirAll(path);
  }

  /** Creates an empty file if missing (parent must exist). */
  create(path: string, opts: CreateFileOptions = {}): void {
    this.tree.createFile(path, opts);
  }

  remove(path: string): void {
    this.tree.remove(path);
  }

  removeAll(path: string): void {
    this.tree.removeAll(path);
  }

  rename(oldPath: string, newPath: string): void {
    this.tree.rename(oldPath, newPath);
  }

  /** Up to `length` bytes from `offset` (fewer at the end of the file). */
  async read(path: string, offset: number, length: number): Promise<Buffer> {
    checkRange(offset, length);
    const pieces = this.tree.lookupFile(path, 'read').readPlan(offset, offset + length);
    return readPieces(pieces, this.fetchBlock);
  }

  /**
   * Views of bytes [start, end) of a file when they are all still in memory (else undefined),
   * without copying: valid only until the file next changes, so use them at once.
   */
  peek(path: string, start: number, end: number): Buffer[] | undefined {
    checkRange(start, end - start);
    return memViews(this.tree.lookupFile(path, 'read').readPlan(start, end));
  }

  /** Streams bytes start..end (inclusive); lookup errors are thrown before anything is sent. */
  createReadStream(path: string, opts: ReadStreamOptions = {}): Readable {
    const start = opts.start ?? 0;
    const endExclusive = opts.end === undefined ? Number.MAX_SAFE_INTEGER : opts.end + 1;
    checkRange(start, endExclusive - start);
    const pieces = this.tree.lookupFile(path, 'read').readPlan(start, endExclusive);
    return streamPieces(pieces, this.fetchBlock);
  }

  /** Writes at `offset` (creating the file; a gap is zero-filled); waits for full blocks' slots. */
  async write(path: string, offset: number, data: Uint8Array): Promise<void> {
    checkRange(offset, data.length);
    const file = this.tree.createFile(path);
    file.write(offset, data, this.buffers);
    file.mtimeMs = this.opts.clock.now();
    await this.flusher.flushFull(file);
  }

  truncate(path: string, size: number): void {
    checkRange(size, 0);
    const file = this.tree.lookupFile(path, 'truncate');
    file.truncate(size, this.buffers);
    file.mtimeMs = this.opts.clock.now();
  }

  /** A sequential writer; creates the file or empties an existing one. */
  openWriter(path: string, opts: FileWriterOptions = {}): FileWriter {
    const file = this.tree.createFile(path);
    file.truncate(0, this.buffers);
    return new FileWriter(file, { flusher: this.flusher, buffers: this.buffers, clock: this.opts.clock }, opts);
  }

  /**
   * Starts writing in-memory data to Keep (g.5) and resolves once every block write has a
   * throttle slot. Background write errors are not reported here (sync() reports them).
   */
  async flush(opts: FlushOptions): Promise<void> {
    const whole = opts.path === undefined || opts.path === '';
    const dir = whole ? this.tree.root : this.tree.lookupDir(opts.path!, 'flush');
    await this.flusher.packDir(dir, { shortBlocks: opts.shortBlocks, recursive: whole, surfaceErrors: false });
  }

  /** Resolves when no block write is waiting or in flight. */
  async idle(): Promise<void> {
    await this.flusher.idle();
  }

  /** Writes everything still in memory to Keep, short blocks included; rejects on write errors. */
  async sync(): Promise<void> {
    // Repeats while writes keep arriving; stops once a pass finds nothing to write and no
    // background write is pending (so it can never spin without yielding).
    for (;;) {
      await this.flusher.idle();
      const done = await this.flusher.packDir(this.tree.root, { shortBlocks: true, recursive: true, surfaceErrors: true });
      if (done.length === 0 && !this.flusher.busy()) return;
      await Promise.all(done);
    }
  }

  /** The synced tree for marshalManifest (DomainError 'Internal' if data is still in memory). */
  toTree(): ManifestTree {
    return toManifestTree(this.tree);
  }

  /** Syncs, then returns the manifest text (signed locators as the BlockStore returned them). */
  async marshal(): Promise<string> {
    await this.sync();
    return marshalManifest(this.toTree());
  }

  /** A detached deep copy of a file or directory subtree. */
  snapshot(path: string): Snapshot {
    return takeSnapshot(this.tree.lookup(path, 'snapshot'));
  }

  /** Installs a copy of `snap` at `path`: replaces a file, or a directory's children. */
  splice(path: string, snap: Snapshot): void {
    spliceSnapshot(this.tree, path, snap, this.opts.clock.now());
  }

  /** Makes `path` a file of the given stored segments (no bytes are copied). */
  spliceSegments(path: string, segments: readonly Segment[]): void {
    const stored = segments.filter((s) => s.length > 0).map(storedSegment);
    this.tree.replaceFile(path, new FileNode(this.opts.clock.now(), stored), 'splice');
  }

  /** The stored segments of a file (after sync). */
  fileSegments(path: string): Segment[] {
    return manifestSegments(this.tree.lookupFile(path, 'segments'), path);
  }

  /** The current segment list of a file, for diagnostics and tests. */
  inspectSegments(path: string): SegmentInfo[] {
    return this.tree.lookupFile(path, 'segments').segments.map((s) =>
      s.kind === 'mem'
        ? { kind: 'mem', length: s.length, flushing: s.flushing !== undefined }
        : { kind: 'stored', locator: s.locator, offset: s.offset, length: s.length },
    );
  }

  /** Memory held, counted as the Go SDK does: 64 per node + 64 + bytes (or locator) per segment. */
  memorySize(): number {
    let total = 0;
    for (const node of this.tree.nodes()) total += NODE_COST + (node.kind === 'file' ? segmentsCost(node.segments) : 0);
    return total;
  }

  /** Bytes not yet stored in Keep. */
  unflushedBytes(): number {
    let total = 0;
    for (const node of this.tree.nodes()) if (node.kind === 'file') total += node.memBytes;
    return total;
  }

  /** Total size of all files. */
  size(): number {
    let total = 0;
    for (const node of this.tree.nodes()) if (node.kind === 'file') total += node.size();
    return total;
  }

  private applySignatures(fresh: ReadonlyMap<string, string>): void {
    for (const node of this.tree.nodes()) {
      if (node.kind !== 'file') continue;
      node.segments.forEach((s, i) => {
        if (s.kind !== 'stored') return;
        const loc = fresh.get(s.locator.slice(0, 32));
        if (loc !== undefined && loc !== s.locator) node.segments[i] = withLocator(s, loc);
      });
    }
  }
}

function statOf(node: FileNode | DirNode): FileStat {
  return node.kind === 'file'
    ? { type: 'file', size: node.size(), mtimeMs: node.mtimeMs }
    : { type: 'dir', size: node.children.size, mtimeMs: node.mtimeMs };
}

function segmentsCost(segments: readonly FileSegment[]): number {
  let n = 0;
  for (const s of segments) n += SEGMENT_COST + (s.kind === 'mem' ? s.length : s.locator.length);
  return n;
}

function checkRange(offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new DomainError('InvalidArgument', `invalid offset/length ${offset}/${length}`);
  }
}
