// A collection's files as rows (collection_uuid, path): one per file and one per empty
// directory. A subtree is the row at `p` plus the key range (`p/`, `p0`) — '0' follows '/' —
// so replace_files reads, deletes and inserts exactly the rows it changes. The directory
// invariants live here: a directory with children has no row of its own, one without
// children keeps an `emptydir` row (also when its last file goes away, as in Arvados).

import type { Segment } from '../../manifest/types.js';
import { withoutHints } from '../../keep/locator.js';
import { badRequest } from './errors.js';
import type { Statement } from 'better-sqlite3';
import type { Sql } from './statements.js';

export type RowKind = 'file' | 'emptydir';

export interface FileRow {
  /** No leading '/'; the root directory is '' and never has a row. */
  readonly path: string;
  readonly kind: RowKind;
  /** Compact segments: `<locator> <offset> <length>` triples joined by spaces, locators unsigned. */
  readonly segments: string;
  readonly size: number;
  /** Sidecar JSON (FileAttrs), or null. */
  readonly attrs: string | null;
}

/** What exists at a path. 'dir' = a directory with children. */
export type PathState = 'absent' | 'file' | 'emptydir' | 'dir';

export function encodeSegments(segments: readonly Segment[]): string {
  return segments.map((s) => `${withoutHints(s.locator, 'A')} ${s.offset} ${s.length}`).join(' ');
}

export function decodeSegments(text: string): Segment[] {
  if (text === '') return [];
  const parts = text.split(' ');
  const out: Segment[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) out.push({ locator: parts[i]!, offset: Number(parts[i + 1]), length: Number(parts[i + 2]) });
  return out;
}

export const segmentsSize = (segments: readonly Segment[]): number => segments.reduce((n, s) => n + s.length, 0);

export const fileRow = (path: string, segments: readonly Segment[]): FileRow => ({
  path,
  kind: 'file',
  segments: encodeSegments(segments),
  size: segmentsSize(segments),
  attrs: null,
});

export const emptyDirRow = (path: string): FileRow => ({ path, kind: 'emptydir', segments: '', size: 0, attrs: null });

export const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/** `p` joined under `dir` ('' is the root). */
export const joinPath = (dir: string, p: string): string => (dir === '' ? p : p === '' ? dir : `${dir}/${p}`);

/**
 * The statements of FileTable. Those naming a path are key lookups; `path` and its subtree
 * are written as two of them, since (uuid AND (path OR range)) makes SQLite use only the
 * uuid part of the key and scan the whole collection.
 */
export const FILE_ROW_SQL = {
  at: 'SELECT * FROM collection_files WHERE collection_uuid = ? AND path = ?',
  under: 'SELECT * FROM collection_files WHERE collection_uuid = ? AND path >= ? AND path < ? ORDER BY path',
  anyUnder: 'SELECT 1 FROM collection_files WHERE collection_uuid = ? AND path >= ? AND path < ? LIMIT 1',
  any: 'SELECT 1 FROM collection_files WHERE collection_uuid = ? LIMIT 1',
  all: 'SELECT * FROM collection_files WHERE collection_uuid = ? ORDER BY path',
  withAttrs: 'SELECT * FROM collection_files WHERE collection_uuid = ? AND attrs IS NOT NULL ORDER BY path',
  totals: `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM collection_files
            WHERE kind = 'file' AND ((collection_uuid = ? AND path = ?) OR (collection_uuid = ? AND path >= ? AND path < ?))`,
  totalsAll: `SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM collection_files WHERE collection_uuid = ? AND kind = 'file'`,
  deleteRange: 'DELETE FROM collection_files WHERE (collection_uuid = ? AND path = ?) OR (collection_uuid = ? AND path >= ? AND path < ?)',
  deleteAll: 'DELETE FROM collection_files WHERE collection_uuid = ?',
  deleteAt: 'DELETE FROM collection_files WHERE collection_uuid = ? AND path = ?',
  insert: 'INSERT INTO collection_files (collection_uuid, path, kind, segments, size, attrs) VALUES (?, ?, ?, ?, ?, ?)',
  setAttrs: 'UPDATE collection_files SET attrs = ? WHERE collection_uuid = ? AND path = ?',
} as const;

type FileRowStatements = Record<keyof typeof FILE_ROW_SQL, Statement>;

/** The rows of one collection, with the file_count / file_size_total change made so far. */
export class FileTable {
  readonly delta = { files: 0, bytes: 0 };
  private readonly uuid: string;
  /** Directories known to have children (so no emptydir row) during this operation. */
  private readonly knownDirs = new Set<string>(['']);
  private readonly stmts: FileRowStatements;

  constructor(db: Sql, collectionUuid: string) {
    this.uuid = collectionUuid;
    this.stmts = Object.fromEntries(Object.entries(FILE_ROW_SQL).map(([name, sql]) => [name, db.prepare(sql)])) as FileRowStatements;
  }

