// Shared setup for the DirBlockStore tests: a temp data dir, a hash pool, and an fs wrapper
// that records the order of durability-relevant operations.
import * as fsp from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HashPool } from '../../../src/common/hash-pool.js';
import { DirBlockStore, type DirBlockStoreOptions, type DirStoreFs } from '../../../src/keep/dir-store.js';

export interface StoreContext {
  readonly dataDir: string;
  readonly pool: HashPool;
  open(opts?: Partial<DirBlockStoreOptions>): Promise<DirBlockStore>;
  /** Every file under the data dir, relative to it. */
  files(): Promise<string[]>;
  dispose(): Promise<void>;
}

export async function storeContext(): Promise<StoreContext> {
  const dataDir = await fsp.mkdtemp(join(tmpdir(), 'keepgate-dirstore-'));
  const pool = new HashPool({ threads: 2, inlineBelowBytes: 1024 });
  return {
    dataDir,
    pool,
    open: (opts) => DirBlockStore.open({ dataDir, hashPool: pool, ...opts }),
    files: async () => {
      const entries = await fsp.readdir(dataDir, { recursive: true, withFileTypes: true });
      return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dataDir.length + 1)).sort();
    },
    dispose: async () => {
      await pool.close();
      await fsp.rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** node:fs/promises with `open` handles whose write/sync can be observed or replaced. */
export function wrappedFs(hooks: {
  onSync?(path: string): void;
  write?(path: string, real: FileHandle['write']): FileHandle['write'];
  onRename?(from: string, to: string): void;
}): DirStoreFs {
  return {
    ...fsp,
    open: (async (path: string, flags?: string, mode?: number) => {
      const fh = await fsp.open(path, flags, mode);
      const realSync = fh.sync.bind(fh);
      fh.sync = async () => {
        await realSync();
        hooks.onSync?.(path);
      };
      if (hooks.write) fh.write = hooks.write(path, fh.write.bind(fh));
      return fh;
    }) as DirStoreFs['open'],
    rename: async (from, to) => {
      await fsp.rename(from, to);
      hooks.onRename?.(String(from), String(to));
    },
  };
}
