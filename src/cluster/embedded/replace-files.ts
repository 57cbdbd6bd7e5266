// replace_files (ARVADOS.md d.3): a map target -> source applied to the collection's rows.
// Targets are canonical absolute paths; sources are '' (delete), `current/<path>`,
// `<pdh>/<path>` or `manifest_text/<path>` (a path of '' or '/' means the whole tree).
// Sources are snapshotted before anything changes (so swaps work), deletions go first,
// and missing parents of a target are created. Only the rows of the touched subtrees are
// read or written.

import type { ManifestTree } from '../../manifest/index.js';
import { badRequest } from './errors.js';
import { isPdh } from './ids.js';
import { emptyDirRow, fileRow, joinPath, type FileRow, type FileTable } from './file-rows.js';

export type SourceRef =
  | { readonly from: 'current'; readonly path: string }
  | { readonly from: 'manifest_text'; readonly path: string }
  | { readonly from: 'pdh'; readonly pdh: string; readonly path: string };

export interface ReplacePlan {
  /** Targets with an empty source, without the leading '/' ('' = everything). */
  readonly deletions: readonly string[];
  readonly copies: ReadonlyArray<{ readonly target: string; readonly source: SourceRef }>;
}

/** Reads the rows of a `<pdh>/…` source (the caller checks the PDH is readable). */
export type PdhSourceReader = (pdh: string, path: string) => FileRow[] | undefined;

const TARGET_RE = /^(\/[^/]+)+$/;

function canonicalTarget(target: string): string {
  if (target === '/') return '';
  if (!TARGET_RE.test(target) || target.split('/').some((c) => c === '.' || c === '..')) {
    throw badRequest(`invalid replace_files target: ${JSON.stringify(target)}`);
  }
  return target.slice(1);
}

function sourcePath(raw: string, source: string): string {
  const trimmed = raw.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') return '';
  if (trimmed.split('/').some((c) => c === '' || c === '.' || c === '..')) throw badRequest(`invalid replace_files source: ${JSON.stringify(source)}`);
  return trimmed;
}

/** Validates the map (pure: no database access). */
export function planReplaceFiles(replaceFiles: unknown, opts: { hasManifestText: boolean }): ReplacePlan {
  if (typeof replaceFiles !== 'object' || replaceFiles === null || Array.isArray(replaceFiles)) throw badRequest('replace_files must be an object');
  const deletions: string[] = [];
  const copies: Array<{ target: string; source: SourceRef }> = [];
  for (const [rawTarget, source] of Object.entries(replaceFiles)) {
    const target = canonicalTarget(rawTarget);
    if (typeof source !== 'string') throw badRequest(`invalid replace_files source for ${JSON.stringify(rawTarget)}`);
    if (source === '') {
      deletions.push(target);
      continue;
    }
    const slash = source.indexOf('/');
    const head = slash < 0 ? source : source.slice(0, slash);
    const path = sourcePath(slash < 0 ? '' : source.slice(slash + 1), source);
    if (head === 'current' || head === 'manifest_text') {
      if (head === 'manifest_text' && !opts.hasManifestText) throw badRequest(`replace_files source ${JSON.stringify(source)} needs manifest_text in the request`);
      copies.push({ target, source: { from: head, path } });
    } else if (isPdh(head)) {
      copies.push({ target, source: { from: 'pdh', pdh: head, path } });
    } else {
      throw badRequest(`invalid replace_files source: ${JSON.stringify(source)}`);
    }
  }
  if (opts.hasManifestText && !copies.some((c) => c.source.from === 'manifest_text')) {
    throw badRequest('manifest_text is given but no replace_files source refers to it (manifest_text/…)');
  }
  for (const { target } of copies) {
    const all = [...deletions, ...copies.map((c) => c.target)];
    const inside = all.find((other) => other !== target && (target === '' || other.startsWith(`${target}/`)));
    if (inside !== undefined) {
      throw badRequest(`replace_files target ${JSON.stringify('/' + target)} is an ancestor of another target ${JSON.stringify('/' + inside)}`);
    }
  }
  return { deletions, copies };
}

/** Rows of `path` and below in a parsed manifest, relative to `path`; undefined if absent. */
function treeSubtree(tree: ManifestTree, path: string): FileRow[] | undefined {
  const prefix = path === '' ? '' : `${path}/`;
  const rows: FileRow[] = [];
  for (const f of tree.files) {
    if (f.path === path) return [fileRow('', f.segments)];
    if (f.path.startsWith(prefix)) rows.push(fileRow(f.path.slice(prefix.length), f.segments));
  }
  for (const d of tree.emptyDirs) if (d === path || d.startsWith(prefix)) rows.push(emptyDirRow(d.slice(prefix.length)));
  if (rows.length === 0 && path !== '') return undefined;
  return rows;
}

function currentSubtree(table: FileTable, path: string): FileRow[] | undefined {
  if (path !== '' && table.state(path) === 'absent') return undefined;
  return table.subtree(path).map((r) => ({ ...r, attrs: null }));
}

/** Applies a plan to the rows (inside the write transaction). */
export function applyReplacePlan(table: FileTable, plan: ReplacePlan, sources: { manifestTree?: ManifestTree; readPdh: PdhSourceReader }): void {
  const snapshots = plan.copies.map(({ target, source }) => {
    const rows =
      source.from === 'current'
        ? currentSubtree(table, source.path)
        : source.from === 'manifest_text'
          ? treeSubtree(sources.manifestTree!, source.path)
          : sources.readPdh(source.pdh, source.path);
    if (rows === undefined) throw badRequest(`replace_files: source ${describe(source)} does not exist`);
    return { target, rows };
  });
  for (const target of plan.deletions) table.deleteSubtree(target);
  for (const { target, rows } of snapshots) {
    table.deleteSubtree(target);
    for (const row of rows) {
      if (row.path === '' && target === '') {
        if (row.kind === 'file') throw badRequest('replace_files: cannot replace the root directory with a file');
        continue; // an empty root needs no row
      }
      table.insert({ ...row, path: joinPath(target, row.path) });
    }
    // An empty source directory leaves an empty directory at the target.
    if (rows.length === 0 && target !== '') table.insert(emptyDirRow(target));
  }
}

function describe(s: SourceRef): string {
  const head = s.from === 'pdh' ? s.pdh : s.from;
  return JSON.stringify(`${head}/${s.path}`);
}
