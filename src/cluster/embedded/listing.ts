// One listing query for groups and collections: the caller's visibility (permission CTEs,
// trash), compiled filters, order and paging, plus the exact count when asked for.

import type { ListParams } from '../../arvados-api/types.js';
import type { Principal } from './auth.js';
import { reachCtes, TRASHED_CTE } from './permissions.js';
import type { Sql } from './statements.js';
import { compileFilters, compileOrder, pageOf, type Page, type TableSpec } from './query.js';

export interface ListQuery {
  readonly spec: TableSpec;
  /** Table name in SQL (the alias comes from spec). */
  readonly from: string;
  /** Extra condition (e.g. owner_uuid = ?) and its parameters. */
  readonly extra?: { sql: string; params: unknown[] };
  /** Columns to read; `lvl` (the caller's level, 3 for admins) is added. */
  readonly columns: string;
  readonly qualified: boolean;
  readonly defaultOrder: string;
}

export interface ListResult<Row> {
  rows: Row[];
  available: number;
}

/** Builds the WITH clause, the visibility condition and their parameters. */
function visibility(p: Principal, alias: string, includeTrash: boolean): { with: string; where: string; params: unknown[]; lvl: string } {
  const ctes: string[] = [];
  const params: unknown[] = [];
  const conds: string[] = [];
  let lvl = '3';
  if (!p.isAdmin) {
    ctes.push(reachCtes({ skipTrashed: !includeTrash }));
    params.push(p.userUuid);
    conds.push(`(${alias}.uuid IN (SELECT uuid FROM grants) OR ${alias}.owner_uuid IN (SELECT uuid FROM reach))`);
    lvl = `max(coalesce((SELECT max(lvl) FROM grants WHERE uuid = ${alias}.uuid), 0),
               coalesce((SELECT max(lvl) FROM reach WHERE uuid = ${alias}.owner_uuid), 0))`;
  }
  if (!includeTrash) {
    ctes.push(TRASHED_CTE);
    conds.push(`${alias}.is_trashed = 0 AND ${alias}.owner_uuid NOT IN (SELECT uuid FROM trashed)`);
  }
  return {
    with: ctes.length ? `WITH RECURSIVE ${ctes.join(',\n')}` : '',
    where: conds.length ? conds.join(' AND ') : '1',
    params,
    lvl,
  };
}

/** Runs a listing; undefined when the filters exclude this table entirely (contents). */
export function runList<Row>(db: Sql, p: Principal, q: ListQuery, params: ListParams, page: Page = pageOf(params)): ListResult<Row> | undefined {
  const alias = q.spec.alias;
  const filters = compileFilters(q.spec, params.filters, { qualified: q.qualified });
  if (!filters) return undefined;
  const order = compileOrder(q.spec, params.order, q.defaultOrder, { qualified: q.qualified });
  const vis = visibility(p, alias, params.include_trash === true);
  const extra = q.extra ?? { sql: '1', params: [] };
  const where = `(${vis.where}) AND (${extra.sql}) AND (${filters.sql})`;
  const whereParams = [...vis.params, ...extra.params, ...filters.params];
  const rows = db
    .prepare(`${vis.with} SELECT ${q.columns}, ${vis.lvl} AS lvl FROM ${q.from} ${alias} WHERE ${where} ORDER BY ${order} LIMIT ? OFFSET ?`)
    .all(...whereParams, page.limit, page.offset) as Row[];
  const available =
    params.count === 'none'
      ? -1
      : (db.prepare(`${vis.with} SELECT count(*) AS n FROM ${q.from} ${alias} WHERE ${where}`).get(...whereParams) as { n: number }).n;
  return { rows, available };
}
