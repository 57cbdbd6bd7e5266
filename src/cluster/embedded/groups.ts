// Groups: projects (own collections and subprojects), roles (permission groups) and filter
// groups (stored, own nothing). Reads run directly; writes run inside the group commit.

import type { Group, ItemList, ListParams } from '../../arvados-api/types.js';
import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { isoTime, nextModifiedAt } from './context.js';
import { notFound, unprocessable } from './errors.js';
import { newUuid } from './ids.js';
import { runList } from './listing.js';
import { checkAttrNames, checkDescription, checkName, checkOwner, checkProperties, checkTime, requireLevel, uniqueName } from './ownership.js';
import { inTrashedProject, Level } from './permissions.js';
import { checkSelect, pick, pageOf, type TableSpec } from './query.js';
import { requestedTrash, trashNow, type TrashFields } from './trash-state.js';

export interface GroupRow extends TrashFields {
  uuid: string;
  owner_uuid: string;
  name: string;
  description: string | null;
  group_class: Group['group_class'];
  properties: string;
  created_at: string;
  modified_at: string;
}

export const GROUP_SPEC: TableSpec = {
  table: 'groups',
  alias: 'g',
  columns: {
    uuid: { sql: 'g.uuid', type: 'string' },
    owner_uuid: { sql: 'g.owner_uuid', type: 'string' },
    name: { sql: 'g.name', type: 'string' },
    description: { sql: 'g.description', type: 'string' },
    group_class: { sql: 'g.group_class', type: 'string' },
    properties: { sql: 'g.properties', type: 'json' },
    created_at: { sql: 'g.created_at', type: 'time' },
    modified_at: { sql: 'g.modified_at', type: 'time' },
    trash_at: { sql: 'g.trash_at', type: 'time' },
    delete_at: { sql: 'g.delete_at', type: 'time' },
    is_trashed: { sql: 'g.is_trashed', type: 'boolean' },
  },
};

export const GROUP_SELECTABLE: ReadonlySet<string> = new Set(['kind', ...Object.keys(GROUP_SPEC.columns), 'can_write', 'can_manage']);
const WRITABLE = new Set(['owner_uuid', 'name', 'description', 'group_class', 'properties', 'trash_at', 'delete_at']);
const IGNORED = new Set(['kind', 'uuid', 'created_at', 'modified_at', 'is_trashed', 'can_write', 'can_manage', 'etag', 'href']);
const CLASSES = new Set(['project', 'role', 'filter']);

export function groupRecord(row: GroupRow, level: number): Group {
  return {
    kind: 'arvados#group',
    uuid: row.uuid,
    owner_uuid: row.owner_uuid,
    name: row.name,
    description: row.description,
    group_class: row.group_class,
    properties: JSON.parse(row.properties) as Record<string, unknown>,
    created_at: row.created_at,
    modified_at: row.modified_at,
    trash_at: row.trash_at,
    delete_at: row.delete_at,
    is_trashed: row.is_trashed === 1,
    can_write: level >= Level.write,
    can_manage: level >= Level.manage,
  };
}

function loadRow(ctx: StoreContext, uuid: string): GroupRow | undefined {
  return ctx.sql.prepare('SELECT * FROM groups WHERE uuid = ?').get(uuid) as GroupRow | undefined;
}

/** A readable, (unless include_trash) live group, with the caller's level; 404 otherwise. */
function visibleRow(ctx: StoreContext, p: Principal, uuid: string, opts: { includeTrash?: boolean; need: Level }): { row: GroupRow; level: Level } {
  const row = loadRow(ctx, uuid);
  if (!row) throw notFound(uuid);
  const level = requireLevel(ctx, p, uuid, opts.need);
  if (!opts.includeTrash && inTrashedProject(ctx.sql, uuid)) throw notFound(uuid);
  return { row, level };
}

const nameTaken = (ctx: StoreContext, owner: string, self?: string) => (candidate: string) =>
  ctx.sql
    .prepare(`SELECT 1 FROM groups WHERE owner_uuid = ? AND name = ? AND is_trashed = 0 AND group_class IN ('project', 'filter') AND uuid IS NOT ?`)
    .get(owner, candidate, self ?? null) !== undefined;

export function getGroup(ctx: StoreContext, p: Principal, uuid: string, opts: { select?: string[]; include_trash?: boolean } = {}): Group {
  const select = checkSelect(opts.select, GROUP_SELECTABLE);
  const { row, level } = visibleRow(ctx, p, uuid, { includeTrash: opts.include_trash, need: Level.read });
  return pick(groupRecord(row, level), select);
}

