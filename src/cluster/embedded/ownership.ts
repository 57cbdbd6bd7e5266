// Rules shared by groups and collections: who may own them, unique names within one owner
// (with Arvados' ensure_unique_name renaming), attribute validation, and the permission
// check that turns "can't see it" into 404 and "can't change it" into 403.

import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { forbidden, notFound, unprocessable } from './errors.js';
import { typeOfUuid } from './ids.js';
import { Level, levelOn, ownershipChain } from './permissions.js';

/** 404 below `read`, 403 below `need`; returns the level held. */
export function requireLevel(ctx: StoreContext, p: Principal, uuid: string, need: Level): Level {
  const level = levelOn(ctx.sql, p, uuid);
  if (level < Level.read) throw notFound(uuid);
  if (level < need) throw forbidden(`Permission denied: ${uuid} is not writable by ${p.userUuid}`);
  return level;
}

/**
 * Validates a (new) owner: a user or a project the caller can write. `moving` is the group
 * being moved, which may not end up inside itself.
 */
export function checkOwner(ctx: StoreContext, p: Principal, owner: unknown, moving?: string): string {
  if (typeof owner !== 'string') throw unprocessable('owner_uuid must be a string');
  const type = typeOfUuid(owner);
  const exists =
    type === 'user'
      ? ctx.sql.prepare('SELECT 1 FROM users WHERE uuid = ?').get(owner) !== undefined
      : type === 'group' && ctx.sql.prepare(`SELECT 1 FROM groups WHERE uuid = ? AND group_class IN ('project', 'role')`).get(owner) !== undefined;
  const level = exists ? levelOn(ctx.sql, p, owner) : Level.none;
  if (level < Level.read) throw unprocessable(`owner_uuid ${owner} does not exist or is not a project you can see`);
  if (level < Level.write) throw forbidden(`Permission denied: cannot write to owner ${owner}`);
  if (moving !== undefined && ownershipChain(ctx.sql, owner).includes(moving)) {
    throw unprocessable(`Cannot move ${moving} into itself or one of its subprojects`);
  }
  return owner;
}

/** Arvados name rules (no ForwardSlashNameSubstitution configured). */
export function checkName(name: unknown, opts: { required: boolean }): string | null {
  if (name === null || name === undefined) {
    if (opts.required) throw unprocessable('Name cannot be blank');
    return null;
  }
  if (typeof name !== 'string') throw unprocessable('name must be a string');
  if (opts.required && name === '') throw unprocessable('Name cannot be blank');
  if (name.includes('/')) throw unprocessable(`Name "${name}" may not contain "/"`);
  if (name === '.' || name === '..') throw unprocessable(`Name "${name}" is not allowed`);
  return name;
}

/**
 * The name to store: `name` if no live sibling uses it, else `name (n)` with the smallest
 * free n when ensure_unique_name is set, else 422.
 */
export function uniqueName(taken: (candidate: string) => boolean, name: string | null, opts: { ensureUnique: boolean; owner: string }): string | null {
  if (name === null || !taken(name)) return name;
  if (!opts.ensureUnique) throw unprocessable(`Duplicate name: "${name}" is already in use in ${opts.owner}`);
  for (let n = 1; ; n++) {
    const candidate = `${name} (${n})`;
    if (!taken(candidate)) return candidate;
  }
}

/** 422 for attributes that are neither writable nor harmless read-only echoes. */
export function checkAttrNames(attrs: object, writable: ReadonlySet<string>, ignored: ReadonlySet<string>, kind: string): void {
  for (const key of Object.keys(attrs)) {
    if (!writable.has(key) && !ignored.has(key)) throw unprocessable(`Unknown or read-only attribute '${key}' for ${kind}`);
  }
}

export function checkProperties(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unprocessable('properties must be a JSON object');
  return value as Record<string, unknown>;
}

export function checkDescription(value: unknown): string | null {
  if (value !== null && typeof value !== 'string') throw unprocessable('description must be a string or null');
  return value;
}

/** trash_at / delete_at from a request: null, or a timestamp normalised to our ISO form. */
export function checkTime(value: unknown, attr: string): string | null {
  if (value === null) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw unprocessable(`Invalid ${attr} ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
}
