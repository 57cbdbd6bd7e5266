// Trash fields of groups and collections (ARVADOS.md d.3): trashing now sets trash_at = now
// and delete_at = min(existing, now + TTL); a future trash_at schedules trashing (the sweep
// flips is_trashed when it passes); trash_at = null untrashes.

import { unprocessable } from './errors.js';
import { isoTime } from './context.js';

export interface TrashFields {
  trash_at: string | null;
  delete_at: string | null;
  is_trashed: number;
}

export function trashNow(current: TrashFields, now: number, ttlSeconds: number): TrashFields {
  const latest = now + ttlSeconds * 1000;
  const existing = current.delete_at === null ? Infinity : Date.parse(current.delete_at);
  return { trash_at: isoTime(now), delete_at: isoTime(Math.min(existing, latest)), is_trashed: 1 };
}

/** Applies requested trash_at / delete_at (already normalised, undefined = unchanged). */
export function requestedTrash(current: TrashFields, req: { trash_at?: string | null; delete_at?: string | null }, now: number, ttlSeconds: number): TrashFields {
  // Only the trash fields: callers spread the result over a whole row.
  if (req.trash_at === undefined && req.delete_at === undefined) return { trash_at: current.trash_at, delete_at: current.delete_at, is_trashed: current.is_trashed };
  const trashAt = req.trash_at === undefined ? current.trash_at : req.trash_at;
  if (trashAt === null) {
    if (req.delete_at) throw unprocessable('delete_at requires trash_at');
    return { trash_at: null, delete_at: null, is_trashed: 0 };
  }
  const deleteAt = req.delete_at ?? current.delete_at ?? isoTime(Date.parse(trashAt) + ttlSeconds * 1000);
  if (Date.parse(deleteAt) < Date.parse(trashAt)) throw unprocessable('delete_at must not be before trash_at');
  return { trash_at: trashAt, delete_at: deleteAt, is_trashed: Date.parse(trashAt) <= now ? 1 : 0 };
}

/** 422 when a trashed object can no longer be restored. */
export function checkUntrashable(current: TrashFields, now: number, uuid: string): void {
  if (current.delete_at !== null && Date.parse(current.delete_at) <= now) {
    throw unprocessable(`${uuid} is past its delete_at and cannot be untrashed`);
  }
}
