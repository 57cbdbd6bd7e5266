// Blocks as files on local disk: `<dataDir>/keep/<first 3 hex>/<md5>`. A put is durable before
// it resolves: temp file in the block's directory, fsync, rename, fsync of the directory
// (shared between concurrent puts, see dir-sync.ts). Every put and get is checked against
// the MD5 on a worker thread. Fsyncs run on the libuv threadpool, so many concurrent puts
// need a threadpool larger than the default 4 (UV_THREADPOOL_SIZE, set by main).
import * as nodeFs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DomainError } from '../common/errors.js';
import type { HashPool } from '../common/hash-pool.js';
import {
  EMPTY_BLOCK_LOCATOR,
  MAX_BLOCK_SIZE,
  type BlockGetOptions,
  type BlockPutOptions,
  type BlockPutResult,
  type BlockStore,
} from './block-store.js';
import { DirectorySyncer } from './dir-sync.js';
import { locatorHash } from './locator.js';

/** The file operations used, replaceable in tests (e.g. to simulate a full disk). */
export type DirStoreFs = Pick<typeof nodeFs, 'open' | 'rename' | 'unlink' | 'stat' | 'mkdir' | 'readdir' | 'utimes'>;

export interface DirBlockStoreOptions {
  /** Blocks live under `<dataDir>/keep`. */
  readonly dataDir: string;
  readonly hashPool: HashPool;
  readonly fs?: DirStoreFs;
  /**
   * Time source for block mtimes (set on every put, read by the garbage collector); by
   * default the file system's own clock.
   */
  readonly clock?: () => number;
}

export interface StoredBlock {
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface DeleteBlockOptions {
  /** Only delete when the block was last written or re-put before this time (ms epoch). */
  readonly ifUnchangedSince?: number;
}

const EMPTY_HASH = EMPTY_BLOCK_LOCATOR.slice(0, 32);
const BLOCK_NAME = /^[0-9a-f]{32}$/;
const PREFIX_NAME = /^[0-9a-f]{3}$/;
const TEMP_NAME = /^[0-9a-f]{32}\.tmp-[0-9a-f]+$/;
const UNAVAILABLE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EIO']);

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

export class DirBlockStore implements BlockStore {
  private readonly root: string;
  private readonly pool: HashPool;
  private readonly fs: DirStoreFs;
  private readonly clock: (() => number) | undefined;
  private readonly syncer: DirectorySyncer;
  /** Block directories known to exist durably in this process. */
  private readonly prefixes = new Map<string, Promise<void>>();
  /** Per-hash serialisation of put and delete (a re-put must not race the collector). */
  private readonly locks = new Map<string, Promise<void>>();

  private constructor(opts: DirBlockStoreOptions) {
    this.root = join(opts.dataDir, 'keep');
    this.pool = opts.hashPool;
    this.fs = opts.fs ?? nodeFs;
    this.clock = opts.clock;
    this.syncer = new DirectorySyncer((dir) => this.fsyncDir(dir));
  }

  /** Creates the block directory if needed and removes temp files left by a crash. */
  static async open(opts: DirBlockStoreOptions): Promise<DirBlockStore> {
    const store = new DirBlockStore(opts);
    await store.fs.mkdir(store.root, { recursive: true });
    for (const prefix of await store.prefixDirs()) {
      for (const name of await store.fs.readdir(join(store.root, prefix))) {
        if (TEMP_NAME.test(name)) await store.fs.unlink(join(store.root, prefix, name)).catch(() => {});
      }
    }
    return store;
  }

  /**
   * `data` must not change until the promise settles. With `opts.md5` the file is written while
   * the hash is computed (and renamed into place only once it matched).
   */
  async put(data: Uint8Array, opts: BlockPutOptions = {}): Promise<BlockPutResult> {
    if (data.length > MAX_BLOCK_SIZE) throw new DomainError('TooLarge', `block of ${data.length} bytes exceeds ${MAX_BLOCK_SIZE}`);
    if (opts.md5 !== undefined && !BLOCK_NAME.test(opts.md5)) throw new DomainError('InvalidArgument', `invalid md5 ${JSON.stringify(opts.md5)}`);
    const hashing = this.pool.md5(data);
    hashing.catch(() => {}); // awaited below, unless the write fails first
    const md5 = opts.md5 ?? (await hashing);
    const verify = async (): Promise<void> => {
      const actual = await hashing;
      if (actual !== md5) throw new DomainError('InvalidArgument', `content hash ${actual} did not match specified locator ${md5}`);
    };
    if (md5 === EMPTY_HASH) await verify();
    else await this.withLock(md5, () => this.write(md5, data, verify));
    return { locator: `${md5}+${data.length}`, replicas: 1, storageClasses: { default: 1 } };
  }

  async get(locator: string, _opts?: BlockGetOptions): Promise<Buffer> {
    const hash = locatorHash(locator);
    if (hash === EMPTY_HASH) return Buffer.alloc(0);
    let data: Buffer;
    try {
      data = await this.readWhole(this.blockPath(hash));
    } catch (err) {
      throw this.mapError(err, hash);
    }
    const checked = await this.pool.md5Owned(data);
    if (checked.md5 !== hash) throw new DomainError('Corrupt', `block ${hash} failed verification (content hash ${checked.md5})`);
    return checked.buf;
  }

