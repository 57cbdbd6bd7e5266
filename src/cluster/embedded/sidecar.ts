// The per-file sidecar (x_keepgate_file_attrs, DESIGN.md "Per-file attributes") and the
// atomic per-path preconditions (x_keepgate_preconditions). Entries are stored on the file's
// row with the fingerprint of the segments they describe; an entry counts only while that
// fingerprint still matches the row, so a change by a client that knows nothing of the
// sidecar invalidates it instead of leaving it to lie.

import { ArvadosApiError } from '../../arvados-api/api.js';
import type { FileAttrs } from '../../arvados-api/types.js';
import { segmentsFingerprint } from '../../manifest/index.js';
import { unprocessable } from './errors.js';
import { decodeSegments, type FileTable } from './file-rows.js';

export type Precondition = 'absent' | 'not-dir' | 'empty-dir';

const OPTIONAL_STRINGS = ['content_type', 'content_encoding', 'content_disposition', 'content_language', 'cache_control', 'expires'] as const;

const fingerprintOf = (segments: string): string => segmentsFingerprint(decodeSegments(segments));

function checkPath(path: string, what: string): void {
  if (path === '' || path.startsWith('/') || path.endsWith('/') || path.split('/').some((c) => c === '' || c === '.' || c === '..')) {
    throw unprocessable(`${what}: invalid path ${JSON.stringify(path)}`);
  }
}

/** Shape check of one entry (pure; done before the write is queued). */
export function checkFileAttrs(path: string, value: unknown): FileAttrs | null {
  if (value === null) return null; // clearing what is not there (any path) is a no-op
  checkPath(path, 'x_keepgate_file_attrs');
  const bad = (why: string) => unprocessable(`x_keepgate_file_attrs[${JSON.stringify(path)}]: ${why}`);
  if (typeof value !== 'object' || Array.isArray(value)) throw bad('expected an object or null');
  const v = value as Record<string, unknown>;
  if (typeof v.mtime !== 'string' || Number.isNaN(Date.parse(v.mtime))) throw bad('mtime must be a timestamp');
  if (typeof v.etag !== 'string' || v.etag === '') throw bad('etag must be a non-empty string');
  if (v.fingerprint !== undefined && typeof v.fingerprint !== 'string') throw bad('fingerprint must be a string');
  for (const key of OPTIONAL_STRINGS) if (v[key] !== undefined && typeof v[key] !== 'string') throw bad(`${key} must be a string`);
  if (v.meta !== undefined) {
    if (typeof v.meta !== 'object' || v.meta === null || Array.isArray(v.meta)) throw bad('meta must be an object');
    if (!Object.values(v.meta).every((m) => typeof m === 'string')) throw bad('meta values must be strings');
  }
  const known = new Set(['fingerprint', 'mtime', 'etag', 'meta', ...OPTIONAL_STRINGS]);
  const unknown = Object.keys(v).find((k) => !known.has(k));
  if (unknown !== undefined) throw bad(`unknown attribute ${JSON.stringify(unknown)}`);
  return v as unknown as FileAttrs;
}

/**
 * Sets or clears entries against the rows as they are now (after replace_files). An entry
 * for a path that is not a file is a 422; one whose fingerprint names other content is a 412.
 * The stored fingerprint is always computed here.
 */
export function applyFileAttrs(table: FileTable, entries: Record<string, FileAttrs | null>): void {
  for (const [path, value] of Object.entries(entries)) {
    const row = table.row(path);
    if (value === null) {
      if (row?.attrs) table.setAttrs(path, null);
      continue;
    }
    if (row?.kind !== 'file') throw unprocessable(`x_keepgate_file_attrs: no file at ${JSON.stringify(path)}`);
    const fingerprint = fingerprintOf(row.segments);
    if (value.fingerprint && value.fingerprint !== fingerprint) {
      throw new ArvadosApiError(412, `x_keepgate_file_attrs: fingerprint for ${JSON.stringify(path)} does not match the file's current content`);
    }
    table.setAttrs(path, JSON.stringify({ ...value, fingerprint }));
  }
}

/** The valid entries: those whose fingerprint matches their file's current segments. */
export function readFileAttrs(table: FileTable): Record<string, FileAttrs> {
  const out: Record<string, FileAttrs> = {};
  for (const row of table.withAttrs()) {
    if (row.kind !== 'file' || row.attrs === null) continue;
    const attrs = JSON.parse(row.attrs) as FileAttrs;
    if (attrs.fingerprint === fingerprintOf(row.segments)) out[row.path] = attrs;
  }
  return out;
}

/** Shape check of x_keepgate_preconditions (pure). '' is the collection's root directory. */
export function checkPreconditions(value: unknown): Record<string, Precondition> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unprocessable('x_keepgate_preconditions must be an object');
  for (const [path, cond] of Object.entries(value)) {
    if (path !== '') checkPath(path, 'x_keepgate_preconditions');
    if (cond !== 'absent' && cond !== 'not-dir' && cond !== 'empty-dir') {
      throw unprocessable(`x_keepgate_preconditions[${JSON.stringify(path)}]: expected "absent", "not-dir" or "empty-dir"`);
    }
  }
  return value as Record<string, Precondition>;
}

/** 412 unless every condition holds for the rows as they are before the update. */
export function assertPreconditions(table: FileTable, conds: Record<string, Precondition>): void {
  for (const [path, cond] of Object.entries(conds)) {
    const state = table.state(path);
    const ok = cond === 'absent' ? state === 'absent' : cond === 'not-dir' ? state === 'absent' || state === 'file' : state === 'emptydir';
    if (!ok) throw new ArvadosApiError(412, `Precondition failed: ${JSON.stringify(path)} is not ${cond === 'not-dir' ? 'a non-directory' : cond}`);
  }
}
