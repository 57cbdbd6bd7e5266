// Permission links: tail (a user or role) gets `name` (can_read | can_write | can_manage) on
// head (any object). Creating or deleting one needs can_manage on the head.

import type { Link } from '../../arvados-api/types.js';
import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { isoTime } from './context.js';
import { notFound, unprocessable } from './errors.js';
import { newUuid, typeOfUuid } from './ids.js';
import { checkAttrNames, requireLevel } from './ownership.js';
import { LINK_LEVELS, Level } from './permissions.js';

interface LinkRow {
  uuid: string;
  owner_uuid: string;
  link_class: string;
  name: string;
  tail_uuid: string;
  head_uuid: string;
  properties: string;
  created_at: string;
  modified_at: string;
}

const WRITABLE = new Set(['link_class', 'name', 'tail_uuid', 'head_uuid', 'properties']);
const IGNORED = new Set(['kind', 'uuid', 'owner_uuid', 'created_at', 'modified_at', 'etag', 'href']);

function linkRecord(row: LinkRow): Link {
  return { kind: 'arvados#link', ...row, properties: JSON.parse(row.properties) as Record<string, unknown> };
}

function objectExists(ctx: StoreContext, uuid: string): boolean {
  const table = { user: 'users', group: 'groups', collection: 'collections' }[typeOfUuid(uuid) as string];
  return table !== undefined && ctx.sql.prepare(`SELECT 1 FROM ${table} WHERE uuid = ?`).get(uuid) !== undefined;
}

export function createLink(ctx: StoreContext, p: Principal, attrs: Pick<Link, 'link_class' | 'name' | 'tail_uuid' | 'head_uuid'> & { properties?: unknown }): Link {
  checkAttrNames(attrs, WRITABLE, IGNORED, 'link');
  if (attrs.link_class !== 'permission') throw unprocessable(`Unsupported link_class ${JSON.stringify(attrs.link_class)}: only "permission"`);
  if (LINK_LEVELS[attrs.name] === undefined) throw unprocessable(`Invalid permission name ${JSON.stringify(attrs.name)}`);
  const tailType = typeOfUuid(String(attrs.tail_uuid));
  const tailOk =
    (tailType === 'user' && objectExists(ctx, attrs.tail_uuid)) ||
    (tailType === 'group' && ctx.sql.prepare(`SELECT 1 FROM groups WHERE uuid = ? AND group_class = 'role'`).get(attrs.tail_uuid) !== undefined);
  if (!tailOk) throw unprocessable(`tail_uuid ${attrs.tail_uuid} is not an existing user or role`);
  if (typeof attrs.head_uuid !== 'string' || !objectExists(ctx, attrs.head_uuid)) throw notFound(String(attrs.head_uuid));
  requireLevel(ctx, p, attrs.head_uuid, Level.manage);
  const properties = attrs.properties ?? {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) throw unprocessable('properties must be a JSON object');
  const now = isoTime(ctx.now());
  const row: LinkRow = {
    uuid: newUuid(ctx.clusterId, 'link'),
    owner_uuid: p.userUuid,
    link_class: attrs.link_class,
    name: attrs.name,
    tail_uuid: attrs.tail_uuid,
    head_uuid: attrs.head_uuid,
    properties: JSON.stringify(properties),
    created_at: now,
    modified_at: now,
  };
  ctx.sql
    .prepare(
      `INSERT INTO links (uuid, owner_uuid, link_class, name, tail_uuid, head_uuid, properties, created_at, modified_at)
       VALUES (@uuid, @owner_uuid, @link_class, @name, @tail_uuid, @head_uuid, @properties, @created_at, @modified_at)`,
    )
    .run(row);
  return linkRecord(row);
}

export function deleteLink(ctx: StoreContext, p: Principal, uuid: string): Link {
  const row = ctx.sql.prepare('SELECT * FROM links WHERE uuid = ?').get(uuid) as LinkRow | undefined;
  if (!row) throw notFound(uuid);
  // The link's owner or whoever manages its head may remove it; anyone else does not see it.
  if (row.owner_uuid !== p.userUuid) requireLevel(ctx, p, row.head_uuid, Level.manage);
  ctx.sql.prepare('DELETE FROM links WHERE uuid = ?').run(uuid);
  return linkRecord(row);
}

/** Removes links whose head or tail was deleted (the trash sweep calls this). */
export function deleteDanglingLinks(ctx: StoreContext): number {
  return ctx.sql
    .prepare(
      `DELETE FROM links WHERE
         head_uuid NOT IN (SELECT uuid FROM users UNION ALL SELECT uuid FROM groups UNION ALL SELECT uuid FROM collections)
         OR tail_uuid NOT IN (SELECT uuid FROM users UNION ALL SELECT uuid FROM groups)`,
    )
    .run().changes;
}
