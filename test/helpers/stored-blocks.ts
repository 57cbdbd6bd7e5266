// Reaches into an embedded cluster's data directory for blocks, wherever they are stored: a
// file under <data>/keep or a row of the database's small_blocks table. Tests use it to damage
// or inspect blocks behind the server's back (a separate SQLite connection, like an operator's).
import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE_FILE } from '../../src/cluster/embedded/embedded.js';

export class StoredBlocks {
  private readonly db: Database.Database;

  constructor(private readonly dataDir: string) {
    this.db = new Database(join(dataDir, DATABASE_FILE));
    this.db.pragma('busy_timeout = 5000');
  }

  /** The stored block's size, or undefined when neither a file nor a row holds it. */
  size(hash: string): number | undefined {
    const file = this.filePath(hash);
    if (existsSync(file)) return statSync(file).size;
    return (this.db.prepare('SELECT length(data) AS n FROM small_blocks WHERE hash = ?').get(hash) as { n: number } | undefined)?.n;
  }

  /** Replaces the stored bytes of a block with `make(old)`; throws when the block is not stored. */
  rewrite(hash: string, make: (old: Buffer) => Buffer): void {
    const file = this.filePath(hash);
    if (existsSync(file)) return writeFileSync(file, make(readFileSync(file)));
    const row = this.db.prepare('SELECT data FROM small_blocks WHERE hash = ?').get(hash) as { data: Buffer } | undefined;
    if (!row) throw new Error(`block ${hash} is not stored in ${this.dataDir}`);
    this.db.prepare('UPDATE small_blocks SET data = ? WHERE hash = ?').run(make(row.data), hash);
  }

  close(): void {
    this.db.close();
  }

  private filePath(hash: string): string {
    return join(this.dataDir, 'keep', hash.slice(0, 3), hash);
  }
}

function once<T>(dataDir: string, fn: (blocks: StoredBlocks) => T): T {
  const blocks = new StoredBlocks(dataDir);
  try {
    return fn(blocks);
  } finally {
    blocks.close();
  }
}

/** Overwrites a stored block with other bytes of the same length: reads of it fail verification. */
export function corruptStoredBlock(dataDir: string, hash: string): void {
  once(dataDir, (b) => b.rewrite(hash, (old) => Buffer.alloc(old.length, old[0] === 0x5a ? 0xa5 : 0x5a)));
}

/** Replaces a stored block's bytes with `data`. */
export function overwriteStoredBlock(dataDir: string, hash: string, data: Buffer | string): void {
  once(dataDir, (b) => b.rewrite(hash, () => Buffer.from(data)));
}
