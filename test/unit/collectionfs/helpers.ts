// Shared set-up for the collection filesystem tests: a fake clock, a block store that signs
// locators like keepstore (and can verify them like keepstore with BlobSigning on), and the
// Go tests' starting collection `./dir1 … 3:3:bar 0:3:foo`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DomainError } from '../../../src/common/errors.js';
import { resolve } from 'node:path';
import { Throttle } from '../../../src/common/throttle.js';
import type { BlockGetOptions, BlockPutOptions, BlockPutResult, BlockStore } from '../../../src/keep/block-store.js';
import { signLocator, verifySignature, assertSignature } from '../../../src/keep/signature.js';
import { parseManifest } from '../../../src/manifest/parse.js';
import { CollectionFS, type CollectionFSOptions } from '../../../src/collectionfs/fs.js';
import { MemoryBlockStore, type MemoryBlockStoreHooks } from '../../helpers/memory-block-store.js';

export class FakeClock {
  ms: number;
  constructor(ms = Date.UTC(2026, 0, 1)) {
    this.ms = ms;
  }
  now(): number {
    return this.ms;
  }
}

export const SIGNING_KEY = 'z2l4ee9dhbcf8qfy5kpcorkfdrxuo4c1awkfjeo2dbgsv89tof';
export const TOKEN = 'v2/zzzzz-gj3su-077z32aux8dg2s1/3kg6k6lzmp9kj5cpkcoxie963cmvjahbt2fod9zru30k1jqdmi';
export const TTL_SECONDS = 14 * 24 * 3600;

export interface SigningStoreOptions {
  readonly clock: FakeClock;
  /** Reject reads whose signature is missing, expired or invalid (keepstore with BlobSigning). */
  readonly verify?: boolean;
  readonly hooks?: MemoryBlockStoreHooks;
}

/**
 * A block store that only counts: put returns the real locator and drops the data (for tests
 * that push hundreds of MiB through the filesystem and never read them back).
 */
export class DiscardStore implements BlockStore {
  bytesPut = 0;
  private readonly onPut: MemoryBlockStoreHooks['onPut'];

  constructor(hooks: Pick<MemoryBlockStoreHooks, 'onPut'> = {}) {
    this.onPut = hooks.onPut;
  }

  async put(data: Uint8Array, opts?: BlockPutOptions): Promise<BlockPutResult> {
    await this.onPut?.(data, opts);
    this.bytesPut += data.length;
    return { locator: `${createHash('md5').update(data).digest('hex')}+${data.length}`, replicas: 1 };
  }

  async get(locator: string): Promise<Buffer> {
    throw new DomainError('NotFound', `discarded block ${locator}`);
  }

  async head(locator: string): Promise<number> {
    throw new DomainError('NotFound', `discarded block ${locator}`);
  }
}

/** A block store whose put answers are signed `+A` locators (92 chars for 64 MiB). */
export class SigningStore implements BlockStore {
  readonly inner: BlockStore;
  readonly reads: string[] = [];
  private readonly opts: SigningStoreOptions;

  constructor(opts: SigningStoreOptions & { inner?: BlockStore }) {
    this.opts = opts;
    this.inner = opts.inner ?? new MemoryBlockStore(opts.hooks);
  }

  sign(locator: string, expiresAtSeconds = Math.floor(this.opts.clock.now() / 1000) + TTL_SECONDS): string {
    return signLocator(locator, { key: SIGNING_KEY, token: TOKEN, expiresAt: expiresAtSeconds, ttlSeconds: TTL_SECONDS });
  }

  async put(data: Uint8Array, opts?: BlockPutOptions): Promise<BlockPutResult> {
    const res = await this.inner.put(data, opts);
    return { ...res, locator: this.sign(res.locator) };
  }

  async get(locator: string, opts?: BlockGetOptions): Promise<Buffer> {
    this.reads.push(locator);
    if (this.opts.verify) this.check(locator);
    return this.inner.get(locator, opts);
  }

  async head(locator: string, opts?: BlockGetOptions): Promise<number> {
    if (this.opts.verify) this.check(locator);
    return this.inner.head(locator, opts);
  }

  private check(locator: string): void {
    const now = Math.floor(this.opts.clock.now() / 1000);
    assertSignature(verifySignature(locator, { key: SIGNING_KEY, token: TOKEN, now, ttlSeconds: TTL_SECONDS }));
  }
}

export interface TestFs {
  readonly fs: CollectionFS;
  readonly store: BlockStore;
  readonly throttle: Throttle;
  readonly clock: FakeClock;
}

export interface NewFsOptions extends Partial<CollectionFSOptions> {
  /** Manifest text to start from. */
  readonly manifest?: string;
  readonly throttleLimit?: number;
}

export function newFs(opts: NewFsOptions = {}): TestFs {
  const clock = (opts.clock as FakeClock | undefined) ?? new FakeClock();
  const store = opts.blocks ?? new MemoryBlockStore();
  const throttle = opts.throttle ?? new Throttle(opts.throttleLimit ?? 4);
  const tree = opts.manifest === undefined ? undefined : parseManifest(opts.manifest);
  const fs = new CollectionFS(tree, { ...opts, blocks: store, throttle, clock });
  return { fs, store, throttle, clock };
}

/** A filesystem equal to what was marshalled, over the same store. */
export function reload(text: string, from: TestFs, opts: Partial<CollectionFSOptions> = {}): CollectionFS {
  return new CollectionFS(parseManifest(text), { blocks: from.store, throttle: from.throttle, clock: from.clock, ...opts });
}

export const FOO_AND_BAR_IN_DIR = './dir1 3858f62230ac3c915f300c664312c63f+6 3:3:bar 0:3:foo\n';

/** The Go suite's starting point: dir1/foo = "foo", dir1/bar = "bar" in one stored block. */
export async function fooAndBarFs(opts: NewFsOptions = {}): Promise<TestFs> {
  const store = (opts.blocks as MemoryBlockStore | undefined) ?? new MemoryBlockStore();
  await store.put(Buffer.from('foobar'));
  return newFs({ ...opts, blocks: store, manifest: FOO_AND_BAR_IN_DIR });
}

export const stripSignatures = (manifest: string): string => manifest.replace(/\+A[^+ ]+/g, '');

export function fixture<T>(name: string): T {
  const path = resolve(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'arvados', name);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Lets queued promise callbacks and I/O run (ordering only, never timing). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

/** A promise with its resolve function (to hold a block write until the test lets it go). */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}
