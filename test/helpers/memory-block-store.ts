// In-memory BlockStore for tests of the layers above Keep. Locators are real (`<md5>+<size>`),
// data is copied on put and on get (callers may reuse their buffers), and hooks let a test
// inject delays or failures and observe how many puts run at once.
import { createHash } from 'node:crypto';
import { DomainError } from '../../src/common/errors.js';
import {
  EMPTY_BLOCK_LOCATOR,
  MAX_BLOCK_SIZE,
  type BlockGetOptions,
  type BlockPutOptions,
  type BlockPutResult,
  type BlockStore,
} from '../../src/keep/block-store.js';

export interface MemoryBlockStoreHooks {
  /** Runs before the block is stored; throw/reject to fail the put, await to delay it. */
  onPut?(data: Uint8Array, opts: BlockPutOptions | undefined): Promise<void> | void;
  /** Runs before a get/head is answered; throw/reject to fail it. */
  onGet?(locator: string): Promise<void> | void;
}

export interface MemoryBlockStoreCounters {
  puts: number;
  gets: number;
  heads: number;
  putsInFlight: number;
  maxPutsInFlight: number;
}

const HASH_RE = /^([0-9a-f]{32})\+(\d+)(?:\+|$)/;

export class MemoryBlockStore implements BlockStore {
  readonly blocks = new Map<string, Buffer>();
  readonly counters: MemoryBlockStoreCounters = { puts: 0, gets: 0, heads: 0, putsInFlight: 0, maxPutsInFlight: 0 };
  private readonly hooks: MemoryBlockStoreHooks;

  constructor(hooks: MemoryBlockStoreHooks = {}) {
    this.hooks = hooks;
  }

  async put(data: Uint8Array, opts?: BlockPutOptions): Promise<BlockPutResult> {
    const c = this.counters;
    c.puts++;
    c.putsInFlight++;
    c.maxPutsInFlight = Math.max(c.maxPutsInFlight, c.putsInFlight);
    try {
      const copy = Buffer.from(data); // copy before any await: the caller may reuse its buffer
      if (copy.length > MAX_BLOCK_SIZE) throw new DomainError('TooLarge', `block of ${copy.length} bytes exceeds 64 MiB`);
      await this.hooks.onPut?.(copy, opts);
      const md5 = createHash('md5').update(copy).digest('hex');
      if (opts?.md5 !== undefined && opts.md5 !== md5) throw new DomainError('InvalidArgument', 'MD5 mismatch');
      this.blocks.set(md5, copy);
      return { locator: `${md5}+${copy.length}`, replicas: opts?.replicas ?? 1 };
    } finally {
      c.putsInFlight--;
    }
  }

  async get(locator: string, _opts?: BlockGetOptions): Promise<Buffer> {
    this.counters.gets++;
    if (locator === EMPTY_BLOCK_LOCATOR) return Buffer.alloc(0);
    await this.hooks.onGet?.(locator);
    return Buffer.from(this.lookup(locator));
  }

  async head(locator: string, _opts?: BlockGetOptions): Promise<number> {
    this.counters.heads++;
    if (locator === EMPTY_BLOCK_LOCATOR) return 0;
    await this.hooks.onGet?.(locator);
    return this.lookup(locator).length;
  }

  /** Total bytes stored (handy for garbage/duplication assertions). */
  bytesStored(): number {
    let n = 0;
    for (const b of this.blocks.values()) n += b.length;
    return n;
  }

  private lookup(locator: string): Buffer {
    const m = HASH_RE.exec(locator);
    if (!m) throw new DomainError('InvalidArgument', `malformed locator ${locator}`);
    const block = this.blocks.get(m[1]!);
    if (!block) throw new DomainError('NotFound', `block ${m[1]} not found`);
    return block;
  }
}
