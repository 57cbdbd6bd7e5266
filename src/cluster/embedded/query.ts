// Arvados list parameters (filters, order, select; ARVADOS.md d.1) compiled to SQL over one
// table described by a TableSpec. Unknown attributes or operators, and operands of the wrong
// shape, are 422 errors: nothing half-applied. `properties.<key>` reaches into the JSON
// properties column (any key, via json_each, so no JSON-path quoting issues).

import type { Filter } from '../../arvados-api/types.js';
import { INFIX } from './ids.js';
import { unprocessable } from './errors.js';

export type ColumnType = 'string' | 'integer' | 'boolean' | 'time' | 'json' | 'array';

export interface TableSpec {
  /** Table name as used in qualified attributes (`collections.name`). */
  readonly table: string;
  /** SQL alias of the table in the query. */
  readonly alias: string;
  /** Filterable/orderable attributes -> SQL expression (alias-qualified) and type. */
  readonly columns: Readonly<Record<string, { readonly sql: string; readonly type: ColumnType }>>;
}

export interface SqlFragment {
  readonly sql: string;
  readonly params: unknown[];
}

const KINDS: Record<string, string> = {
  'arvados#collection': INFIX.collection,
  'arvados#group': INFIX.group,
  'arvados#user': INFIX.user,
  'arvados#link': INFIX.link,
  'arvados#apiClientAuthorization': INFIX.token,
};

const COMPARATORS = new Set(['=', '!=', '<>', '<', '<=', '>', '>=']);

interface Target {
  sql: string;
  type: ColumnType;
  /** For `properties.<key>`: the key. */
  key?: string;
  jsonSql?: string;
}

/**
 * Compiles filters for one table. Returns undefined when a filter names an attribute the table
 * does not have (in groups/contents that table then contributes no items, as in Arvados) or
 * is qualified with another table's name (then it is skipped for this table).
 */
export function compileFilters(spec: TableSpec, filters: readonly unknown[] | undefined, opts: { qualified: boolean }): SqlFragment | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const f of filters ?? []) {
    if (!Array.isArray(f) || f.length !== 3 || typeof f[0] !== 'string' || typeof f[1] !== 'string') {
      throw unprocessable(`Invalid filter ${JSON.stringify(f)}: expected [attribute, operator, operand]`);
    }
    const [rawAttr, op, operand] = f as Filter;
    let attr = rawAttr;
    if (opts.qualified) {
      const dot = attr.indexOf('.');
      const qualifier = dot > 0 ? attr.slice(0, dot) : '';
      if (qualifier === 'collections' || qualifier === 'groups' || qualifier === 'users') {
        if (qualifier !== spec.table) continue;
        attr = attr.slice(dot + 1);
      }
    }
    const target = resolveAttr(spec, attr);
    if (!target) {
      if (opts.qualified) return undefined;
      throw unprocessable(`Invalid attribute '${attr}' in filter`);
    }
    const frag = compileOne(target, op, operand, rawAttr);
    parts.push(frag.sql);
    params.push(...frag.params);
  }
  return { sql: parts.length ? parts.map((p) => `(${p})`).join(' AND ') : '1', params };
}

function resolveAttr(spec: TableSpec, attr: string): Target | undefined {
  const col = spec.columns[attr];
  if (col) return { sql: col.sql, type: col.type };
  const dot = attr.indexOf('.');
  if (dot < 0) return undefined;
  const base = spec.columns[attr.slice(0, dot)];
  if (!base || base.type !== 'json') return undefined;
  const key = attr.slice(dot + 1);
  return {
    sql: `(SELECT je.value FROM json_each(${base.sql}) je WHERE je.key = ?)`,
    type: 'json',
    key,
    jsonSql: base.sql,
  };
}

