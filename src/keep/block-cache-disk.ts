// The optional on-disk tier of the block cache: `<dir>/<first 3 hex>/<md5>`, at most
// `maxBytes` in total, least recently used removed first. It is only a cache: files are
// written without fsync (temp file + rename, so a reader never sees a partial block), every
// read is checked against its MD5 and a bad file is dropped, and any disk error just makes
// the entry a miss. Recency survives a restart through file mtimes (touched on hits).
import * as fs from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { HashPool } from '../common/hash-pool.js';

export interface DiskBlockCacheOptions {
  readonly dir: string;
  readonly maxBytes: number;
  readonly hashPool: HashPool;
  /** Sees disk errors (the cache carries on without the entry). */
  readonly onError?: (err: unknown) => void;
}

const BLOCK_NAME = /^[0-9a-f]{32}$/;
const PREFIX_NAME = /^[0-9a-f]{3}$/;

export class DiskBlockCache {
  /** hash -> size, least recently used first. */
  private readonly index = new Map<string, number>();
  private readonly writing = new Map<string, Promise<void>>();
  private bytes = 0;

  private constructor(private readonly opts: DiskBlockCacheOptions) {}

  /** Indexes what an earlier run left (oldest mtime = least recent) and removes temp files. */
  static async open(opts: DiskBlockCacheOptions): Promise<DiskBlockCache> {
    if (!Number.isSafeInteger(opts.maxBytes) || opts.maxBytes < 0) throw new RangeError(`bad disk cache size ${opts.maxBytes}`);
    const cache = new DiskBlockCache(opts);
    await fs.mkdir(opts.dir, { recursive: true });
    const found: Array<{ hash: string; size: number; mtimeMs: number }> = [];
    for (const prefix of await fs.readdir(opts.dir)) {
      if (!PREFIX_NAME.test(prefix)) continue;
      for (const name of await fs.readdir(join(opts.dir, prefix))) {
        const path = join(opts.dir, prefix, name);
        if (!BLOCK_NAME.test(name)) {
          await fs.rm(path, { force: true });
          continue;
        }
        const st = await fs.stat(path);
        found.push({ hash: name, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const f of found) cache.add(f.hash, f.size);
    await cache.evict();
    return cache;
  }

  get size(): { blocks: number; bytes: number } {
    return { blocks: this.index.size, bytes: this.bytes };
  }

  /** The block, verified; undefined when absent or unreadable. */
  async get(hash: string): Promise<Buffer | undefined> {
    if (!this.index.has(hash)) return undefined;
    const path = this.path(hash);
    try {
      const checked = await this.opts.hashPool.md5Owned(await fs.readFile(path));
      if (checked.md5 !== hash) throw new Error(`disk cache file ${path} failed verification`);
      this.add(hash, checked.buf.length);
      const now = new Date();
      fs.utimes(path, now, now).catch(() => {});
      return checked.buf;
    } catch (err) {
      this.forget(hash);
      await fs.rm(path, { force: true }).catch(() => {});
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.onError?.(err);
      return undefined;
    }
  }

  /** Stores the block in the background; `data` must not change afterwards (cached blocks never do). */
  put(hash: string, data: Buffer): void {
    if (!BLOCK_NAME.test(hash) || data.length > this.opts.maxBytes || this.index.has(hash) || this.writing.has(hash)) return;
    const writing = this.write(hash, data)
      .catch((err: unknown) => this.opts.onError?.(err))
      .finally(() => this.writing.delete(hash));
    this.writing.set(hash, writing);
  }

  /** Resolves once the background writes started so far have settled (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.writing.values());
  }

  private async write(hash: string, data: Buffer): Promise<void> {
    const path = this.path(hash);
    const temp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    await fs.mkdir(join(this.opts.dir, hash.slice(0, 3)), { recursive: true });
    try {
      await fs.writeFile(temp, data);
      await fs.rename(temp, path);
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => {});
      throw err;
    }
    this.add(hash, data.length);
    await this.evict();
  }

  private add(hash: string, size: number): void {
    this.forget(hash);
    this.index.set(hash, size);
    this.bytes += size;
  }

  private forget(hash: string): void {
    const size = this.index.get(hash);
    if (size === undefined) return;
    this.index.delete(hash);
    this.bytes -= size;
  }

  private async evict(): Promise<void> {
    const victims: string[] = [];
    for (const [hash] of this.index) {
      if (this.bytes <= this.opts.maxBytes) break;
      victims.push(hash);
      this.forget(hash);
    }
    for (const hash of victims) await fs.rm(this.path(hash), { force: true }).catch((err: unknown) => this.opts.onError?.(err));
  }

  private path(hash: string): string {
    return join(this.opts.dir, hash.slice(0, 3), hash);
  }
}
