// ListObjects over a bucket: a collection's cached sorted index, or for a project bucket
// the keys reached by walking subprojects and collections (only as deep as the prefix and
// delimiter require: a child that rolls up into one common prefix is not opened).

import { compareUtf8 } from '../common/utf8-order.js';
import type { CollectionIndex } from './collection-index.js';
import type { SiteContext } from './context.js';
import { EMPTY_MD5 } from './etag.js';
import { listPage, type ListParams } from './list.js';
import type { Principal } from './principal.js';

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
}

export interface ListResult {
  readonly contents: ListedObject[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  readonly next: string | undefined;
}

interface KeySource {
  readonly keys: readonly string[];
  get(key: string): ListedObject | undefined;
}

export async function listObjects(ctx: SiteContext, p: Principal, bucket: string, params: ListParams): Promise<ListResult> {
  const target = await ctx.buckets.resolve(p, bucket);
  const source =
    target.kind === 'project'
      ? await projectSource(ctx, p, target.uuid, '', params)
      : indexSource(await ctx.collections.get(p, target.kind === 'pdh' ? target.pdh : target.uuid, { byPdh: target.kind === 'pdh' }), '');
  const page = listPage(source.keys, params);
  return {
    contents: page.keys.map((k) => source.get(k)!),
    commonPrefixes: page.commonPrefixes,
    isTruncated: page.isTruncated,
    next: page.next,
  };
}

function indexSource(index: CollectionIndex, base: string): KeySource {
  if (!base) return { keys: index.keys, get: (k) => index.get(k) };
  return {
    keys: index.keys.map((k) => base + k),
    get: (k) => {
      const e = index.get(k.slice(base.length));
      return e && { ...e, key: k };
    },
  };
}

async function projectSource(ctx: SiteContext, p: Principal, uuid: string, base: string, params: ListParams): Promise<KeySource> {
  const entries = new Map<string, ListedObject>();
  const placeholder = (key: string, modifiedAt: string): void => {
    entries.set(key, { key, size: 0, etag: EMPTY_MD5, lastModified: new Date(modifiedAt) });
  };
  for (const child of await ctx.projects.list(p, uuid)) {
    const childKey = `${base}${child.name}/`;
    const related = childKey.startsWith(params.prefix) || params.prefix.startsWith(childKey);
    if (!related) continue;
    if (ctx.folderObjects) placeholder(childKey, child.modifiedAt);
    const rollsUp = params.delimiter !== '' && childKey.indexOf(params.delimiter, params.prefix.length) >= 0 && childKey.startsWith(params.prefix);
    if (rollsUp) {
      if (!ctx.folderObjects) placeholder(childKey, child.modifiedAt); // stands for the whole subtree
      continue;
    }
    const inner =
      child.kind === 'collection'
        ? indexSource(await ctx.collections.get(p, child.uuid, { byPdh: false }), childKey)
        : await projectSource(ctx, p, child.uuid, childKey, params);
    for (const k of inner.keys) entries.set(k, inner.get(k)!);
  }
  const keys = [...entries.keys()].sort(compareUtf8);
  return { keys, get: (k) => entries.get(k) };
}
