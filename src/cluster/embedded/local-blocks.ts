// The embedded cluster's Keep: blocks up to `smallBlockMax` bytes in the metadata database
// (small-blocks.ts), larger ones as files (DirBlockStore). Reads look where a block of the
// locator's size is written and fall back to the files, where every block lived before the
// table existed. Small blocks are hashed on the event loop: for a few KiB that is cheaper than
// a round trip to a hash worker.

import { hash as digest } from 'node:crypto';
import { DomainError } from '../../common/errors.js';
import type { BlockGetOptions, BlockPutOptions, BlockPutResult, BlockStore } from '../../keep/block-store.js';
import type { DeleteBlockOptions, DirBlockStore, StoredBlock } from '../../keep/dir-store.js';
import { locatorHash, locatorSize } from '../../keep/locator.js';
import type { SmallBlockTable } from './small-blocks.js';
import type { CollectableStore } from './sweep.js';

export interface LocalBlockStoreOptions {
  readonly table: SmallBlockTable;
  readonly files: DirBlockStore;
  /** Largest block kept in the table; 0 keeps every block in files. */
  readonly smallBlockMax: number;
}

const LIST_PAGE = 1000;

export class LocalBlockStore implements BlockStore, CollectableStore {
  constructor(private readonly opts: LocalBlockStoreOptions) {}

  async put(data: Uint8Array, opts: BlockPutOptions = {}): Promise<BlockPutResult> {
    if (data.length === 0 || data.length > this.opts.smallBlockMax) return this.opts.files.put(data, opts);
    const md5 = digest('md5', data);
    if (opts.md5 !== undefined && opts.md5 !== md5) throw new DomainError('InvalidArgument', `content hash ${md5} did not match specified locator ${opts.md5}`);
    await this.opts.table.write(md5, data, { durable: opts.deferDurability !== true });
    return { locator: `${md5}+${data.length}`, replicas: 1, storageClasses: { default: 1 } };
  }

  async get(locator: string, opts?: BlockGetOptions): Promise<Buffer> {
    const hash = locatorHash(locator);
    const data = this.isSmall(locator) ? this.opts.table.read(hash) : undefined;
    if (data === undefined) return this.opts.files.get(locator, opts);
    const actual = digest('md5', data);
    if (actual !== hash) throw new DomainError('Corrupt', `block ${hash} failed verification (content hash ${actual})`);
    return data;
  }

  async head(locator: string, opts?: BlockGetOptions): Promise<number> {
    const size = this.isSmall(locator) ? this.opts.table.size(locatorHash(locator)) : undefined;
    return size ?? this.opts.files.head(locator, opts);
  }

  /** Every stored block: the table's, then the files'. */
  async *list(): AsyncIterable<StoredBlock> {
    for (let after = ''; ; ) {
      const page = this.opts.table.page(after, LIST_PAGE);
      yield* page;
      if (page.length < LIST_PAGE) break;
      after = page.at(-1)!.hash;
    }
    yield* this.opts.files.list();
  }

  /** Removes the block wherever it is stored; false when no copy was removed. */
  async delete(hash: string, opts: DeleteBlockOptions = {}): Promise<boolean> {
    const fromTable = await this.opts.table.delete(hash, opts);
    const fromFiles = await this.opts.files.delete(hash, opts);
    return fromTable || fromFiles;
  }

  /** Whether the table may hold it: a locator without a size hint may name a small block too. */
  private isSmall(locator: string): boolean {
    const size = locatorSize(locator);
    return size === undefined || (size > 0 && size <= this.opts.smallBlockMax);
  }
}
