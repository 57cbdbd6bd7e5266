// Streams a request body into Keep through a scratch collection filesystem: bytes go into
// memSegments, full blocks flush in the background through the process-wide throttle
// (the writer waits while it is full), and the rest is flushed at the end. Nothing is
// visible to anyone until the caller splices the returned segments into a collection.

import { CollectionFS } from '../collectionfs/fs.js';
import type { Throttle } from '../common/throttle.js';
import type { BlockStore } from '../keep/block-store.js';
import type { Segment } from '../manifest/types.js';

export interface Md5Stream {
  update(chunk: Uint8Array): void;
  digest(): Promise<string>; // hex
  cancel?(): void;
}

export interface BodyWriterDeps {
  readonly blocks: BlockStore;
  readonly throttle: Throttle;
  readonly md5Stream: () => Md5Stream;
  readonly now: () => number;
  readonly openWrites: Set<{ memorySize(): number }>;
}

export interface WrittenBody {
  readonly segments: readonly Segment[];
  readonly size: number;
  readonly md5: string; // hex MD5 of the bytes
}

const FILE = 'body';

export async function writeBody(
  deps: BodyWriterDeps,
  body: AsyncIterable<Uint8Array>,
  opts: { token: string; replicas?: number | null; storageClasses?: readonly string[] },
): Promise<WrittenBody> {
  const fs = new CollectionFS(undefined, {
    blocks: deps.blocks,
    clock: { now: deps.now },
    throttle: deps.throttle,
    token: opts.token,
    ...(opts.replicas ? { replicas: opts.replicas } : {}),
    ...(opts.storageClasses?.length ? { storageClasses: opts.storageClasses } : {}),
  });
  const md5 = deps.md5Stream();
  const writer = fs.openWriter(FILE);
  let size = 0;
  deps.openWrites.add(fs);
  try {
    for await (const chunk of body) {
      md5.update(chunk);
      size += chunk.length;
      await writer.write(chunk);
    }
    await writer.close();
    await fs.sync();
  } catch (err) {
    md5.cancel?.();
    // Let block writes already started finish before the buffers are dropped; their blocks
    // are referenced by nothing and the garbage collector removes them.
    await fs.idle().catch(() => undefined);
    throw err;
  } finally {
    deps.openWrites.delete(fs);
  }
  return { segments: fs.fileSegments(FILE), size, md5: await md5.digest() };
}
