// Prepared statements compiled once per SQL text and reused. better-sqlite3 compiles the SQL
// on every prepare(), which costs more than running most of the backend's point queries.
// Bounded, because listing SQL varies with the filters clients send. A cached statement must
// not be iterated (iterate() keeps it busy); use the database itself for that.

import type { Statement } from 'better-sqlite3';
import type { Db } from './db.js';

/** What query code needs: the database itself or a StatementCache over it. */
export interface Sql {
  prepare(source: string): Statement;
}

export class StatementCache implements Sql {
  private readonly cache = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly max = 1000,
  ) {}

  prepare(source: string): Statement {
    let stmt = this.cache.get(source);
    if (stmt === undefined) {
      stmt = this.db.prepare(source);
      if (this.cache.size >= this.max) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(source, stmt);
    }
    return stmt;
  }
}
