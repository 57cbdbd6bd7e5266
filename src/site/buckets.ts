// Bucket name -> what it stands for (DESIGN.md "Buckets"): a collection UUID, a portable
// data hash (read-only), a project or user UUID (home project), then a collection or
// project of that name directly in the caller's home project. Name lookups are cached
// briefly per user and forgotten when this gateway creates or deletes a bucket.

import type { ArvadosApi } from '../arvados-api/api.js';
import type { Collection, Group } from '../arvados-api/types.js';
import { TtlCache } from '../common/ttl-cache.js';
import { api } from './api-errors.js';
import { SiteError } from './errors.js';
import type { Principal } from './principal.js';

export type BucketTarget =
  | { readonly kind: 'collection'; readonly uuid: string; readonly name: string; readonly ownerUuid: string }
  | { readonly kind: 'pdh'; readonly pdh: string }
  | { readonly kind: 'project'; readonly uuid: string; readonly name: string };

export const COLLECTION_UUID = /^[a-z0-9]{5}-4zz18-[a-z0-9]{15}$/;
export const PROJECT_UUID = /^[a-z0-9]{5}-j7d0g-[a-z0-9]{15}$/;
export const USER_UUID = /^[a-z0-9]{5}-tpzed-[a-z0-9]{15}$/;
export const PDH = /^[0-9a-f]{32}\+\d+$/;

/** Names of the gateway's own bookkeeping (multipart staging) are never buckets. */
export const RESERVED_NAME_PREFIX = '.keepgate-';

export class BucketResolver {
  private readonly byName: TtlCache<string, BucketTarget>;

  constructor(private readonly deps: { api: ArvadosApi; now: () => number; ttlMs?: number }) {
    this.byName = new TtlCache({ ttlMs: deps.ttlMs ?? 5_000, max: 10_000, now: deps.now });
  }

  async resolve(p: Principal, name: string): Promise<BucketTarget> {
    if (COLLECTION_UUID.test(name)) {
      const c = await api(this.deps.api.getCollection(p.token, name, { select: ['uuid', 'name', 'owner_uuid'] }), 'NoSuchBucket');
      return { kind: 'collection', uuid: c.uuid, name: c.name, ownerUuid: c.owner_uuid };
    }
    if (PDH.test(name)) {
      const c = await api(this.deps.api.getCollection(p.token, name, { select: ['portable_data_hash'] }), 'NoSuchBucket');
      return { kind: 'pdh', pdh: c.portable_data_hash };
    }
    if (PROJECT_UUID.test(name)) {
      const g = await api(this.deps.api.getGroup(p.token, name, { select: ['uuid', 'name', 'group_class'] }), 'NoSuchBucket');
      if (g.group_class === 'role') throw new SiteError('NoSuchBucket', 'The specified bucket does not exist.');
      return { kind: 'project', uuid: g.uuid, name: g.name };
    }
    if (USER_UUID.test(name)) {
      const u = await api(this.deps.api.getUser(p.token, name), 'NoSuchBucket');
      return { kind: 'project', uuid: u.uuid, name: u.username ?? u.uuid };
    }
    const key = `${p.userUuid}\0${name}`;
    const hit = this.byName.get(key);
    if (hit) return hit;
    const found = await this.lookupName(p, name);
    this.byName.set(key, found);
    return found;
  }

  /** Forget cached names of one user (after this gateway created or deleted a bucket). */
  forget(p: Principal, name: string): void {
    this.byName.delete(`${p.userUuid}\0${name}`);
  }

  private async lookupName(p: Principal, name: string): Promise<BucketTarget> {
    if (name.startsWith(RESERVED_NAME_PREFIX)) throw new SiteError('NoSuchBucket', 'The specified bucket does not exist.');
    const page = await api(
      this.deps.api.groupContents(p.token, p.userUuid, {
        filters: [['name', '=', name]],
        select: ['uuid', 'name', 'owner_uuid', 'group_class'],
        limit: 10,
        count: 'none',
      }),
      'NoSuchBucket',
    );
    // A collection wins over a same-named project: CreateBucket makes collections.
    const coll = page.items.find((i): i is Collection => i.kind === 'arvados#collection');
    if (coll) return { kind: 'collection', uuid: coll.uuid, name: coll.name, ownerUuid: coll.owner_uuid };
    const proj = page.items.find((i): i is Group => i.kind === 'arvados#group' && i.group_class !== 'role');
    if (proj) return { kind: 'project', uuid: proj.uuid, name: proj.name };
    throw new SiteError('NoSuchBucket', 'The specified bucket does not exist.');
  }
}
