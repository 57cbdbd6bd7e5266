// The collection write options beside `collection={…}`: replace_files (target -> source) and
// keepgate's extensions x_keepgate_file_attrs (path -> attributes | null) and
// x_keepgate_preconditions (path -> 'absent' | 'not-dir' | 'empty-dir'). Only their
// shape is checked here; path rules and sources are the API's to judge (it answers 400
// without changing anything).

import type { CollectionWriteOptions, FileAttrs } from '../../../arvados-api/types.js';
import { badRequest } from './errors.js';
import { dropUndefined, type ParamReader } from './params.js';
import { COLLECTIONS } from './resources.js';

const REQUIRED_ATTRS = ['mtime', 'etag'] as const;
/** fingerprint may be left out: the API computes it from the file's segments. */
const OPTIONAL_ATTRS = [
  'fingerprint', 'content_type', 'content_encoding', 'content_disposition', 'content_language', 'cache_control', 'expires',
] as const;
const KNOWN_ATTRS: ReadonlySet<string> = new Set([...REQUIRED_ATTRS, ...OPTIONAL_ATTRS, 'meta']);
const PRECONDITIONS: ReadonlySet<string> = new Set(['absent', 'not-dir', 'empty-dir']);
type Precondition = 'absent' | 'not-dir' | 'empty-dir';

export function collectionWriteOptions(p: ParamReader): CollectionWriteOptions {
  return dropUndefined({
    replace_files: replaceFiles(p),
    x_keepgate_file_attrs: fileAttrs(p),
    x_keepgate_preconditions: preconditions(p),
    ensure_unique_name: p.bool('ensure_unique_name'),
    select: p.select({ specs: [COLLECTIONS] }),
  });
}

function replaceFiles(p: ParamReader): Record<string, string> | undefined {
  const v = p.object('replace_files');
  if (v === undefined) return undefined;
  for (const [target, source] of Object.entries(v)) {
    if (typeof source !== 'string') throw badRequest(`replace_files[${JSON.stringify(target)}] must be a string source`);
  }
  return v as Record<string, string>;
}

function preconditions(p: ParamReader): Record<string, Precondition> | undefined {
  const v = p.object('x_keepgate_preconditions');
  if (v === undefined) return undefined;
  for (const [path, cond] of Object.entries(v)) {
    if (typeof cond !== 'string' || !PRECONDITIONS.has(cond)) {
      throw badRequest(`x_keepgate_preconditions[${JSON.stringify(path)}] must be one of ${[...PRECONDITIONS].join(', ')}`);
    }
  }
  return v as Record<string, Precondition>;
}

function fileAttrs(p: ParamReader): Record<string, FileAttrs | null> | undefined {
  const v = p.object('x_keepgate_file_attrs');
  if (v === undefined) return undefined;
  for (const [path, attrs] of Object.entries(v)) {
    const problem = attrs === null ? undefined : fileAttrsProblem(attrs);
    if (problem) throw badRequest(`x_keepgate_file_attrs[${JSON.stringify(path)}]: ${problem}`);
  }
  return v as Record<string, FileAttrs | null>;
}

function fileAttrsProblem(attrs: unknown): string | undefined {
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return 'must be an object or null';
  const rec = attrs as Record<string, unknown>;
  const unknownKey = Object.keys(rec).find((k) => !KNOWN_ATTRS.has(k));
  if (unknownKey !== undefined) return `unknown attribute ${JSON.stringify(unknownKey)}`;
  for (const k of REQUIRED_ATTRS) if (typeof rec[k] !== 'string' || rec[k] === '') return `${k} must be a non-empty string`;
  for (const k of OPTIONAL_ATTRS) if (rec[k] !== undefined && typeof rec[k] !== 'string') return `${k} must be a string`;
  if (Number.isNaN(Date.parse(rec.mtime as string))) return 'mtime must be an RFC 3339 timestamp';
  const meta = rec.meta;
  if (meta === undefined) return undefined;
  const ok = typeof meta === 'object' && meta !== null && !Array.isArray(meta) && Object.values(meta).every((x) => typeof x === 'string');
  return ok ? undefined : 'meta must be an object of strings';
}
