// Streams a request body into Keep through a scratch collection filesystem: bytes go into
// memSegments, full blocks flush in the background through the process-wide throttle
// (the writer waits while it is full), and the rest is flushed at the end. Nothing is
// visible to anyone until the caller splices the returned segments into a collection.

import { CollectionFS, type BlockBuffers, type FileWriter } from '../collectionfs/index.js';
import type { Throttle } from '../common/throttle.js';
import type { BlockStore } from '../keep/block-store.js';
import { locatorHash, locatorSize } from '../keep/locator.js';
import type { Segment } from '../manifest/types.js';
import { EMPTY_MD5 } from './etag.js';

export interface Md5Stream {
  /** May return a promise while the hash is behind (HashPool streams do): awaiting it bounds the bytes queued. */
  update(chunk: Uint8Array): void | Promise<void>;
  digest(): Promise<string>; // hex
  cancel?(): void;
}

export interface BodyWriterDeps {
  readonly blocks: BlockStore;
  readonly throttle: Throttle;
  readonly md5Stream: () => Md5Stream;
  readonly now: () => number;
  readonly openWrites: Set<{ memorySize(): number }>;
  /** Full-block buffers shared by every upload (hash workers read them without a copy). */
  readonly blockBuffers: BlockBuffers;
  /** Upload bytes the whole process may hold in memory before uploads flush short blocks early. */
  readonly uploadMemoryBytes: number;
}

export function memoryInUse(open: ReadonlySet<{ memorySize(): number }>): number {
  let total = 0;
  for (const fs of open) total += fs.memorySize();
  return total;
}

export interface WrittenBody {
  readonly segments: readonly Segment[];
  readonly size: number;
  readonly md5: string; // hex MD5 of the bytes
}

const FILE = 'body';
/** Longest wait for upload memory (a block write normally frees some well before). */
const BUDGET_WAIT_MS = 5000;

export async function writeBody(
  deps: BodyWriterDeps,
  body: AsyncIterable<Uint8Array>,
  opts: {
    token: string;
    replicas?: number | null;
    storageClasses?: readonly string[];
    /** The length the client declared: the body's buffers are taken once at their size. */
    expectedSize?: number;
  },
): Promise<WrittenBody> {
  const fs = new CollectionFS(undefined, {
    blocks: deps.blocks,
    clock: { now: deps.now },
    throttle: deps.throttle,
    blockBuffers: deps.blockBuffers,
    token: opts.token,
    ...(opts.replicas ? { replicas: opts.replicas } : {}),
    ...(opts.storageClasses?.length ? { storageClasses: opts.storageClasses } : {}),
  });
  const blockSize = deps.blockBuffers.blockSize;
  const budget = deps.uploadMemoryBytes;
  // A body that ends up as one block has that block's MD5, which the block store computes
  // anyway. So a body declared longer than a block is hashed on its own from its first byte,
  // one declared shorter not at all (unless the budget splits it), and one of unknown length
  // once it is past a quarter of a block (parts of multipart uploads are smaller; later would
  // cost a longer body that much more time: its hash can only finish after its last byte).
  const expected = opts.expectedSize;
  const ownHashFrom = expected === undefined ? blockSize / 4 : expected > blockSize ? 0 : Infinity;
  let md5: Md5Stream | undefined;
  const startMd5 = async (): Promise<Md5Stream> => {
    const stream = deps.md5Stream();
    // The bytes so far are one block still in memory (hashed in place); else read them back.
    const views = fs.peek(FILE, 0, size) ?? [await fs.read(FILE, 0, size)];
    const behind = views.map((view) => stream.update(view)); // all taken before anything changes
    await Promise.all(behind);
    return stream;
  };
  const writer = fs.openWriter(FILE, { expectedSize: opts.expectedSize });
  let size = 0;
  deps.openWrites.add(fs);
  try {
    for await (const chunk of body) {
      if (md5 === undefined && size + chunk.length > ownHashFrom) md5 = await startMd5();
      const behind = md5?.update(chunk);
      if (behind) await behind;
      size += chunk.length;
      await writeWithinBudget(writer, chunk, deps.blockBuffers, budget);
      // Many concurrent uploads each filling a 64 MiB block would hold too much: past the
      // budget (buffers held by all uploads, blocks being written included), this one writes
      // what it has as a short block and waits until blocks being written free enough.
      if (deps.blockBuffers.inUseBytes() > budget) {
        md5 ??= await startMd5();
        await fs.flush({ shortBlocks: true });
        await deps.blockBuffers.whenBelow(budget, BUDGET_WAIT_MS);
      }
    }
    await writer.close();
    await fs.sync();
  } catch (err) {
    md5?.cancel?.();
    // Let block writes already started finish, then hand the buffers back; the blocks are
    // referenced by nothing and the garbage collector removes them.
    await fs.idle().catch(() => undefined);
    fs.truncate(FILE, 0);
    throw err;
  } finally {
    deps.openWrites.delete(fs);
  }
  const segments = fs.fileSegments(FILE);
  return { segments, size, md5: md5 ? await md5.digest() : await wholeBlockMd5(fs, segments, size, deps.md5Stream) };
}

/**
 * Writes a chunk, taking a new segment's buffer (a full block for a long body) only once the
 * budget has room for it. A chunk that fills the segment and goes on is written in two: the
 * full segment starts its block write (which frees memory) before the rest waits for room.
 */
async function writeWithinBudget(writer: FileWriter, chunk: Uint8Array, buffers: BlockBuffers, budget: number): Promise<void> {
  for (let rest = chunk; rest.length > 0; ) {
    const room = writer.segmentRoom();
    // Checked again right before the write: another upload may take the room while this one waits.
    while (room === 0 && !hasRoom(writer, buffers, budget)) {
      // Uploads whose clients stall keep their buffers and can fill the budget: past the wait,
      // this one goes on with buffers that grow with what it receives.
      if (!(await buffers.whenBelow(budget - writer.takesBuffer(), BUDGET_WAIT_MS))) writer.growStepwise();
    }
    const piece = room > 0 && room < rest.length ? rest.subarray(0, room) : rest;
    await writer.write(piece);
    rest = rest.subarray(piece.length);
  }
}

/** Whether the budget has room for the buffer the writer's next write takes. */
function hasRoom(writer: FileWriter, buffers: BlockBuffers, budget: number): boolean {
  const need = writer.takesBuffer();
  return need === 0 || need > budget || buffers.inUseBytes() + need <= budget;
}

/** The MD5 of a body that was never hashed on its own: that of its only block. */
async function wholeBlockMd5(fs: CollectionFS, segments: readonly Segment[], size: number, md5Stream: () => Md5Stream): Promise<string> {
  const only = segments[0];
  if (segments.length === 0) return EMPTY_MD5;
  if (segments.length === 1 && only!.offset === 0 && locatorSize(only!.locator) === size) return locatorHash(only!.locator);
  const stream = md5Stream(); // not expected (a body of several blocks is hashed as it arrives)
  stream.update(await fs.read(FILE, 0, size));
  return stream.digest();
}
