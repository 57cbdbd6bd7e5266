// The Arvados permission model (ARVADOS.md d.6): levels none < can_read < can_write <
// can_manage. A user manages what they own; permission links (tail = user or a role the user
// belongs to, head = object) grant a level; grants flow down the ownership chain (projects
// own projects and collections). A grant through a role is capped by the membership level.
// Admins have can_manage everywhere. Point checks walk the chain in JS; listings use the
// recursive CTEs below so readability is decided inside the query.

import type { Principal } from './auth.js';
import type { Sql } from './statements.js';

export const Level = { none: 0, read: 1, write: 2, manage: 3 } as const;
export type Level = (typeof Level)[keyof typeof Level];

export const LINK_LEVELS: Record<string, Level> = { can_read: 1, can_write: 2, can_manage: 3 };

const LEVEL_SQL = `CASE l.name WHEN 'can_read' THEN 1 WHEN 'can_write' THEN 2 WHEN 'can_manage' THEN 3 ELSE 0 END`;

/** CTEs `me(uuid)` and `principals(uuid, lvl)`: the user (can_manage) and the roles they belong to. */
const PRINCIPALS_CTES = `me(uuid) AS (SELECT ?),
    principals(uuid, lvl) AS (
      SELECT uuid, 3 FROM me
      UNION ALL
      SELECT l.head_uuid, ${LEVEL_SQL} FROM links l JOIN groups g ON g.uuid = l.head_uuid AND g.group_class = 'role'
       WHERE l.link_class = 'permission' AND l.tail_uuid = (SELECT uuid FROM me)
    )`;

/**
 * CTEs `me`, `principals`, `grants(uuid, lvl)` (the user's own uuid and permission-link heads)
 * and `reach(uuid, lvl)` (grants plus every group below a granted object: ownership chains run
 * through groups). Non-admins only. One `?` parameter: the user uuid.
 */
export function reachCtes(opts: { skipTrashed: boolean }): string {
  const live = opts.skipTrashed ? 'WHERE g.is_trashed = 0' : '';
  return `${PRINCIPALS_CTES},
    grants(uuid, lvl) AS (
      SELECT uuid, 3 FROM me
      UNION ALL
      SELECT l.head_uuid, min(p.lvl, ${LEVEL_SQL}) FROM links l JOIN principals p ON l.tail_uuid = p.uuid
       WHERE l.link_class = 'permission'
    ),
    reach(uuid, lvl) AS (
      SELECT uuid, lvl FROM grants
      UNION
      SELECT g.uuid, r.lvl FROM groups g JOIN reach r ON g.owner_uuid = r.uuid ${live}
    )`;
}

/** CTE `trashed(uuid)`: trashed groups and every group below one. No parameters. */
export const TRASHED_CTE = `trashed(uuid) AS (
      SELECT uuid FROM groups WHERE is_trashed = 1
      UNION
      SELECT g.uuid FROM groups g JOIN trashed t ON g.owner_uuid = t.uuid
    )`;

/** Owner of any object type the backend stores, or undefined if it does not exist. */
export function ownerOf(db: Sql, uuid: string): string | undefined {
  const row = db
    .prepare(
      `SELECT owner_uuid FROM groups WHERE uuid = @uuid
       UNION ALL SELECT owner_uuid FROM collections WHERE uuid = @uuid
       UNION ALL SELECT owner_uuid FROM links WHERE uuid = @uuid
       LIMIT 1`,
    )
    .get({ uuid }) as { owner_uuid: string } | undefined;
  return row?.owner_uuid;
}

/** The object followed by its owner, the owner's owner, … up to a user (or a dangling uuid). */
export function ownershipChain(db: Sql, uuid: string): string[] {
  const chain = [uuid];
  for (let owner = ownerOf(db, uuid); owner !== undefined && !chain.includes(owner); owner = ownerOf(db, owner)) {
    chain.push(owner);
  }
  return chain;
}

/** The principal's level on an object (existence is the caller's business). */
export function levelOn(db: Sql, p: Principal, uuid: string): Level {
  if (p.isAdmin) return Level.manage;
  const chain = ownershipChain(db, uuid);
  if (chain.includes(p.userUuid)) return Level.manage;
  const marks = chain.map(() => '?').join(',');
  const row = db
    .prepare(
      `WITH RECURSIVE ${PRINCIPALS_CTES}
       SELECT max(min(p.lvl, ${LEVEL_SQL})) AS lvl FROM links l JOIN principals p ON l.tail_uuid = p.uuid
        WHERE l.link_class = 'permission' AND l.head_uuid IN (${marks})`,
    )
    .get(p.userUuid, ...chain) as { lvl: number | null };
  return (row.lvl ?? Level.none) as Level;
}

/** True when a group above the object (or the object itself, if a group) is trashed. */
export function inTrashedProject(db: Sql, uuid: string): boolean {
  const chain = ownershipChain(db, uuid);
  const marks = chain.map(() => '?').join(',');
  const row = db.prepare(`SELECT 1 FROM groups WHERE is_trashed = 1 AND uuid IN (${marks}) LIMIT 1`).get(...chain);
  return row !== undefined;
}