export function listGroups(ctx: StoreContext, p: Principal, params: ListParams = {}): ItemList<Group> {
  const select = checkSelect(params.select, GROUP_SELECTABLE);
  const page = pageOf(params);
  const res = runList<GroupRow & { lvl: number }>(ctx.sql, p, { spec: GROUP_SPEC, from: 'groups', columns: 'g.*', qualified: false, defaultOrder: 'g.modified_at DESC' }, params, page)!;
  return {
    kind: 'arvados#groupList',
    offset: page.offset,
    limit: page.limit,
    items: res.rows.map((r) => pick(groupRecord(r, r.lvl), select)),
    ...(res.available >= 0 ? { items_available: res.available } : {}),
  };
}

export function createGroup(ctx: StoreContext, p: Principal, attrs: Partial<Group>, opts: { ensure_unique_name?: boolean } = {}): Group {
  checkAttrNames(attrs, WRITABLE, IGNORED, 'group');
  const groupClass = attrs.group_class ?? 'project';
  if (!CLASSES.has(groupClass)) throw unprocessable(`Invalid group_class ${JSON.stringify(groupClass)}`);
  const owner = checkOwner(ctx, p, attrs.owner_uuid ?? p.userUuid);
  let name = checkName(attrs.name, { required: true })!;
  if (groupClass !== 'role') name = uniqueName(nameTaken(ctx, owner), name, { ensureUnique: opts.ensure_unique_name === true, owner })!;
  const now = isoTime(ctx.now());
  const base: TrashFields = { trash_at: null, delete_at: null, is_trashed: 0 };
  const trash = requestedTrash(base, { trash_at: optTime(attrs.trash_at, 'trash_at'), delete_at: optTime(attrs.delete_at, 'delete_at') }, ctx.now(), ctx.blobSigningTtl);
  const row: GroupRow = {
    uuid: newUuid(ctx.clusterId, 'group'),
    owner_uuid: owner,
    name,
    description: attrs.description === undefined ? null : checkDescription(attrs.description),
    group_class: groupClass,
    properties: JSON.stringify(attrs.properties === undefined ? {} : checkProperties(attrs.properties)),
    created_at: now,
    modified_at: now,
    ...trash,
  };
  ctx.sql
    .prepare(
      `INSERT INTO groups (uuid, owner_uuid, name, description, group_class, properties, created_at, modified_at, trash_at, delete_at, is_trashed)
       VALUES (@uuid, @owner_uuid, @name, @description, @group_class, @properties, @created_at, @modified_at, @trash_at, @delete_at, @is_trashed)`,
    )
    .run(row);
  return groupRecord(row, Level.manage);
}

export function updateGroup(ctx: StoreContext, p: Principal, uuid: string, attrs: Partial<Group>): Group {
  checkAttrNames(attrs, WRITABLE, IGNORED, 'group');
  const { row, level } = visibleRow(ctx, p, uuid, { includeTrash: true, need: Level.write });
  if (attrs.group_class !== undefined && attrs.group_class !== row.group_class) throw unprocessable('group_class cannot be changed');
  const owner = attrs.owner_uuid === undefined || attrs.owner_uuid === row.owner_uuid ? row.owner_uuid : checkOwner(ctx, p, attrs.owner_uuid, uuid);
  const trash = requestedTrash(row, { trash_at: optTime(attrs.trash_at, 'trash_at'), delete_at: optTime(attrs.delete_at, 'delete_at') }, ctx.now(), ctx.blobSigningTtl);
  let name = attrs.name === undefined ? row.name : checkName(attrs.name, { required: true })!;
  if (!trash.is_trashed && row.group_class !== 'role') name = uniqueName(nameTaken(ctx, owner, uuid), name, { ensureUnique: false, owner })!;
  const next: GroupRow = {
    ...row,
    owner_uuid: owner,
    name,
    description: attrs.description === undefined ? row.description : checkDescription(attrs.description),
    properties: attrs.properties === undefined ? row.properties : JSON.stringify(checkProperties(attrs.properties)),
    modified_at: nextModifiedAt(row.modified_at, ctx.now()),
    ...trash,
  };
  writeRow(ctx, next);
  return groupRecord(next, level);
}

export function trashGroup(ctx: StoreContext, p: Principal, uuid: string): Group {
  const { row, level } = visibleRow(ctx, p, uuid, { includeTrash: true, need: Level.write });
  const next: GroupRow = { ...row, ...(row.is_trashed ? row : trashNow(row, ctx.now(), ctx.blobSigningTtl)), modified_at: nextModifiedAt(row.modified_at, ctx.now()) };
  writeRow(ctx, next);
  return groupRecord(next, level);
}

function writeRow(ctx: StoreContext, row: GroupRow): void {
  ctx.sql
    .prepare(
      `UPDATE groups SET owner_uuid = @owner_uuid, name = @name, description = @description, properties = @properties,
         modified_at = @modified_at, trash_at = @trash_at, delete_at = @delete_at, is_trashed = @is_trashed WHERE uuid = @uuid`,
    )
    .run(row);
}

function optTime(value: unknown, attr: string): string | null | undefined {
  return value === undefined ? undefined : checkTime(value, attr);
}
