// groups/<uuid>/contents: the groups, then the collections, owned by a project or by a user
// (their home project), optionally recursive. Filters, select and order may name an attribute
// unqualified or as `groups.x` / `collections.x`; a table lacking an unqualified filter
// attribute contributes nothing (as Arvados). Paging runs across the two lists in that order.

import type { GroupContentsParams } from '../../arvados-api/api.js';
import type { Collection, Group, ItemList } from '../../arvados-api/types.js';
import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { notFound, unprocessable } from './errors.js';
import { typeOfUuid } from './ids.js';
import { runList, type ListQuery } from './listing.js';
import { refreshStalePdhs } from './manifest-cache.js';
import { requireLevel } from './ownership.js';
import { inTrashedProject, Level } from './permissions.js';
import { pageOf, pick } from './query.js';
import { COLLECTION_SELECTABLE, COLLECTION_SPEC, collectionRecord, LIST_DEFAULT, ROW_COLUMNS, type CollectionRow } from './collection-records.js';
import { GROUP_SELECTABLE, GROUP_SPEC, groupRecord, type GroupRow } from './groups.js';

/** Per-table select: unqualified names the table has, and names qualified with its table. */
function splitSelect(select: readonly unknown[] | undefined): { groups?: string[]; collections?: string[] } {
  if (select === undefined) return {};
  if (!Array.isArray(select)) throw unprocessable('select must be an array of attribute names');
  const out = { groups: [] as string[], collections: [] as string[] };
  for (const s of select) {
    if (typeof s !== 'string') throw unprocessable(`Invalid attribute ${JSON.stringify(s)} in select`);
    const [table, attr] = s.includes('.') ? (s.split('.', 2) as [string, string]) : [undefined, s];
    if (attr === 'manifest_text' || attr === 'unsigned_manifest_text') throw unprocessable(`${s} cannot be selected in group contents`);
    const inGroups = (table === undefined || table === 'groups') && GROUP_SELECTABLE.has(attr);
    const inCollections = (table === undefined || table === 'collections') && COLLECTION_SELECTABLE.has(attr);
    if (!inGroups && !inCollections) throw unprocessable(`Invalid attribute ${JSON.stringify(s)} in select`);
    if (inGroups) out.groups.push(attr);
    if (inCollections) out.collections.push(attr);
  }
  return out;
}

export async function groupContents(ctx: StoreContext, p: Principal, uuid: string, params: GroupContentsParams = {}): Promise<ItemList<Group | Collection>> {
  const type = typeOfUuid(uuid);
  const exists =
    type === 'user'
      ? ctx.sql.prepare('SELECT 1 FROM users WHERE uuid = ?').get(uuid) !== undefined
      : type === 'group' && ctx.sql.prepare('SELECT 1 FROM groups WHERE uuid = ?').get(uuid) !== undefined;
  if (!exists) throw notFound(uuid);
  requireLevel(ctx, p, uuid, Level.read);
  if (type === 'group' && !params.include_trash && inTrashedProject(ctx.sql, uuid)) throw notFound(uuid);
  const select = splitSelect(params.select);
  const page = pageOf(params);
  const owned = params.recursive
    ? {
        sql: `owner_uuid IN (WITH RECURSIVE sub(uuid) AS (SELECT ? UNION SELECT gg.uuid FROM groups gg JOIN sub ON gg.owner_uuid = sub.uuid) SELECT uuid FROM sub)`,
        params: [uuid],
      }
    : { sql: 'owner_uuid = ?', params: [uuid] };
  const q = (spec: ListQuery['spec'], columns: string): ListQuery => ({
    spec,
    from: spec.table,
    columns,
    qualified: true,
    defaultOrder: `${spec.alias}.modified_at DESC`,
    extra: { sql: `${spec.alias}.${owned.sql}`, params: owned.params },
  });
  if (JSON.stringify(params.filters ?? []).includes('portable_data_hash')) await refreshStalePdhs(ctx);

  // Groups first: fetch the part of the page they cover, and their total for the offset.
  const groups = runList<GroupRow & { lvl: number }>(ctx.sql, p, q(GROUP_SPEC, 'g.*'), { ...params, count: 'exact' }, page);
  const groupTotal = groups?.available ?? 0;
  const rest = Math.max(0, page.limit - (groups?.rows.length ?? 0));
  const collPage = { limit: rest, offset: Math.max(0, page.offset - groupTotal) };
  const collections = runList<CollectionRow>(ctx.sql, p, q(COLLECTION_SPEC, ROW_COLUMNS), { ...params, count: 'exact' }, collPage);
  const items: Array<Group | Collection> = [
    ...(groups?.rows ?? []).map((r) => pick(groupRecord(r, r.lvl), select.groups)),
    ...(collections?.rows ?? []).map((r) => collectionRecord(ctx, p, r, select.collections ?? LIST_DEFAULT)),
  ];
  return {
    kind: 'arvados#objectList',
    offset: page.offset,
    limit: page.limit,
    items,
    ...(params.count === 'none' ? {} : { items_available: groupTotal + (collections?.available ?? 0) }),
  };
}
