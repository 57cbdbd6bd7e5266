// The embedded backend's records without its blocks: `<dataDir>/metadata.sqlite` opened and
// migrated, the cluster id and blob signing key read (created on the first open), and the
// StoreContext every record module works with. openEmbeddedCluster adds the block store, the
// API and maintenance on top; `keepgate admin` uses this alone, beside a running server.

import { join } from 'node:path';
import { loadClusterMeta } from './bootstrap.js';
import type { StoreContext } from './context.js';
import { openDatabase } from './db.js';
import { GroupCommit } from './group-commit.js';
import { ReadMemo } from './read-memo.js';
import { StatementCache } from './statements.js';

export const DATABASE_FILE = 'metadata.sqlite';
/** Seconds: two weeks, Arvados' default. */
export const DEFAULT_BLOB_SIGNING_TTL = 1_209_600;

export interface EmbeddedMetadataOptions {
  /** An existing directory (the database file in it is created on the first open). */
  readonly dataDir: string;
  /** Used on the first open only (later opens must match or omit it). */
  readonly clusterId?: string;
  /** A v2 token whose uuid names the cluster on the first open (bootstrap.ts installs it). */
  readonly adminToken?: string;
  /** Default DEFAULT_BLOB_SIGNING_TTL. */
  readonly blobSigningTtlSeconds?: number;
  /** Milliseconds since the epoch; default Date.now. */
  readonly clock?: () => number;
  /** Default true: submitted locators need valid signatures (admins exempt). */
  readonly requireSignatures?: boolean;
  /**
   * Keep read-only lookups until the next write (read-memo.ts). Only for a user whose writes
   * all go through ctx.commit, as a server's do: a write in a transaction of its own on this
   * connection would leave them stale. Default false.
   */
  readonly memoizeReads?: boolean;
  /** Runs after every transaction ctx.commit ends, committed or rolled back (after the memo is cleared). */
  readonly onCommit?: () => void;
}

export interface EmbeddedMetadata {
  /** ctx.db is the database, ctx.commit its group commit. */
  readonly ctx: StoreContext;
  /** Applies the writes still queued in ctx.commit, waits until they are durable, closes the database. */
  close(): Promise<void>;
}

export function openEmbeddedMetadata(opts: EmbeddedMetadataOptions): EmbeddedMetadata {
  const db = openDatabase(join(opts.dataDir, DATABASE_FILE));
  try {
    const meta = loadClusterMeta(db, opts);
    const memo = opts.memoizeReads ? new ReadMemo(db) : undefined;
    const commit = new GroupCommit(db, {
      onCommit: () => {
        memo?.clear();
        opts.onCommit?.();
      },
    });
    const ctx: StoreContext = {
      db,
      sql: new StatementCache(db),
      ...(memo && { memo }),
      commit,
      now: opts.clock ?? Date.now,
      clusterId: meta.clusterId,
      blobSigningKey: meta.blobSigningKey,
      blobSigningTtl: opts.blobSigningTtlSeconds ?? DEFAULT_BLOB_SIGNING_TTL,
      requireSignatures: opts.requireSignatures ?? true,
      counters: { manifestMarshals: 0, fullRewrites: 0 },
      pendingManifests: new Map(),
    };
    return {
      ctx,
      async close() {
        await commit.close();
        db.close();
      },
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