function compileOne(t: Target, op: string, operand: unknown, attr: string): SqlFragment {
  const keyParams = t.key === undefined ? [] : [t.key];
  const bad = (why: string) => unprocessable(`Invalid operand for '${op}' on ${attr}: ${why}`);
  if (COMPARATORS.has(op)) {
    if (Array.isArray(operand) || (typeof operand === 'object' && operand !== null)) throw bad('expected a scalar');
    if (op === '=' || op === '!=' || op === '<>') {
      if (operand === null) return { sql: `${t.sql} IS ${op === '=' ? '' : 'NOT '}NULL`, params: keyParams };
      const v = scalar(t, operand, bad);
      if (op === '=') return { sql: `${t.sql} = ?`, params: [...keyParams, v] };
      return { sql: `${t.sql} IS NULL OR ${t.sql} != ?`, params: [...keyParams, ...keyParams, v] };
    }
    if (operand === null || typeof operand === 'boolean') throw bad('expected a string or number');
    return { sql: `${t.sql} ${op} ?`, params: [...keyParams, scalar(t, operand, bad)] };
  }
  switch (op) {
    case 'like':
    case 'ilike': {
      if (typeof operand !== 'string') throw bad('expected a string pattern');
      // SQLite's LIKE ignores ASCII case (= ilike); GLOB is the case-sensitive matcher.
      if (op === 'ilike') return { sql: `${t.sql} LIKE ? ESCAPE '\\'`, params: [...keyParams, operand] };
      return { sql: `${t.sql} GLOB ?`, params: [...keyParams, likeToGlob(operand)] };
    }
    case 'in':
    case 'not in': {
      if (!Array.isArray(operand)) throw bad('expected an array');
      const values = operand.map((v) => scalar(t, v, bad));
      const marks = values.map(() => '?').join(',');
      if (op === 'in') return { sql: values.length ? `${t.sql} IN (${marks})` : '0', params: values.length ? [...keyParams, ...values] : [] };
      return values.length
        ? { sql: `${t.sql} IS NULL OR ${t.sql} NOT IN (${marks})`, params: [...keyParams, ...keyParams, ...values] }
        : { sql: '1', params: [] };
    }
    case 'is_a': {
      const kinds = Array.isArray(operand) ? operand : [operand];
      if (!kinds.every((k) => typeof k === 'string')) throw bad('expected a kind or an array of kinds');
      const infixes = kinds.map((k) => KINDS[k as string]).filter((i): i is string => i !== undefined);
      if (!infixes.length) return { sql: '0', params: [] };
      return { sql: `substr(${t.sql}, 7, 5) IN (${infixes.map(() => '?').join(',')})`, params: [...keyParams, ...infixes] };
    }
    case 'exists': {
      if (t.key !== undefined) {
        if (typeof operand !== 'boolean') throw bad('expected true or false');
        const sql = `EXISTS (SELECT 1 FROM json_each(${t.jsonSql}) je WHERE je.key = ?)`;
        return { sql: operand ? sql : `NOT ${sql}`, params: [t.key] };
      }
      if (t.type !== 'json' || typeof operand !== 'string') throw bad('expected a property key');
      return { sql: `EXISTS (SELECT 1 FROM json_each(${t.sql}) je WHERE je.key = ?)`, params: [operand] };
    }
    case 'contains': {
      const wanted = Array.isArray(operand) ? operand : [operand];
      if (!wanted.every((v) => typeof v === 'string' || typeof v === 'number')) throw bad('expected strings or numbers');
      if (t.key !== undefined) {
        // A scalar property "contains" a value equal to it; an array one, each of its elements.
        const one = `EXISTS (SELECT 1 FROM json_each(${t.jsonSql}) a,
                        json_each(CASE a.type WHEN 'array' THEN a.value ELSE json_array(a.value) END) b
                      WHERE a.key = ? AND b.value = ?)`;
        return { sql: wanted.map(() => one).join(' AND ') || '1', params: wanted.flatMap((v) => [t.key, v]) };
      }
      if (t.type !== 'array') throw bad('attribute is not an array');
      const one = `EXISTS (SELECT 1 FROM json_each(${t.sql}) b WHERE b.value = ?)`;
      return { sql: wanted.map(() => one).join(' AND ') || '1', params: wanted };
    }
    default:
      throw unprocessable(`Invalid operator '${op}' in filter on ${attr}`);
  }
}

