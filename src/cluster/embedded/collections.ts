// Collection reads: get by uuid or PDH (the PDH pseudo-record), list, and the lookups the
// write path shares (visible row, readable collection with a PDH).

import type { Collection, ItemList, ListParams } from '../../arvados-api/types.js';
import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { notFound } from './errors.js';
import { FileTable, type FileRow } from './file-rows.js';
import { isPdh } from './ids.js';
import { runList } from './listing.js';
import { requireLevel } from './ownership.js';
import { inTrashedProject, Level, levelOn } from './permissions.js';
import { checkSelect, pageOf } from './query.js';
import { remembered } from './read-memo.js';
import { signManifest } from './signing.js';
import { COLLECTION_SELECTABLE, COLLECTION_SPEC, collectionRecord, GET_DEFAULT, LIST_DEFAULT, ROW_COLUMNS, type CollectionRow } from './collection-records.js';
import { ensureManifest, refreshStalePdhs } from './manifest-cache.js';

export function loadCollectionRow(ctx: StoreContext, uuid: string): CollectionRow | undefined {
  return ctx.sql.prepare(`SELECT ${ROW_COLUMNS} FROM collections c WHERE c.uuid = ?`).get(uuid) as CollectionRow | undefined;
}

/** The row if it exists, the caller holds `need` (404 / 403 otherwise) and it is live or include_trash. */
export function visibleCollection(ctx: StoreContext, p: Principal, uuid: string, opts: { includeTrash?: boolean; need: Level }): CollectionRow {
  const row = loadCollectionRow(ctx, uuid);
  if (!row) throw notFound(uuid);
  requireLevel(ctx, p, uuid, opts.need);
  if (!opts.includeTrash && (row.is_trashed === 1 || inTrashedProject(ctx.sql, row.owner_uuid))) throw notFound(uuid);
  return row;
}

/** A live collection with this PDH the caller can read (latest trash_at first, untrashable last). Stale PDHs must be refreshed first. */
export function readableByPdh(ctx: StoreContext, p: Principal, pdh: string): CollectionRow | undefined {
  const candidates = ctx.sql
    .prepare(`SELECT ${ROW_COLUMNS} FROM collections c WHERE c.portable_data_hash = ? AND c.is_trashed = 0 ORDER BY c.trash_at IS NOT NULL, c.trash_at DESC`)
    .all(pdh) as CollectionRow[];
  return candidates.find((c) => levelOn(ctx.sql, p, c.uuid) >= Level.read && !inTrashedProject(ctx.sql, c.owner_uuid));
}

/** Source reader for `<pdh>/path` in replace_files. */
export function pdhSourceReader(ctx: StoreContext, p: Principal): (pdh: string, path: string) => FileRow[] | undefined {
  return (pdh, path) => {
    const row = readableByPdh(ctx, p, pdh);
    if (!row) return undefined;
    const table = new FileTable(ctx.sql, row.uuid);
    if (path !== '' && table.state(path) === 'absent') return undefined;
    return table.subtree(path).map((r) => ({ ...r, attrs: null }));
  };
}

export async function getCollection(ctx: StoreContext, p: Principal, uuidOrPdh: string, opts: { select?: string[]; include_trash?: boolean } = {}): Promise<Collection> {
  const select = checkSelect(opts.select, COLLECTION_SELECTABLE);
  if (isPdh(uuidOrPdh)) return pdhRecord(ctx, p, uuidOrPdh, select);
  const includeTrash = opts.include_trash === true;
  // Shared by the callers of one database state; collectionRecord may add the manifest it
  // loads or builds for that state to the row, which later readers then reuse.
  const row = remembered(ctx.memo, `collection\0${p.userUuid}\0${p.isAdmin}\0${uuidOrPdh}\0${includeTrash}`, () =>
    visibleCollection(ctx, p, uuidOrPdh, { includeTrash, need: Level.read }),
  );
  return collectionRecord(ctx, p, row, select ?? GET_DEFAULT);
}

const PDH_FIELDS = new Set(['kind', 'uuid', 'portable_data_hash', 'trash_at', 'manifest_text']);

/** GET collections/<pdh>: `{uuid: pdh, portable_data_hash, trash_at, manifest_text}` only. */
async function pdhRecord(ctx: StoreContext, p: Principal, pdh: string, select: string[] | undefined): Promise<Collection> {
  await refreshStalePdhs(ctx);
  const row = readableByPdh(ctx, p, pdh);
  if (!row) throw notFound(pdh);
  const fields = (select ?? [...PDH_FIELDS]).filter((f) => PDH_FIELDS.has(f));
  const out: Record<string, unknown> = { kind: 'arvados#collection' };
  for (const f of fields) {
    if (f === 'uuid' || f === 'portable_data_hash') out[f] = pdh;
    else if (f === 'trash_at') out.trash_at = row.trash_at;
    else if (f === 'manifest_text') out.manifest_text = signManifest(ctx, p, ensureManifest(ctx, row, { persist: 'later', needText: true }).text!, row.trash_at);
  }
  return out as unknown as Collection;
}

const mentionsPdh = (params: ListParams): boolean =>
  (params.filters ?? []).some((f) => Array.isArray(f) && typeof f[0] === 'string' && f[0].endsWith('portable_data_hash')) ||
  [params.order ?? []].flat().some((o) => typeof o === 'string' && o.includes('portable_data_hash'));

export async function listCollections(ctx: StoreContext, p: Principal, params: ListParams = {}): Promise<ItemList<Collection>> {
  const select = checkSelect(params.select, COLLECTION_SELECTABLE) ?? LIST_DEFAULT;
  const page = pageOf(params);
  if (mentionsPdh(params)) await refreshStalePdhs(ctx);
  const res = runList<CollectionRow>(ctx.sql, p, { spec: COLLECTION_SPEC, from: 'collections', columns: ROW_COLUMNS, qualified: false, defaultOrder: 'c.modified_at DESC' }, params, page)!;
  return {
    kind: 'arvados#collectionList',
    offset: page.offset,
    limit: page.limit,
    items: res.rows.map((r) => collectionRecord(ctx, p, r, select)),
    ...(res.available >= 0 ? { items_available: res.available } : {}),
  };
}
