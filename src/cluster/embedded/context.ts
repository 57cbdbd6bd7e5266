// What every part of the embedded backend works with: the database, the write queue, the
// clock and the cluster's fixed settings. Built once by openEmbeddedCluster and passed down.

import type { Db } from './db.js';
import type { GroupCommit } from './group-commit.js';
import type { ReadMemo } from './read-memo.js';
import type { StatementCache } from './statements.js';

/** Work counters that tests assert on instead of timing (and metrics may export). */
export interface EmbeddedCounters {
  /** Manifests marshalled from per-file rows (a full rebuild of one collection's text). */
  manifestMarshals: number;
  /** Collections whose per-file rows were all rewritten from a submitted manifest_text. */
  fullRewrites: number;
}

export interface StoreContext {
  readonly db: Db;
  /** Prepared statements over `db`, reused across calls. */
  readonly sql: StatementCache;
  /**
   * Read-only lookups reused until the next write (read-memo.ts). Absent in one-shot tools
   * that write outside the group commit: every lookup then reads the database.
   */
  readonly memo?: ReadMemo;
  readonly commit: GroupCommit;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly clusterId: string;
  readonly blobSigningKey: string;
  /** Seconds. */
  readonly blobSigningTtl: number;
  /** Reject submitted locators without a valid +A signature for the caller (admins exempt). */
  readonly requireSignatures: boolean;
  readonly counters: EmbeddedCounters;
  /** Manifests rebuilt on the read path whose cache store has not committed yet, by uuid. */
  readonly pendingManifests: Map<string, { version: number; text: string; pdh: string }>;
}

export const isoTime = (ms: number): string => new Date(ms).toISOString();

/**
 * The next modified_at of a record last modified at `previous`: now, but always later than
 * before, because clients detect changes by comparing modified_at (several updates of one
 * record can commit within the same millisecond).
 */
export const nextModifiedAt = (previous: string, now: number): string => isoTime(Math.max(now, Date.parse(previous) + 1));