  row(path: string): FileRow | undefined {
    return path === '' ? undefined : (this.stmts.at.get(this.uuid, path) as FileRow | undefined);
  }

  /** Every row, in path order. */
  all(): FileRow[] {
    return this.stmts.all.all(this.uuid) as FileRow[];
  }

  /** Rows carrying sidecar attributes. */
  withAttrs(): FileRow[] {
    return this.stmts.withAttrs.all(this.uuid) as FileRow[];
  }

  state(path: string): PathState {
    const row = this.row(path);
    if (row) return row.kind;
    if (path === '') return this.stmts.any.get(this.uuid) ? 'dir' : 'emptydir';
    return this.stmts.anyUnder.get(this.uuid, `${path}/`, `${path}0`) ? 'dir' : 'absent';
  }

  /** Rows at `path` and below, paths made relative to `path` (a file at `path` gets ''). */
  subtree(path: string): FileRow[] {
    if (path === '') return this.all();
    const own = this.row(path);
    if (own) return [{ ...own, path: '' }];
    const prefix = `${path}/`;
    return (this.stmts.under.all(this.uuid, prefix, `${path}0`) as FileRow[]).map((r) => ({ ...r, path: r.path.slice(prefix.length) }));
  }

  /** Removes `path` and everything below it (nothing there is fine); '' empties the collection. */
  deleteSubtree(path: string): void {
    const lo = `${path}/`;
    const hi = `${path}0`;
    if (path === '') {
      const t = this.stmts.totalsAll.get(this.uuid) as { n: number; bytes: number };
      this.delta.files -= t.n;
      this.delta.bytes -= t.bytes;
      this.stmts.deleteAll.run(this.uuid);
      this.knownDirs.clear();
      this.knownDirs.add('');
      return;
    }
    const t = this.stmts.totals.get(this.uuid, path, this.uuid, lo, hi) as { n: number; bytes: number };
    const removed = this.stmts.deleteRange.run(this.uuid, path, this.uuid, lo, hi).changes;
    if (removed === 0) return;
    this.delta.files -= t.n;
    this.delta.bytes -= t.bytes;
    for (const d of this.knownDirs) if (d === path || d.startsWith(lo)) this.knownDirs.delete(d);
    const parent = parentOf(path);
    // Arvados keeps a directory whose last entry went away, as an empty directory.
    if (parent !== '' && this.state(parent) === 'absent') {
      this.stmts.insert.run(this.uuid, parent, 'emptydir', '', 0, null);
      this.knownDirs.delete(parent);
    }
  }

  /** Inserts a row (its path must be free), making its parent directories exist. */
  insert(row: FileRow): void {
    this.ensureParents(row.path);
    this.stmts.insert.run(this.uuid, row.path, row.kind, row.segments, row.size, row.attrs);
    this.count(row, 1);
  }

  /**
   * Makes the rows exactly `rows` (a complete, consistent tree), touching only paths whose
   * kind or segments differ. A path that stays keeps its sidecar entry: the fingerprint
   * decides later whether the entry still describes the file.
   */
  replaceAll(rows: readonly FileRow[]): void {
    const old = new Map(this.all().map((r) => [r.path, r]));
    for (const row of rows) {
      const prev = old.get(row.path);
      if (prev) {
        old.delete(row.path);
        if (prev.kind === row.kind && prev.segments === row.segments) continue;
        this.removeRow(prev);
      }
      this.stmts.insert.run(this.uuid, row.path, row.kind, row.segments, row.size, prev?.attrs ?? null);
      this.count(row, 1);
    }
    for (const prev of old.values()) this.removeRow(prev);
    this.knownDirs.clear();
    this.knownDirs.add('');
  }

  private removeRow(row: FileRow): void {
    this.stmts.deleteAt.run(this.uuid, row.path);
    this.count(row, -1);
  }

  private count(row: FileRow, sign: 1 | -1): void {
    if (row.kind !== 'file') return;
    this.delta.files += sign;
    this.delta.bytes += sign * row.size;
  }

  setAttrs(path: string, attrs: string | null): void {
    this.stmts.setAttrs.run(attrs, this.uuid, path);
  }

  private ensureParents(path: string): void {
    const missing: string[] = [];
    for (let dir = parentOf(path); !this.knownDirs.has(dir); dir = parentOf(dir)) missing.push(dir);
    for (const dir of missing) {
      const row = this.row(dir);
      if (row?.kind === 'file') throw badRequest(`cannot create ${JSON.stringify('/' + path)}: ${JSON.stringify('/' + dir)} is a file`);
      if (row?.kind === 'emptydir') this.stmts.deleteAt.run(this.uuid, dir);
      this.knownDirs.add(dir);
    }
  }
}
