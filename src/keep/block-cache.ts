// A read cache in front of any BlockStore (used for remote Keep): recently read blocks stay in
// memory, least recently used evicted first once their bytes exceed the budget, with an
// optional on-disk tier below. Concurrent reads of one block with one token share one fetch,
// so a ranged read that lands in a block being fetched does not fetch it again.
//
// Blocks are content addressed, so the cache is keyed by hash like the Go SDK's block cache:
// a hit is served to any caller presenting a locator for it. Callers hold locators only from
// manifests the API signed for them, which is the permission check keep-web relies on too.
// Returned buffers are shared between callers and must not be modified.
import { noopMetrics, type Metrics } from '../metrics/metrics.js';
import type { BlockGetOptions, BlockPutOptions, BlockPutResult, BlockStore } from './block-store.js';
import type { DiskBlockCache } from './block-cache-disk.js';
import { locatorHash } from './locator.js';

export interface CachingBlockStoreOptions {
  /** Memory budget; 0 keeps nothing in memory (reads are still shared while in flight). */
  readonly maxBytes: number;
  /** Second tier, consulted after memory and filled after each fetch. */
  readonly disk?: DiskBlockCache;
  readonly metrics?: Metrics;
}

export interface BlockCacheStats {
  readonly blocks: number;
  readonly bytes: number;
  readonly hits: number;
  readonly misses: number;
}

export class CachingBlockStore implements BlockStore {
  /** hash -> block, in least-recently-used-first order (Map keeps insertion order). */
  private readonly lru = new Map<string, Buffer>();
  private readonly inFlight = new Map<string, Promise<Buffer>>();
  private bytes = 0;
  private hits = 0;
  private misses = 0;
  private readonly metrics: Metrics;

  constructor(
    private readonly inner: BlockStore,
    private readonly opts: CachingBlockStoreOptions,
  ) {
    if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 0) throw new RangeError(`bad cache size ${opts.maxBytes}`);
    this.metrics = opts.metrics ?? noopMetrics;
  }

  put(data: Uint8Array, opts?: BlockPutOptions): Promise<BlockPutResult> {
    // Not cached: the caller owns `data` and may reuse it once the put settles.
    return this.inner.put(data, opts);
  }

  head(locator: string, opts?: BlockGetOptions): Promise<number> {
    const hit = this.lru.get(locatorHash(locator));
    return hit ? Promise.resolve(hit.length) : this.inner.head(locator, opts);
  }

  async get(locator: string, opts: BlockGetOptions = {}): Promise<Buffer> {
    const hash = locatorHash(locator);
    const hit = this.lru.get(hash);
    this.metrics.cacheLookup({ cache: 'block', hit: hit !== undefined });
    if (hit) {
      this.hits++;
      this.remember(hash, hit);
      return hit;
    }
    this.misses++;
    // Shared per token: a fetch failing for one caller's token must not fail another's.
    const key = `${hash} ${opts.token ?? ''}`;
    let fetching = this.inFlight.get(key);
    if (!fetching) {
      fetching = this.fetch(hash, locator, opts).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, fetching);
    }
    return fetching;
  }

  stats(): BlockCacheStats {
    return { blocks: this.lru.size, bytes: this.bytes, hits: this.hits, misses: this.misses };
  }

  private async fetch(hash: string, locator: string, opts: BlockGetOptions): Promise<Buffer> {
    const fromDisk = await this.opts.disk?.get(hash);
    if (fromDisk) {
      this.remember(hash, fromDisk);
      return fromDisk;
    }
    const data = await this.inner.get(locator, opts);
    this.remember(hash, data);
    this.opts.disk?.put(hash, data);
    return data;
  }

  /** Makes `hash` the most recently used entry, then evicts down to the budget. */
  private remember(hash: string, data: Buffer): void {
    const old = this.lru.get(hash);
    if (old) {
      this.lru.delete(hash);
      this.bytes -= old.length;
    }
    if (data.length > this.opts.maxBytes) return;
    this.lru.set(hash, data);
    this.bytes += data.length;
    for (const [oldest, block] of this.lru) {
      if (this.bytes <= this.opts.maxBytes) break;
      this.lru.delete(oldest);
      this.bytes -= block.length;
    }
  }
}
