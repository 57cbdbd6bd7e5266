// Results of read-only lookups (a token's record, a collection row the caller may see) kept
// until anything is written: a commit through the group commit clears them, and so does a
// commit by another connection to the database (`keepgate admin` in another process), which
// PRAGMA data_version reveals. That is asked once per event-loop turn (it costs a few µs, a
// request makes several lookups, and a turn serves many requests), so another process's
// commit is seen from the next turn on. This is what makes a client's cheap revalidation request
// (a collection's modified_at, asked for before every use of a cached index) cheap here.
// Never consulted inside a transaction: earlier operations of a write batch may have changed
// what a memo says before the batch commits.

import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

export class ReadMemo {
  private readonly entries = new Map<string, unknown>();
  private readonly dataVersion: Statement;
  private seenVersion: unknown;
  /** data_version was read in this event-loop turn. */
  private versionChecked = false;

  constructor(
    private readonly db: Db,
    private readonly maxEntries = 10_000,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
  }

  /** Forgets everything (after a commit on this connection). */
  clear(): void {
    this.entries.clear();
  }

  /** The remembered result for `key`, or `compute()`'s, remembered unless it throws. */
  get<T>(key: string, compute: () => T): T {
    if (this.db.inTransaction) return compute();
    if (!this.versionChecked) this.checkVersion();
    if (this.entries.has(key)) return this.entries.get(key) as T;
    const value = compute();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }

  private checkVersion(): void {
    const version = this.dataVersion.get();
    if (version !== this.seenVersion) {
      this.entries.clear();
      this.seenVersion = version;
    }
    this.versionChecked = true;
    setImmediate(() => (this.versionChecked = false));
  }
}

/** `compute()` through `memo` when there is one. */
export function remembered<T>(memo: ReadMemo | undefined, key: string, compute: () => T): T {
  return memo ? memo.get(key, compute) : compute();
}
