// Group commit: write operations queue up and the next tick applies the whole batch inside ONE
// transaction (one fsync with synchronous FULL), each operation in its own SAVEPOINT so a
// failing one rolls back alone. Callers are resolved only after COMMIT returned, i.e. once
// their change is durable. Operations are synchronous functions: better-sqlite3 is, and it
// means nothing else can interleave with a batch.

import type { Db } from './db.js';

export interface GroupCommitStats {
  /** Transactions committed (or attempted). */
  batches: number;
  /** Operations applied, successful or not. */
  operations: number;
  /** Largest batch so far. */
  maxBatch: number;
}

interface Pending {
  run(): unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  readonly stats: GroupCommitStats = { batches: 0, operations: 0, maxBatch: 0 };
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Runs `op` inside the next batch's transaction; resolves with its result after COMMIT. */
  run<T>(op: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Applies what is queued, then refuses new work. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.stats.batches++;
    this.stats.operations += batch.length;
    this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const p of batch) outcomes.push(this.applyOne(p));
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }

  private applyOne(p: Pending): { ok: true; value: unknown } | { ok: false; error: unknown } {
    this.db.exec('SAVEPOINT op');
    try {
      const value = p.run();
      this.db.exec('RELEASE op');
      return { ok: true, value };
    } catch (error) {
      this.db.exec('ROLLBACK TO op');
      this.db.exec('RELEASE op');
      return { ok: false, error };
    }
  }
}
