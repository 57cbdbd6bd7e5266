// The content half of a collection create/update: manifest_text, replace_files, the sidecar
// and preconditions. prepareContent does the pure, possibly slow work (validation, parsing,
// signature checks) before the write is queued; applyContent runs inside the transaction
// against the rows as they are at that moment, so concurrent updates serialise cleanly.

import type { Collection, CollectionWriteOptions, FileAttrs } from '../../arvados-api/types.js';
import { ManifestError, parseManifest, portableDataHash, stripSignatures, validateManifest, type ManifestTree } from '../../manifest/index.js';
import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { badRequest, unprocessable } from './errors.js';
import { emptyDirRow, fileRow, type FileRow, type FileTable } from './file-rows.js';
import type { CachedManifest } from './manifest-cache.js';
import { applyReplacePlan, planReplaceFiles, type PdhSourceReader, type ReplacePlan } from './replace-files.js';
import { applyFileAttrs, assertPreconditions, checkFileAttrs, checkPreconditions, type Precondition } from './sidecar.js';
import { checkManifestSignatures } from './signing.js';

export interface PreparedContent {
  /** Submitted manifest, signatures removed, with its parsed tree. */
  readonly manifest?: { readonly text: string; readonly tree: ManifestTree };
  readonly replace?: ReplacePlan;
  readonly fileAttrs?: Record<string, FileAttrs | null>;
  readonly preconditions?: Record<string, Precondition>;
  /** A client-supplied portable_data_hash, to compare with the result. */
  readonly pdhClaim?: string;
}

export interface ContentResult {
  /** Whether the files changed (the caller bumps version, clears the cache). */
  readonly changed: boolean;
  /** Text and PDH known without a rebuild (a full manifest_text replacement). */
  readonly cached?: CachedManifest;
}

export function prepareContent(ctx: StoreContext, p: Principal, attrs: Partial<Collection>, opts: CollectionWriteOptions): PreparedContent {
  const replaceGiven = opts.replace_files !== undefined && opts.replace_files !== null;
  let manifest: PreparedContent['manifest'];
  if (attrs.manifest_text !== undefined) {
    const raw = attrs.manifest_text ?? '';
    if (typeof raw !== 'string') throw unprocessable('manifest_text must be a string');
    try {
      validateManifest(raw);
      manifest = { text: stripSignatures(raw), tree: parseManifest(raw) };
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      if (!replaceGiven) throw unprocessable(err.message);
      throw badRequest(`replace_files: ${err.message.startsWith('malformed manifest_text') ? '' : 'malformed manifest_text: '}${err.message}`);
    }
    checkManifestSignatures(ctx, p, raw);
  }
  const replace = replaceGiven ? planReplaceFiles(opts.replace_files, { hasManifestText: manifest !== undefined }) : undefined;
  let fileAttrs: Record<string, FileAttrs | null> | undefined;
  if (opts.x_keepgate_file_attrs !== undefined && opts.x_keepgate_file_attrs !== null) {
    if (typeof opts.x_keepgate_file_attrs !== 'object' || Array.isArray(opts.x_keepgate_file_attrs)) throw unprocessable('x_keepgate_file_attrs must be an object');
    fileAttrs = {};
    for (const [path, value] of Object.entries(opts.x_keepgate_file_attrs)) fileAttrs[path] = checkFileAttrs(path, value);
  }
  const preconditions = opts.x_keepgate_preconditions === undefined ? undefined : checkPreconditions(opts.x_keepgate_preconditions);
  const claim = attrs.portable_data_hash;
  if (claim !== undefined && (typeof claim !== 'string' || !/^[0-9a-f]{32}(\+\d+)?$/.test(claim))) throw unprocessable('Invalid portable_data_hash');
  return { manifest, replace, fileAttrs, preconditions, pdhClaim: claim };
}

function treeRows(tree: ManifestTree): FileRow[] {
  return [...tree.files.map((f) => fileRow(f.path, f.segments)), ...tree.emptyDirs.map(emptyDirRow)];
}

/** Applies prepared content to one collection's rows (inside the write transaction). */
export function applyContent(ctx: StoreContext, table: FileTable, prep: PreparedContent, readPdh: PdhSourceReader): ContentResult {
  if (prep.preconditions) assertPreconditions(table, prep.preconditions);
  let changed = false;
  let cached: CachedManifest | undefined;
  if (prep.replace) {
    applyReplacePlan(table, prep.replace, { manifestTree: prep.manifest?.tree, readPdh });
    changed = true;
  } else if (prep.manifest) {
    ctx.counters.fullRewrites++;
    table.replaceAll(treeRows(prep.manifest.tree));
    cached = { text: prep.manifest.text, pdh: portableDataHash(prep.manifest.text) };
    changed = true;
  }
  if (prep.fileAttrs) applyFileAttrs(table, prep.fileAttrs);
  return { changed, cached };
}

/** 422 when a client-supplied PDH disagrees with the content (the size part is not compared). */
export function checkPdhClaim(claim: string | undefined, actual: string): void {
  if (claim !== undefined && claim.slice(0, 32) !== actual.slice(0, 32)) {
    throw unprocessable(`portable_data_hash ${claim} does not match manifest_text (${actual})`);
  }
}

