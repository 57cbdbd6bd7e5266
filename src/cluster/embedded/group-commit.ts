// Group commit: write operations queue up and the next tick applies the whole batch inside ONE
// transaction, each operation in its own SAVEPOINT so a failing one rolls back alone. Callers
// are resolved only once their change is durable. Operations are synchronous functions:
// better-sqlite3 is, and it means nothing else can interleave with a batch.
//
// Durability: on a WAL database the batch commits with synchronous NORMAL (no fsync on the
// event loop) and is then made durable by an fdatasync of the WAL on the threadpool, shared
// with every batch that commits meanwhile (wal-sync.ts). That is what synchronous FULL does
// for one commit, without stalling every other request for the disk's latency. Writes that
// bypass the group commit keep the connection's own setting (FULL, see db.ts).
//
// stage() answers once its batch has committed, before the sync: for writes whose caller
// acknowledges nothing until a later run() has resolved. WAL frames are replayed in order, so
// the sync that makes that later commit durable makes every earlier one durable too.

import type { Db } from './db.js';
import { WalSync } from './wal-sync.js';

export interface GroupCommitStats {
  /** Transactions committed (or attempted). */
  batches: number;
  /** Operations applied, successful or not. */
  operations: number;
  /** Largest batch so far. */
  maxBatch: number;
  /** fdatasyncs of the WAL (each covers every batch committed before it started). */
  syncs: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  run(): unknown;
  /** Answered after the WAL sync (run) or right after the commit (stage). */
  readonly durable: boolean;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class GroupCommit {
  private readonly counts = { batches: 0, operations: 0, maxBatch: 0 };
  private queue: Pending[] = [];
  private scheduled = false;
  private paused = false;
  private closed = false;
  private readonly db: Db;
  /** Undefined for databases without a WAL file (in memory): SQLite's own setting applies. */
  private readonly wal: WalSync | undefined;
  private readonly pragmas;

  /** `onCommit` runs after every transaction this queue ends (committed or rolled back). */
  constructor(db: Db, private readonly opts: { onCommit?: () => void } = {}) {
    this.db = db;
    const walMode = !db.memory && db.pragma('journal_mode', { simple: true }) === 'wal';
    this.wal = walMode ? new WalSync(`${db.name}-wal`) : undefined;
    // Executed with exec() each time: SQLite applies this pragma when it compiles it, so a
    // prepared copy would do nothing when run.
    this.pragmas = walMode ? { relaxed: 'PRAGMA synchronous = NORMAL', restore: `PRAGMA synchronous = ${db.pragma('synchronous', { simple: true }) as number}` } : undefined;
  }

  get stats(): Readonly<GroupCommitStats> {
    return { ...this.counts, syncs: this.wal?.syncs() ?? this.counts.batches };
  }

  /** Runs `op` inside the next batch's transaction; resolves with its result once committed and durable. */
  run<T>(op: () => T): Promise<T> {
    return this.enqueue(op, { durable: true });
  }

  /**
   * Runs `op` inside the next batch's transaction; resolves once committed, possibly before it
   * is durable: it becomes durable no later than the next run() that resolves.
   */
  stage<T>(op: () => T): Promise<T> {
    return this.enqueue(op, { durable: false });
  }

  private enqueue<T>(op: () => T, opts: { durable: boolean }): Promise<T> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run: op, durable: opts.durable, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * Holds every batch while `work` runs (operations keep queueing and commit right after), so
   * that another connection can find the database without a writer (a WAL restart).
   */
  async whileHeld<T>(work: () => Promise<T>): Promise<T> {
    if (this.paused) throw new Error('group commit is already held');
    this.paused = true;
    try {
      return await work();
    } finally {
      this.paused = false;
      if (this.queue.length > 0) this.schedule();
    }
  }

  /** Applies what is queued and refuses new work; resolves once that is durable. */
  async close(): Promise<void> {
    this.closed = true;
    this.flush();
    await this.wal?.close();
  }

  /** The queue is applied on the next turn (once, however many operations join it). */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    if (this.paused && !this.closed) return; // whileHeld schedules the queue when it ends
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const broken = this.wal?.failed();
    if (broken) return batch.forEach((p) => p.reject(broken));
    this.counts.batches++;
    this.counts.operations += batch.length;
    this.counts.maxBatch = Math.max(this.counts.maxBatch, batch.length);
    const outcomes: Outcome[] = [];
    if (this.pragmas) this.db.exec(this.pragmas.relaxed);
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const p of batch) outcomes.push(this.applyOne(p));
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const p of batch) p.reject(err);
      return;
    } finally {
      if (this.pragmas) this.db.exec(this.pragmas.restore);
      this.opts.onCommit?.();
    }
    if (!this.wal) return settle(batch, outcomes, () => true);
    settle(batch, outcomes, (p) => !p.durable);
    if (!batch.some((p) => p.durable)) return;
    this.wal.sync().then(
      () => settle(batch, outcomes, (p) => p.durable),
      (err: unknown) => batch.forEach((p) => p.durable && p.reject(err)),
    );
  }

  private applyOne(p: Pending): Outcome {
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

function settle(batch: readonly Pending[], outcomes: readonly Outcome[], which: (p: Pending) => boolean): void {
  batch.forEach((p, i) => {
    if (!which(p)) return;
    const o = outcomes[i]!;
    if (o.ok) p.resolve(o.value);
    else p.reject(o.error);
  });
}
