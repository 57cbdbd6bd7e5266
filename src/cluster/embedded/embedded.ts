// openEmbeddedCluster: the whole embedded backend in this process. SQLite metadata at
// `<dataDir>/metadata.sqlite`, blocks in its small_blocks table (a few KiB) or under
// `<dataDir>/keep` (LocalBlockStore) wrapped in a SigningBlockStore, the ArvadosApi
// implementation, and a maintenance timer (trash sweep, then block GC). The http layer serves
// `api` and `keepBlocks`; the gateway uses `blocks`; main prints `bootstrap`.

import { mkdir } from 'node:fs/promises';
import type { Cluster, ClusterInfo } from '../cluster.js';
import { HashPool } from '../../common/hash-pool.js';
import { CachingBlockStore } from '../../keep/block-cache.js';
import { DirBlockStore } from '../../keep/dir-store.js';
import { SigningBlockStore } from '../../keep/signing-store.js';
import type { BlockStore } from '../../keep/block-store.js';
import type { User } from '../../arvados-api/types.js';
import { EmbeddedApi } from './api.js';
import { bootstrapAdmin, type Bootstrap } from './bootstrap.js';
import { Checkpointer } from './checkpointer.js';
import type { EmbeddedCounters } from './context.js';
import type { Db } from './db.js';
import type { GroupCommitStats } from './group-commit.js';
import { LocalBlockStore } from './local-blocks.js';
import { SmallBlockTable } from './small-blocks.js';
import { DEFAULT_BLOB_SIGNING_TTL, openEmbeddedMetadata } from './metadata.js';
import { collectGarbage, sweepTrash, type GcResult, type SweepResult } from './sweep.js';
import { insertToken, insertUser } from './users.js';

export interface EmbeddedClusterOptions {
  readonly dataDir: string;
  /** Used on first start only (later starts must match or omit it). */
  readonly clusterId?: string;
  /** A v2 token installed as the admin's token (KEEPGATE_ADMIN_TOKEN). */
  readonly adminToken?: string;
  /** Default 1209600 (two weeks, Arvados' default). */
  readonly blobSigningTtlSeconds?: number;
  /** Milliseconds since the epoch; default Date.now. */
  readonly clock?: () => number;
  /** Worker threads hashing blocks when no hashPool is given (default 2). */
  readonly hashThreads?: number;
  /** A shared pool (not closed by close()); otherwise one is created and owned. */
  readonly hashPool?: HashPool;
  /**
   * Memory for recently read blocks (default 32 MiB). Reading a small block from its file
   * costs several threadpool round trips and an MD5 check on a worker; a hit costs neither.
   * Blocks larger than this are never kept. Written blocks are not cached: a block is
   * served from memory only after it was read, and so verified, from disk.
   */
  readonly blockCacheBytes?: number;
  /** Largest block stored in the database rather than as a file (default 64 KiB; 0: none). */
  readonly smallBlockMaxBytes?: number;
  /** Default true: submitted locators and Keep reads need valid signatures. */
  readonly requireSignatures?: boolean;
  /** Period of the trash sweep + block GC; default 10 minutes, 0 disables the timer. */
  readonly maintenanceIntervalMs?: number;
  /** Sees errors of background maintenance (default: ignored; the next run retries). */
  readonly onMaintenanceError?: (err: unknown) => void;
}

export interface NewUserWithToken {
  readonly email: string;
  readonly username: string;
  readonly admin?: boolean;
  /** Token scopes, default ["all"]; e.g. ["GET /"] for a read-only token. */
  readonly scopes?: readonly string[];
}

export interface EmbeddedCluster extends Cluster {
  readonly info: ClusterInfo;
  readonly api: EmbeddedApi;
  /**
   * The gateway's Keep: small blocks it puts become durable with the metadata commit that
   * names them (one shared sync instead of two), see BlockPutOptions.deferDurability.
   */
  readonly blocks: BlockStore;
  /** Signing store over the local blocks, every put durable: what the Keep HTTP handler serves. */
  readonly keepBlocks: SigningBlockStore;
  /** The unsigned local blocks (table and files), for the collector, tests and diagnostics. */
  readonly localBlocks: LocalBlockStore;
  readonly bootstrap: Bootstrap;
  readonly counters: Readonly<EmbeddedCounters>;
  readonly commitStats: Readonly<GroupCommitStats>;
  /** Tells keep_services/accessible where the Keep API is (the API listener's URL). */
  setApiUrl(url: string): void;
  createUserWithToken(attrs: NewUserWithToken): Promise<{ user: User; token: string }>;
  sweepTrash(now?: number): Promise<SweepResult>;
  collectGarbage(now?: number): Promise<GcResult>;
  /** The database handle, for tests and diagnostics (integrity checks). */
  readonly db: Db;
}

