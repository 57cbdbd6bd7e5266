// Keep blocks of a few KiB kept in the metadata database (table small_blocks) instead of one
// file each. Writing a file block durably costs its own fsync (~2 ms here); a row rides the
// group commit and shares its WAL sync with every write committed alongside it. Callers check
// content hashes; this is storage only.

import type { StoreContext } from './context.js';

export interface SmallBlockRow {
  readonly hash: string;
  readonly size: number;
  readonly mtimeMs: number;
}

type TableContext = Pick<StoreContext, 'sql' | 'commit' | 'now'>;

const UPSERT = `INSERT INTO small_blocks (hash, size, data, mtime) VALUES (?, ?, ?, ?)
  ON CONFLICT (hash) DO UPDATE SET size = excluded.size, data = excluded.data, mtime = excluded.mtime`;

export class SmallBlockTable {
  constructor(private readonly ctx: TableContext) {}

  /**
   * Stores `data` under `hash` (a re-put refreshes the row and its mtime, which the collector
   * reads). `durable: false` resolves once committed: the next durable commit covers it.
   */
  write(hash: string, data: Uint8Array, opts: { durable: boolean }): Promise<void> {
    const blob = Buffer.from(data.buffer, data.byteOffset, data.byteLength); // SQLite copies it
    const op = (): void => {
      this.ctx.sql.prepare(UPSERT).run(hash, blob.length, blob, this.ctx.now());
    };
    return opts.durable ? this.ctx.commit.run(op) : this.ctx.commit.stage(op);
  }

  read(hash: string): Buffer | undefined {
    const row = this.ctx.sql.prepare('SELECT data FROM small_blocks WHERE hash = ?').get(hash) as { data: Buffer } | undefined;
    return row?.data;
  }

  size(hash: string): number | undefined {
    const row = this.ctx.sql.prepare('SELECT size FROM small_blocks WHERE hash = ?').get(hash) as { size: number } | undefined;
    return row?.size;
  }

  /** Up to `limit` rows with hashes after `after`, in hash order (a walk that tolerates deletes). */
  page(after: string, limit: number): SmallBlockRow[] {
    const rows = this.ctx.sql
      .prepare('SELECT hash, size, mtime FROM small_blocks WHERE hash > ? ORDER BY hash LIMIT ?')
      .all(after, limit) as Array<{ hash: string; size: number; mtime: number }>;
    return rows.map((r) => ({ hash: r.hash, size: r.size, mtimeMs: r.mtime }));
  }

  /** Removes the row; false when absent or written at or after `ifUnchangedSince`. */
  delete(hash: string, opts: { ifUnchangedSince?: number } = {}): Promise<boolean> {
    return this.ctx.commit.run(() => {
      const since = opts.ifUnchangedSince ?? Number.MAX_SAFE_INTEGER;
      return this.ctx.sql.prepare('DELETE FROM small_blocks WHERE hash = ? AND mtime < ?').run(hash, since).changes > 0;
    });
  }
}
