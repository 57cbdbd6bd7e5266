// What must hold after a crash and restart: the SQLite file passes integrity and foreign-key
// checks (opened read-only before the restart), every object is in one of the states the
// client model allows (whole, never half-written), listings agree with reads, and every block
// that a live collection references is on disk with its size.

import Database from 'better-sqlite3';
import { join } from 'node:path';
import { StoredBlocks } from '../stored-blocks.js';
import { digestOf, type Digest, type ObjectModel } from './object-model.js';
import { getObject, listAll } from './s3-ops.js';
import type { S3Target } from './s3-raw.js';

export function databaseChecks(dataDir: string): { integrity: string; foreignKeyViolations: number } {
  const db = new Database(join(dataDir, 'metadata.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return {
      integrity: String(db.pragma('integrity_check', { simple: true })),
      foreignKeyViolations: (db.pragma('foreign_key_check') as unknown[]).length,
    };
  } finally {
    db.close();
  }
}

const show = (s: ReadonlySet<Digest>): string => [...s].map((d) => d ?? 'absent').join(' | ');

/**
 * Violations of the model (empty when all is well); settles the model to what was observed.
 * `full: false` reads back only the objects written since the last verification (the ones a
 * crash may have caught mid-write) plus `sample` others; the listing check covers all of them.
 */
export async function verifyObjects(t: S3Target, model: ObjectModel, buckets: readonly string[], opts: { full: boolean; sample?: () => boolean } = { full: true }): Promise<string[]> {
  const problems: string[] = [];
  const observed = new Map<string, Digest>();
  const toRead = model.ids().filter((id) => opts.full || model.isTouched(id) || (opts.sample?.() ?? false));
  for (const id of model.ids()) {
    const known = model.possible(id);
    if (!toRead.includes(id) && known.size === 1) observed.set(id, [...known][0]!);
  }
  await forEachLimit(toRead, 8, async (id) => {
    const slash = id.indexOf('/');
    const res = await getObject(t, id.slice(0, slash), id.slice(slash + 1));
    let seen: Digest;
    if (res.status === 200) seen = digestOf(res.body);
    else if (res.status === 404 && /NoSuchKey/.test(res.text)) seen = null;
    else {
      problems.push(`GET ${id} -> ${res.status} ${res.text.slice(0, 200)}`);
      return;
    }
    const allowed = model.possible(id);
    if (!allowed.has(seen)) problems.push(`${id}: saw ${seen ?? 'absent'}, allowed ${show(allowed)}`);
    observed.set(id, seen);
    model.settle(id, seen);
  });
  for (const bucket of buckets) {
    const listed = await listAll(t, bucket);
    for (const [key, size] of listed) {
      if (key.endsWith('/')) continue; // directory placeholders
      const seen = observed.get(`${bucket}/${key}`);
      if (seen === undefined) problems.push(`listing of ${bucket} shows ${key}, which nobody wrote`);
      else if (seen === null) problems.push(`listing of ${bucket} shows ${key}, which GET says is absent`);
      else if (Number(seen.split(':')[0]) !== size) problems.push(`listing of ${bucket} gives ${key} size ${size}, GET gave ${seen}`);
    }
    for (const [id, seen] of observed) {
      if (seen !== null && id.startsWith(`${bucket}/`) && !listed.has(id.slice(bucket.length + 1))) problems.push(`${id} is readable but not listed`);
    }
  }
  return problems;
}

/** Blocks referenced by live (untrashed) collections, read as admin through the REST API, that are stored nowhere in <data>. */
export async function missingLiveBlocks(apiEndpoint: string, adminToken: string, dataDir: string): Promise<string[]> {
  const missing: string[] = [];
  const blocks = new StoredBlocks(dataDir);
  try {
    for (let offset = 0; ; ) {
      const q = new URLSearchParams({ select: JSON.stringify(['uuid', 'unsigned_manifest_text']), limit: '100', offset: String(offset), order: JSON.stringify(['uuid asc']) });
      const res = await fetch(`${apiEndpoint}/arvados/v1/collections?${q}`, { headers: { authorization: `Bearer ${adminToken}` } });
      if (!res.ok) throw new Error(`listing collections -> ${res.status} ${await res.text()}`);
      const page = (await res.json()) as { items: Array<{ uuid: string; unsigned_manifest_text: string }> };
      for (const c of page.items) {
        for (const m of c.unsigned_manifest_text.matchAll(/\b([0-9a-f]{32})\+(\d+)/g)) {
          const [hash, size] = [m[1]!, Number(m[2])];
          if (size === 0) continue;
          const stored = blocks.size(hash);
          if (stored === undefined) missing.push(`${c.uuid}: block ${hash}+${size} is missing`);
          else if (stored !== size) missing.push(`${c.uuid}: block ${hash} has ${stored} bytes, manifest says ${size}`);
        }
      }
      if (page.items.length < 100) break;
      offset += page.items.length;
    }
  } finally {
    blocks.close();
  }
  return [...new Set(missing)];
}

/** Runs `fn` over `items`, at most `limit` at a time. */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
