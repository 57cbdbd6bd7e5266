// Bucket-level operations: list, create, delete, head, and tagging (= the bucket's
// properties, string values only).

import type { Properties } from '../arvados-api/types.js';
import { api } from './api-errors.js';
import { COLLECTION_UUID, PDH, PROJECT_UUID, RESERVED_NAME_PREFIX, USER_UUID, type BucketTarget } from './buckets.js';
import type { SiteContext } from './context.js';
import { SiteError } from './errors.js';
import type { Principal } from './principal.js';

export interface BucketSummary {
  readonly name: string;
  readonly created: Date;
}

export async function listBuckets(ctx: SiteContext, p: Principal): Promise<BucketSummary[]> {
  const out: BucketSummary[] = [];
  let last = '';
  for (;;) {
    const page = await api(ctx.api.groupContents(p.token, p.userUuid, {
      filters: last ? [['uuid', '>', last]] : [],
      select: ['uuid', 'name', 'created_at', 'group_class'],
      order: ['uuid'],
      limit: 1000,
      count: 'none',
    }), 'NoSuchBucket');
    if (page.items.length === 0) break;
    for (const item of page.items) {
      last = item.uuid;
      if (item.kind === 'arvados#group' && item.group_class === 'role') continue;
      if (item.name.startsWith(RESERVED_NAME_PREFIX) || item.name.includes('/')) continue;
      out.push({ name: item.name, created: new Date(item.created_at) });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function createBucket(ctx: SiteContext, p: Principal, name: string): Promise<void> {
  if (p.readOnly) throw new SiteError('AccessDenied', 'Access Denied');
  const existing = await ctx.buckets.resolve(p, name).catch((err: unknown) => {
    if (err instanceof SiteError && err.reason === 'NoSuchBucket') return undefined;
    throw err;
  });
  if (existing) throw new SiteError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.');
  if ([COLLECTION_UUID, PDH, PROJECT_UUID, USER_UUID].some((re) => re.test(name)) || name.startsWith(RESERVED_NAME_PREFIX)) {
    throw new SiteError('InvalidArgument', 'this bucket name is reserved for existing collections and projects');
  }
  try {
    await api(ctx.api.createCollection(p.token, { name, owner_uuid: p.userUuid }, { select: ['uuid'] }), 'NoSuchBucket');
  } catch (err) {
    // Lost a race with another CreateBucket of the same name.
    if (err instanceof SiteError && err.reason === 'InvalidArgument' && /name|unique|exist/i.test(err.message)) {
      throw new SiteError('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.');
    }
    throw err;
  } finally {
    ctx.buckets.forget(p, name);
  }
}

export async function deleteBucket(ctx: SiteContext, p: Principal, name: string): Promise<void> {
  if (p.readOnly) throw new SiteError('AccessDenied', 'Access Denied');
  const target = await ctx.buckets.resolve(p, name);
  if (target.kind === 'pdh') throw new SiteError('AccessDenied', 'a portable data hash bucket is read-only');
  if (target.kind === 'collection') {
    const index = await ctx.collections.get(p, target.uuid, { byPdh: false });
    // Empty directories left behind by deletes do not make a bucket non-empty.
    if (index.fileCount > 0) throw new SiteError('BucketNotEmpty', 'The bucket you tried to delete is not empty.');
    await api(ctx.api.trashCollection(p.token, target.uuid), 'NoSuchBucket');
  } else {
    if ((await ctx.projects.list(p, target.uuid)).length > 0) throw new SiteError('BucketNotEmpty', 'The bucket you tried to delete is not empty.');
    await api(ctx.api.trashGroup(p.token, target.uuid), 'NoSuchBucket');
  }
  ctx.buckets.forget(p, name);
}

export interface BucketHead {
  readonly target: BucketTarget;
  readonly properties: Properties;
  readonly etag: string | undefined; // the collection's PDH
}

export async function headBucket(ctx: SiteContext, p: Principal, name: string): Promise<BucketHead> {
  const target = await ctx.buckets.resolve(p, name);
  if (target.kind === 'project') {
    const properties = USER_UUID.test(target.uuid)
      ? {}
      : (await api(ctx.api.getGroup(p.token, target.uuid, { select: ['uuid', 'properties'] }), 'NoSuchBucket')).properties;
    return { target, properties: properties ?? {}, etag: undefined };
  }
  const id = target.kind === 'pdh' ? target.pdh : target.uuid;
  const c = await api(ctx.api.getCollection(p.token, id, { select: ['uuid', 'portable_data_hash', 'properties'] }), 'NoSuchBucket');
  return { target, properties: c.properties ?? {}, etag: c.portable_data_hash };
}

export type TagSet = Array<{ key: string; value: string }>;

export function tagsOf(properties: Properties): TagSet {
  return Object.entries(properties)
    .filter((e): e is [string, string] => typeof e[1] === 'string')
    .map(([key, value]) => ({ key, value }));
}

export async function getBucketTagging(ctx: SiteContext, p: Principal, name: string): Promise<TagSet> {
  const tags = tagsOf((await headBucket(ctx, p, name)).properties);
  if (tags.length === 0) throw new SiteError('NoSuchTagSet', 'The TagSet does not exist');
  return tags;
}

/** Replaces the bucket's string-valued properties with `tags` (others are kept: tags cannot express them). */
export async function putBucketTagging(ctx: SiteContext, p: Principal, name: string, tags: TagSet): Promise<void> {
  if (p.readOnly) throw new SiteError('AccessDenied', 'Access Denied');
  const head = await headBucket(ctx, p, name);
  const properties: Properties = Object.fromEntries(Object.entries(head.properties).filter(([, v]) => typeof v !== 'string'));
  for (const t of tags) properties[t.key] = t.value;
  const target = head.target;
  if (target.kind === 'pdh') throw new SiteError('AccessDenied', 'a portable data hash bucket is read-only');
  if (target.kind === 'collection') {
    await api(ctx.api.updateCollection(p.token, target.uuid, { properties }, { select: ['uuid'] }), 'NoSuchBucket');
  } else {
    if (USER_UUID.test(target.uuid)) throw new SiteError('AccessDenied', 'a home project has no properties');
    await api(ctx.api.updateGroup(p.token, target.uuid, { properties }), 'NoSuchBucket');
  }
}