  async head(locator: string, _opts?: BlockGetOptions): Promise<number> {
    const hash = locatorHash(locator);
    if (hash === EMPTY_HASH) return 0;
    try {
      return (await this.fs.stat(this.blockPath(hash))).size;
    } catch (err) {
      throw this.mapError(err, hash);
    }
  }

  /** Removes a block; false when it was absent or changed since `ifUnchangedSince`. */
  async delete(hash: string, opts: DeleteBlockOptions = {}): Promise<boolean> {
    if (!BLOCK_NAME.test(hash)) throw new DomainError('InvalidArgument', `invalid block hash ${JSON.stringify(hash)}`);
    return this.withLock(hash, async () => {
      const path = this.blockPath(hash);
      try {
        if (opts.ifUnchangedSince !== undefined && (await this.fs.stat(path)).mtimeMs >= opts.ifUnchangedSince) return false;
        await this.fs.unlink(path);
        return true;
      } catch (err) {
        if (errCode(err) === 'ENOENT') return false;
        throw err;
      }
    });
  }

  /** Every stored block, in no particular order. */
  async *list(): AsyncIterable<StoredBlock> {
    for (const prefix of await this.prefixDirs()) {
      const dir = join(this.root, prefix);
      const names = await this.fs.readdir(dir).catch((err: unknown) => (errCode(err) === 'ENOENT' ? [] : Promise.reject(err)));
      for (const name of names) {
        if (!BLOCK_NAME.test(name)) continue;
        const st = await this.fs.stat(join(dir, name)).catch(() => undefined); // deleted meanwhile
        if (st) yield { hash: name, size: st.size, mtimeMs: st.mtimeMs };
      }
    }
  }

  private async write(md5: string, data: Uint8Array, verify: () => Promise<void>): Promise<void> {
    const dir = await this.ensurePrefix(md5.slice(0, 3));
    const path = join(dir, md5);
    try {
      if (await this.sameContent(path, data)) {
        await verify();
        // Content addressed: no rewrite. Touch it so the collector sees a fresh block, and
        // sync the directory in case an earlier process crashed before doing so.
        const now = new Date(this.clock?.() ?? Date.now());
        await this.fs.utimes(path, now, now);
      } else {
        await this.writeNew(dir, md5, data, verify);
      }
      await this.syncer.sync(dir);
    } catch (err) {
      throw this.mapError(err, md5);
    }
  }

  /** True when `path` already holds exactly `data`; a damaged copy is rewritten. */
  private async sameContent(path: string, data: Uint8Array): Promise<boolean> {
    try {
      const st = await this.fs.stat(path);
      if (st.size !== data.length) return false;
      return (await this.readWhole(path)).equals(data);
    } catch (err) {
      if (errCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  private async writeNew(dir: string, md5: string, data: Uint8Array, verify: () => Promise<void>): Promise<void> {
    const tmp = join(dir, `${md5}.tmp-${randomBytes(6).toString('hex')}`);
    try {
      const fh = await this.fs.open(tmp, 'wx', 0o644);
      try {
        for (let off = 0; off < data.length; ) off += (await fh.write(data, off, data.length - off)).bytesWritten;
        if (this.clock) {
          const now = new Date(this.clock());
          await fh.utimes(now, now);
        }
        await fh.sync();
      } finally {
        await fh.close();
      }
      await verify();
      await this.fs.rename(tmp, join(dir, md5));
    } catch (err) {
      await this.fs.unlink(tmp).catch(() => {});
      throw err;
    }
  }

  /**
   * The file in one buffer of exactly its size, read in as few calls as the kernel allows
   * (readFile reads 512 KiB at a time, each a thread-pool round trip). The buffer is not from
   * Node's shared pool, so the hash pool can move it to a worker without a copy.
   */
  private async readWhole(path: string): Promise<Buffer> {
    const fh = await this.fs.open(path, 'r');
    try {
      const { size } = await fh.stat();
      const buf = Buffer.allocUnsafeSlow(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await fh.read(buf, at, size - at, at);
        if (bytesRead === 0) break; // shrank meanwhile: the hash check rejects it
        at += bytesRead;
      }
      return at === size ? buf : buf.subarray(0, at);
    } finally {
      await fh.close();
    }
  }

  private ensurePrefix(prefix: string): Promise<string> {
    const dir = join(this.root, prefix);
    let ready = this.prefixes.get(prefix);
    if (!ready) {
      ready = this.fs.mkdir(dir, { recursive: true }).then(() => this.syncer.sync(this.root));
      this.prefixes.set(prefix, ready);
      ready.catch(() => this.prefixes.delete(prefix)); // retry on the next put
    }
    return ready.then(() => dir);
  }

  private async fsyncDir(dir: string): Promise<void> {
    const fh = await this.fs.open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  private async prefixDirs(): Promise<string[]> {
    return (await this.fs.readdir(this.root)).filter((n) => PREFIX_NAME.test(n));
  }

  private blockPath(hash: string): string {
    return join(this.root, hash.slice(0, 3), hash);
  }

  private mapError(err: unknown, hash: string): unknown {
    const code = errCode(err);
    if (code === 'ENOENT') return new DomainError('NotFound', `block ${hash} not found`);
    if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
      return new DomainError('Unavailable', `block storage unavailable (${code})`, { cause: err });
    }
    return err;
  }

  private async withLock<T>(hash: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(hash) ?? Promise.resolve();
    const run = prev.then(fn);
    const settled = run.then(
      () => {},
      () => {},
    );
    this.locks.set(hash, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(hash) === settled) this.locks.delete(hash);
    }
  }
}