export { DATABASE_FILE } from './metadata.js';
const DEFAULT_MAINTENANCE_MS = 10 * 60 * 1000;
const DEFAULT_BLOCK_CACHE_BYTES = 32 * 2 ** 20;
const DEFAULT_SMALL_BLOCK_MAX = 64 * 1024;

export async function openEmbeddedCluster(opts: EmbeddedClusterOptions): Promise<EmbeddedCluster> {
  const clock = opts.clock ?? Date.now;
  const ttl = opts.blobSigningTtlSeconds ?? DEFAULT_BLOB_SIGNING_TTL;
  await mkdir(opts.dataDir, { recursive: true });
  // The checkpointer needs the database, the database's commits need the checkpointer.
  const late: { checkpointer?: Checkpointer } = {};
  const metadata = openEmbeddedMetadata({ ...opts, clock, blobSigningTtlSeconds: ttl, memoizeReads: true, onCommit: () => late.checkpointer?.noteCommit() });
  const { ctx } = metadata;
  const { db, commit } = ctx;
  const ownPool = opts.hashPool === undefined ? new HashPool({ threads: opts.hashThreads ?? 2 }) : undefined;
  const hashPool = opts.hashPool ?? ownPool!;
  try {
    const checkpointer = new Checkpointer(db, { hold: (work) => commit.whileHeld(work), ...(opts.onMaintenanceError ? { onError: opts.onMaintenanceError } : {}) });
    late.checkpointer = checkpointer;
    const bootstrap = bootstrapAdmin(ctx, opts);
    const files = await DirBlockStore.open({ dataDir: opts.dataDir, hashPool, clock });
    const localBlocks = new LocalBlockStore({ table: new SmallBlockTable(ctx), files, smallBlockMax: opts.smallBlockMaxBytes ?? DEFAULT_SMALL_BLOCK_MAX });
    const cached = new CachingBlockStore(localBlocks, { maxBytes: opts.blockCacheBytes ?? DEFAULT_BLOCK_CACHE_BYTES });
    const keepBlocks = new SigningBlockStore(cached, { key: ctx.blobSigningKey, ttlSeconds: ttl, requireSignatures: ctx.requireSignatures, clock });
    const api = new EmbeddedApi(ctx);
    const maintenance = new Maintenance(opts.maintenanceIntervalMs ?? DEFAULT_MAINTENANCE_MS, async () => {
      await sweepTrash(ctx, clock());
      await collectGarbage(ctx, localBlocks, clock());
    }, opts.onMaintenanceError);
    let closed = false;
    return {
      info: { clusterId: ctx.clusterId, blobSigningTtl: ttl },
      api,
      blocks: deferringPuts(keepBlocks),
      keepBlocks,
      localBlocks,
      bootstrap,
      counters: ctx.counters,
      get commitStats() {
        return commit.stats;
      },
      db,
      setApiUrl: (url) => api.setKeepServiceUrl(url),
      createUserWithToken: (attrs) =>
        commit.run(() => {
          const user = insertUser(ctx, { email: attrs.email, username: attrs.username, is_admin: attrs.admin === true });
          return { user, token: insertToken(ctx, { ownerUuid: user.uuid, scopes: attrs.scopes }).token };
        }),
      sweepTrash: (now = clock()) => sweepTrash(ctx, now),
      collectGarbage: (now = clock()) => collectGarbage(ctx, localBlocks, now),
      async close() {
        if (closed) return;
        closed = true;
        await maintenance.stop();
        await checkpointer.close();
        await metadata.close();
        await ownPool?.close();
      },
    };
  } catch (err) {
    await late.checkpointer?.close();
    await metadata.close();
    await ownPool?.close();
    throw err;
  }
}

/** `store` with every put marked deferDurability: the gateway commits metadata before it answers. */
function deferringPuts(store: BlockStore): BlockStore {
  return {
    put: (data, opts) => store.put(data, { ...opts, deferDurability: true }),
    get: (locator, opts) => store.get(locator, opts),
    head: (locator, opts) => store.head(locator, opts),
  };
}

/** Runs `task` every `intervalMs` (never two at once); stop() waits for a running one. */
class Maintenance {
  private readonly timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(intervalMs: number, task: () => Promise<void>, onError: ((err: unknown) => void) | undefined) {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = task()
        .catch((err: unknown) => onError?.(err))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