function scalar(t: Target, v: unknown, bad: (why: string) => Error): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') throw bad('expected a string, number or boolean');
  if (t.type === 'time') {
    const ms = Date.parse(v);
    if (Number.isNaN(ms)) throw bad('not a timestamp');
    return new Date(ms).toISOString(); // stored times are in this exact form
  }
  return v;
}

/** SQL LIKE pattern (with `\` escapes) -> GLOB pattern. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) out += globLiteral(pattern[++i]!);
    else if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else out += globLiteral(c);
  }
  return out;
}

const globLiteral = (c: string): string => (c === '*' || c === '?' || c === '[' ? `[${c}]` : c);

/**
 * `order` (array or comma-separated string of `attr [asc|desc]`) -> ORDER BY terms, with
 * `uuid` appended as a tie-breaker so paging is stable. Qualified attributes of another
 * table are skipped.
 */
export function compileOrder(spec: TableSpec, order: readonly string[] | string | undefined, fallback: string, opts: { qualified: boolean }): string {
  const items = typeof order === 'string' ? order.split(',') : (order ?? []);
  const terms: string[] = [];
  for (const raw of items) {
    const m = /^\s*([A-Za-z0-9_.]+)(?:\s+(asc|desc))?\s*$/i.exec(raw);
    if (!m) throw unprocessable(`Invalid order ${JSON.stringify(raw)}`);
    let attr = m[1]!;
    const dot = attr.indexOf('.');
    if (opts.qualified && dot > 0) {
      if (attr.slice(0, dot) !== spec.table) continue;
      attr = attr.slice(dot + 1);
    }
    const col = spec.columns[attr];
    if (!col) {
      if (opts.qualified) continue;
      throw unprocessable(`Invalid attribute '${attr}' in order`);
    }
    terms.push(`${col.sql} ${(m[2] ?? 'asc').toUpperCase()}`);
  }
  if (!terms.length) terms.push(fallback);
  terms.push(`${spec.alias}.uuid ASC`);
  return terms.join(', ');
}

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export const MAX_LIMIT = 1000;
export const DEFAULT_LIMIT = 100;

/** limit (default 100, capped at 1000) and offset, validated. */
export function pageOf(params: { limit?: unknown; offset?: unknown }): Page {
  const limit = params.limit ?? DEFAULT_LIMIT;
  const offset = params.offset ?? 0;
  if (!Number.isInteger(limit) || (limit as number) < 0) throw unprocessable(`Invalid limit ${JSON.stringify(limit)}`);
  if (!Number.isInteger(offset) || (offset as number) < 0) throw unprocessable(`Invalid offset ${JSON.stringify(offset)}`);
  return { limit: Math.min(limit as number, MAX_LIMIT), offset: offset as number };
}

/** Validates `select` against the attributes a record of this kind may return. */
export function checkSelect(select: readonly unknown[] | undefined, allowed: ReadonlySet<string>): string[] | undefined {
  if (select === undefined) return undefined;
  if (!Array.isArray(select)) throw unprocessable('select must be an array of attribute names');
  for (const s of select) {
    if (typeof s !== 'string' || !allowed.has(s)) throw unprocessable(`Invalid attribute ${JSON.stringify(s)} in select`);
  }
  return select as string[];
}

/** The record reduced to the selected attributes (`kind` always stays, as in Arvados). */
export function pick<T extends { kind: string }>(record: T, select: readonly string[] | undefined): T {
  if (select === undefined) return record;
  const out: Record<string, unknown> = { kind: record.kind };
  for (const key of select) if (key in record) out[key] = (record as Record<string, unknown>)[key];
  return out as T;
}
