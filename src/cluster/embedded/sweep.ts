// Background maintenance: the trash sweep (scheduled trash_at takes effect; objects past
// delete_at are deleted for good, a project with everything below it) and block garbage
// collection. Both are plain methods for tests and run on an interval timer in a cluster.

import type { StoredBlock } from '../../keep/dir-store.js';
import type { StoreContext } from './context.js';
import { isoTime } from './context.js';
import { deleteDanglingLinks } from './links.js';

export interface SweepResult {
  collectionsDeleted: number;
  groupsDeleted: number;
}

/** Applies due trash_at and deletes what is past delete_at, in one transaction. */
export function sweepTrash(ctx: StoreContext, now: number): Promise<SweepResult> {
  const at = isoTime(now);
  return ctx.commit.run(() => {
    for (const table of ['collections', 'groups']) {
      ctx.db.prepare(`UPDATE ${table} SET is_trashed = 1 WHERE is_trashed = 0 AND trash_at IS NOT NULL AND trash_at <= ?`).run(at);
    }
    const doomed = `WITH RECURSIVE doomed(uuid) AS (
        SELECT uuid FROM groups WHERE delete_at IS NOT NULL AND delete_at <= ?
        UNION SELECT g.uuid FROM groups g JOIN doomed d ON g.owner_uuid = d.uuid
      )`;
    const collectionsDeleted = ctx.db
      .prepare(`${doomed} DELETE FROM collections WHERE (delete_at IS NOT NULL AND delete_at <= ?) OR owner_uuid IN (SELECT uuid FROM doomed)`)
      .run(at, at).changes;
    const groupsDeleted = ctx.db.prepare(`${doomed} DELETE FROM groups WHERE uuid IN (SELECT uuid FROM doomed)`).run(at).changes;
    deleteDanglingLinks(ctx);
    return { collectionsDeleted, groupsDeleted };
  });
}

/** The block store operations garbage collection needs (DirBlockStore has them). */
export interface CollectableStore {
  list(): AsyncIterable<StoredBlock>;
  delete(hash: string, opts?: { ifUnchangedSince?: number }): Promise<boolean>;
}

export interface GcResult {
  deleted: number;
  kept: number;
}

/**
 * Deletes blocks that no collection (live or trashed) references and that are older than the
 * blob signing TTL: a younger block may be about to be referenced by a writer holding a
 * signed locator for it. The age is re-checked at delete time (under the store's per-block
 * lock), so a block re-put while the collector runs survives.
 */
export async function collectGarbage(ctx: StoreContext, store: CollectableStore, now: number): Promise<GcResult> {
  const cutoff = now - ctx.blobSigningTtl * 1000;
  const referenced = referencedBlocks(ctx);
  const result: GcResult = { deleted: 0, kept: 0 };
  for await (const block of store.list()) {
    if (block.mtimeMs < cutoff && !referenced.has(block.hash) && (await store.delete(block.hash, { ifUnchangedSince: cutoff }))) result.deleted++;
    else result.kept++;
  }
  return result;
}

/** Hashes of every block a file row names (segments are `<locator> <offset> <length>` triples). */
function referencedBlocks(ctx: StoreContext): Set<string> {
  const hashes = new Set<string>();
  const rows = ctx.db.prepare(`SELECT segments FROM collection_files WHERE kind = 'file' AND segments != ''`).iterate() as Iterable<{ segments: string }>;
  for (const { segments } of rows) {
    const parts = segments.split(' ');
    for (let i = 0; i < parts.length; i += 3) hashes.add(parts[i]!.slice(0, 32));
  }
  return hashes;
}
