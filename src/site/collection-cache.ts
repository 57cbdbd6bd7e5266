// Parsed collections, cached per token (manifest signatures are made for one token) and
// revalidated on every use with a cheap request for the collection's modified_at (the
// "PDH check" keep-web does), so a stream of requests does not re-parse the manifest.
// Content addressed by PDH never changes, so those entries need no revalidation.
// Requests that need the same collection at once share one fetch and parse (a cold cache, or
// a change seen by many readers, would otherwise cost one full manifest parse per request).

import type { ArvadosApi } from '../arvados-api/api.js';
import type { Properties } from '../arvados-api/types.js';
import { TtlCache } from '../common/ttl-cache.js';
import { api } from './api-errors.js';
import { buildIndex, type CollectionIndex } from './collection-index.js';
import type { Principal } from './principal.js';

const FULL_SELECT = [
  'uuid', 'name', 'owner_uuid', 'portable_data_hash', 'modified_at', 'manifest_text', 'properties',
  'replication_desired', 'storage_classes_desired', 'x_keepgate_file_attrs', 'version',
];

export class CollectionCache {
  private readonly cache: TtlCache<string, CollectionIndex>;
  /** Full fetches in progress, by cache key: the latest one started. */
  private readonly loading = new Map<string, Promise<CollectionIndex>>();

  constructor(private readonly deps: { api: ArvadosApi; now: () => number; folderObjects: boolean; maxEntries?: number }) {
    // Signatures last the blob signing TTL (weeks); an hour keeps cached locators far from expiry.
    this.cache = new TtlCache({ ttlMs: 3_600_000, max: deps.maxEntries ?? 256, now: deps.now });
  }

  async get(p: Principal, id: string, opts: { byPdh: boolean }): Promise<CollectionIndex> {
    const key = `${p.tokenUuid}\0${id}`;
    // A fetch already under way is joined (looked for before any await, so that concurrent
    // callers find the one this call starts). It may predate a write this request must see,
    // so it is revalidated like a cached copy.
    const hit = this.cache.get(key) ?? (this.loading.has(key) ? await this.joined(key) : undefined);
    if (hit && opts.byPdh) return hit;
    if (hit) {
      const head = await api(this.deps.api.getCollection(p.token, id, { select: ['uuid', 'modified_at'] }), 'NoSuchBucket');
      if (head.modified_at === hit.modifiedAt) return hit;
      const shared = this.loading.has(key) ? await this.joined(key) : undefined;
      if (shared?.modifiedAt === head.modified_at) return shared;
    }
    return this.load(key, p, id, opts);
  }

  /** What the fetch in progress for `key` gives; undefined if it fails (the caller then fetches itself). */
  private async joined(key: string): Promise<CollectionIndex | undefined> {
    return this.loading.get(key)?.catch(() => undefined);
  }

  private load(key: string, p: Principal, id: string, opts: { byPdh: boolean }): Promise<CollectionIndex> {
    const select = opts.byPdh ? ['portable_data_hash', 'manifest_text'] : FULL_SELECT;
    const loading = api(this.deps.api.getCollection(p.token, id, { select }), 'NoSuchBucket').then((c) => {
      const index = buildIndex(c, { folderObjects: this.deps.folderObjects });
      this.cache.set(key, index);
      return index;
    });
    this.loading.set(key, loading);
    const done = (): void => {
      if (this.loading.get(key) === loading) this.loading.delete(key);
    };
    loading.then(done, done);
    return loading;
  }

  /**
   * Applies a write this gateway just committed to the caller's cached copy, when nothing else
   * changed the collection's files in between (its version moved by exactly one); otherwise
   * the copy is dropped and the next read fetches the collection again.
   */
  applyOwnWrite(p: Principal, uuid: string, after: { version?: number; modified_at?: string; properties?: Properties }, change: (index: CollectionIndex) => void): void {
    const key = `${p.tokenUuid}\0${uuid}`;
    const hit = this.cache.get(key);
    if (!hit) return;
    if (hit.version === undefined || after.version !== hit.version + 1 || after.modified_at === undefined) {
      this.cache.delete(key);
      return;
    }
    change(hit);
    if (after.properties) hit.properties = after.properties;
    hit.version = after.version;
    hit.modifiedAt = after.modified_at;
  }
}
