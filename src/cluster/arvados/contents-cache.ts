// Project contents (groups/<uuid>/contents pages) cached for a few seconds per token, as
// keep-web keeps a session's project directories: listing a project bucket or walking a key
// through subprojects then costs one round of API calls per TTL, not one per request. Any
// write this gateway makes drops every entry (a write can change what any project lists,
// recursively), and a page fetched while a write was running is not stored, so this
// gateway always sees its own writes. Other gateways' writes show up within the TTL.
import type { GroupContentsParams } from '../../arvados-api/api.js';
import type { Collection, Group, ItemList } from '../../arvados-api/types.js';
import { TtlCache } from '../../common/ttl-cache.js';

type Page = ItemList<Group | Collection>;

export interface ContentsCacheOptions {
  /** 0 disables the cache. */
  readonly ttlMs: number;
  readonly now: () => number;
  /** Pages kept at most (default 100; a page holds up to 1000 items). */
  readonly maxEntries?: number;
}

export class ContentsCache {
  private readonly cache: TtlCache<string, Page>;
  /** Bumped when a write starts and when it ends: a fill that saw a change is dropped. */
  private generation = 0;
  /** Writes running now: pages loaded meanwhile may miss their effect, so are not stored. */
  private writes = 0;

  constructor(private readonly opts: ContentsCacheOptions) {
    this.cache = new TtlCache({ ttlMs: opts.ttlMs, max: opts.maxEntries ?? 100, now: opts.now });
  }

  async get(token: string, uuid: string, params: GroupContentsParams, load: () => Promise<Page>): Promise<Page> {
    if (this.opts.ttlMs <= 0) return load();
    const key = JSON.stringify([token, uuid, params]);
    const hit = this.cache.get(key);
    if (hit) return hit;
    const generation = this.generation;
    const page = await load();
    if (generation === this.generation && this.writes === 0) this.cache.set(key, page);
    return page;
  }

  /** Runs a write; the cache is emptied when it starts and when it ends. */
  async writing<T>(write: () => Promise<T>): Promise<T> {
    this.invalidate();
    this.writes++;
    try {
      return await write();
    } finally {
      this.writes--;
      this.invalidate();
    }
  }

  private invalidate(): void {
    this.generation++;
    this.cache.deleteWhere(() => true);
  }
}
