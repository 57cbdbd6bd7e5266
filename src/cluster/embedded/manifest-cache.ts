// manifest_text and portable_data_hash are derived from a collection's file rows and cached on
// the collection row (both set or both NULL). A change to the rows clears the cache; the text
// is rebuilt (one marshal of the whole tree, counted in counters.manifestMarshals) only when a
// response or query needs it, so a stream of small replace_files on a big collection costs no
// rebuilds. Rows are normally loaded without the text column (it can be megabytes); it is read
// only when the text itself is wanted.

import { marshalManifest, portableDataHash } from '../../manifest/index.js';
import type { StoreContext } from './context.js';
import { decodeSegments, FileTable } from './file-rows.js';

export interface CachedManifest {
  readonly pdh: string;
  /** Present when asked for (needText). */
  readonly text?: string;
}

export interface CacheHolder {
  uuid: string;
  version: number;
  /** NULL also when the column was not loaded: portable_data_hash tells the cache state. */
  manifest_text: string | null;
  portable_data_hash: string | null;
}

/** Builds the manifest text from the rows (Go SDK form, as Arvados re-serialises after replace_files). */
export function marshalRows(ctx: StoreContext, uuid: string): string {
  ctx.counters.manifestMarshals++;
  const files = [];
  const emptyDirs = [];
  for (const row of new FileTable(ctx.sql, uuid).all()) {
    if (row.kind === 'file') files.push({ path: row.path, segments: decodeSegments(row.segments) });
    else emptyDirs.push(row.path);
  }
  return marshalManifest({ files, emptyDirs });
}

/**
 * The PDH (and the text if `needText`), computing both if stale. `persist: 'now'` stores them
 * in the current transaction (write path); 'later' queues the store on the group commit,
 * guarded by the version so newer content is never overwritten with old text (read path).
 */
export function ensureManifest(ctx: StoreContext, row: CacheHolder, opts: { persist: 'now' | 'later'; needText: boolean }): CachedManifest {
  if (row.portable_data_hash !== null) {
    if (!opts.needText) return { pdh: row.portable_data_hash };
    row.manifest_text ??= (ctx.sql.prepare('SELECT manifest_text FROM collections WHERE uuid = ?').get(row.uuid) as { manifest_text: string | null } | undefined)?.manifest_text ?? null;
    if (row.manifest_text !== null) return { pdh: row.portable_data_hash, text: row.manifest_text };
  }
  const pending = ctx.pendingManifests.get(row.uuid);
  if (pending?.version === row.version) return remember(row, pending);
  const built = { version: row.version, text: marshalRows(ctx, row.uuid), pdh: '' };
  built.pdh = portableDataHash(built.text);
  const store = () =>
    ctx.sql.prepare('UPDATE collections SET manifest_text = ?, portable_data_hash = ? WHERE uuid = ? AND version = ?').run(built.text, built.pdh, row.uuid, row.version);
  if (opts.persist === 'now') {
    store();
  } else {
    // Until the store commits, concurrent readers of this version reuse the text.
    ctx.pendingManifests.set(row.uuid, built);
    ctx.commit
      .run(store)
      .catch(() => undefined) // only a cache: losing it costs a rebuild
      .finally(() => {
        if (ctx.pendingManifests.get(row.uuid) === built) ctx.pendingManifests.delete(row.uuid);
      });
  }
  return remember(row, built);
}

function remember(row: CacheHolder, m: { text: string; pdh: string }): CachedManifest {
  row.manifest_text = m.text;
  row.portable_data_hash = m.pdh;
  return { pdh: m.pdh, text: m.text };
}

/** Fills (durably) the PDH of every stale collection, so a query by PDH sees all of them. */
export async function refreshStalePdhs(ctx: StoreContext): Promise<void> {
  const select = ctx.sql.prepare('SELECT uuid, version, NULL AS manifest_text, portable_data_hash FROM collections WHERE portable_data_hash IS NULL');
  if (select.get() === undefined) return;
  await ctx.commit.run(() => {
    for (const row of select.all() as CacheHolder[]) ensureManifest(ctx, row, { persist: 'now', needText: false });
  });
}
