// Object operations on the site: stat/read, write, delete and copy of one key.

import { segmentsFingerprint } from '../manifest/index.js';
import type { Segment } from '../manifest/types.js';
import { writeBody } from './body-writer.js';
import type { BucketTarget } from './buckets.js';
import type { CollectionIndex } from './collection-index.js';
import { commitDirectory, commitFile, commitRemoval } from './commit.js';
import type { SiteContext } from './context.js';
import { SiteError } from './errors.js';
import { EMPTY_MD5 } from './etag.js';
import { locateKey, type KeyLocation } from './locate.js';
import { objectInfo, toFileAttrs, type ObjectInfo, type WriteAttrs } from './object-info.js';
import type { Principal } from './principal.js';
import { readSegments } from './segment-reader.js';

export interface OpenObject {
  readonly info: ObjectInfo;
  /** Streams bytes [start, end) of the object. */
  read(range: { start: number; end: number }): AsyncIterable<Buffer>;
}

const noSuchKey = (): SiteError => new SiteError('NoSuchKey', 'The specified key does not exist.');

async function locate(ctx: SiteContext, p: Principal, bucket: string, key: string): Promise<{ target: BucketTarget; loc: KeyLocation }> {
  const target = await ctx.buckets.resolve(p, bucket);
  return { target, loc: await locateKey(ctx.projects, p, target, key) };
}

async function collectionOf(ctx: SiteContext, p: Principal, loc: KeyLocation & { kind: 'collection' }): Promise<CollectionIndex> {
  return ctx.collections.get(p, loc.id, { byPdh: loc.byPdh });
}

export async function openObject(ctx: SiteContext, p: Principal, bucket: string, key: string): Promise<OpenObject> {
  const { loc } = await locate(ctx, p, bucket, key);
  if (loc.kind === 'project') {
    // `sub/` in a project bucket is the subproject's placeholder; anything else is not an object.
    if (loc.rest !== '' || !ctx.folderObjects) throw noSuchKey();
    const props = await projectProperties(ctx, p, loc.uuid);
    return { info: directoryInfo(key, new Date(ctx.now()), props), read: empty };
  }
  const index = await collectionOf(ctx, p, loc);
  if (loc.path === '') {
    if (!ctx.folderObjects) throw noSuchKey();
    return { info: directoryInfo(key, new Date(index.modifiedAt ?? ctx.now()), index.properties), read: empty };
  }
  const entry = index.get(loc.path);
  if (!entry) throw noSuchKey();
  const info = objectInfo(entry, index.properties, key);
  return { info, read: (range) => readSegments(ctx.blocks, entry.segments, range, p.token) };
}

async function* empty(): AsyncGenerator<Buffer> {}

function directoryInfo(key: string, lastModified: Date, properties: Record<string, unknown>): ObjectInfo {
  return {
    key, isDir: true, size: 0, etag: EMPTY_MD5, lastModified,
    contentType: 'application/x-directory', headers: {}, userMeta: {}, properties,
  };
}

async function projectProperties(ctx: SiteContext, p: Principal, uuid: string): Promise<Record<string, unknown>> {
  try {
    return (await ctx.api.getGroup(p.token, uuid, { select: ['uuid', 'properties'] })).properties ?? {};
  } catch {
    return {}; // a user's home project has no group record
  }
}

function writableCollection(p: Principal, loc: KeyLocation): { uuid: string; path: string } {
  if (p.readOnly) throw new SiteError('AccessDenied', 'Access Denied');
  if (loc.kind === 'project') throw new SiteError('InvalidArgument', 'invalid argument: path is not in a collection');
  if (loc.byPdh) throw new SiteError('AccessDenied', 'a portable data hash bucket is read-only');
  if (loc.path === '') throw new SiteError('InvalidArgument', 'invalid argument: object name names the collection itself');
  return { uuid: loc.id, path: loc.path };
}

export interface PutInput {
  readonly body: AsyncIterable<Uint8Array>;
  readonly attrs: WriteAttrs;
  /** Payload checks (hashes, checksums); awaited after the body is stored, before the commit. */
  readonly verify: () => Promise<void>;
  /** The body length the client declared, if any (sizes the upload's buffers). */
  readonly expectedSize?: number;
  readonly ifNoneMatch: boolean;
  /**
   * Checks on the object the write replaces (If-Match), given its ETag or undefined when the
   * key is absent; throws to refuse. Runs before the body is read.
   */
  readonly checkExisting?: (existing: { readonly etag: string } | undefined) => void;
}

export interface PutResult {
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
}

export async function putObject(ctx: SiteContext, p: Principal, bucket: string, key: string, input: PutInput): Promise<PutResult> {
  const { loc } = await locate(ctx, p, bucket, key);
  const { uuid, path } = writableCollection(p, loc);
  if (input.checkExisting) await checkExisting(ctx, p, loc as KeyLocation & { kind: 'collection' }, input.checkExisting);
  if (key.endsWith('/')) return putDirectory(ctx, p, uuid, path.slice(0, -1), input);

  const written = await writeBody(ctx, input.body, { token: p.token, expectedSize: input.expectedSize });
  await input.verify();
  const mtime = new Date(ctx.now());
  const attrs = toFileAttrs(input.attrs, segmentsFingerprint(written.segments), written.md5, mtime);
  await commitFile(ctx, p, { collection: uuid, path, segments: written.segments, attrs, require: input.ifNoneMatch ? 'absent' : 'not-dir' });
  return { etag: written.md5, size: written.size, lastModified: mtime };
}

async function putDirectory(ctx: SiteContext, p: Principal, uuid: string, path: string, input: PutInput): Promise<PutResult> {
  let size = 0;
  for await (const chunk of input.body) size += chunk.length;
  await input.verify();
  if (size !== 0) throw new SiteError('InvalidArgument', "cannot create object with trailing '/' char unless content is empty");
  if (!ctx.folderObjects) throw new SiteError('InvalidArgument', 'invalid object name: trailing slash');
  const outcome = await commitDirectory(ctx, p, uuid, path);
  if (outcome === 'exists') {
    const index = await ctx.collections.get(p, uuid, { byPdh: false });
    if (!index.isDir(path)) throw new SiteError('InvalidArgument', 'object name conflicts with existing object');
  }
  return { etag: EMPTY_MD5, size: 0, lastModified: new Date(ctx.now()) };
}

async function checkExisting(
  ctx: SiteContext, p: Principal, loc: KeyLocation & { kind: 'collection' }, check: NonNullable<PutInput['checkExisting']>,
): Promise<void> {
  const entry = (await collectionOf(ctx, p, loc)).get(loc.path);
  check(entry && { etag: entry.etag });
}

export async function deleteObject(ctx: SiteContext, p: Principal, bucket: string, key: string): Promise<void> {
  const { loc } = await locate(ctx, p, bucket, key).catch((err: unknown) => {
    // Deleting under a missing project path is a no-op, as for a missing key.
    if (err instanceof SiteError && err.reason === 'NoSuchKey') return { loc: undefined };
    throw err;
  });
  if (!loc) return;
  const { uuid, path } = writableCollection(p, loc);
  if (key.endsWith('/')) await commitRemoval(ctx, p, uuid, path.slice(0, -1), 'empty-dir');
  else await commitRemoval(ctx, p, uuid, path, 'file');
}

export interface CopyInput {
  readonly srcBucket: string;
  readonly srcKey: string;
  /** undefined = keep the source's attributes (COPY directive). */
  readonly replaceAttrs?: WriteAttrs;
  /** Checks on the source (x-amz-copy-source-if-*), given its info; throws to refuse. */
  readonly checkSource?: (info: ObjectInfo) => void;
}

export async function copyObject(ctx: SiteContext, p: Principal, bucket: string, key: string, input: CopyInput): Promise<PutResult> {
  const src = await sourceSegments(ctx, p, input.srcBucket, input.srcKey);
  input.checkSource?.(src.info);
  const { loc } = await locate(ctx, p, bucket, key);
  const { uuid, path } = writableCollection(p, loc);
  const mtime = new Date(ctx.now());
  const attrs = toFileAttrs(
    input.replaceAttrs ?? { contentType: src.info.contentType, headers: src.info.headers, userMeta: src.info.userMeta },
    segmentsFingerprint(src.segments),
    src.info.etag,
    mtime,
  );
  await commitFile(ctx, p, { collection: uuid, path, segments: src.segments, attrs });
  return { etag: src.info.etag, size: src.info.size, lastModified: mtime };
}

/** A file's info and segments (locators signed for the caller), for copies. */
export async function sourceSegments(
  ctx: SiteContext, p: Principal, bucket: string, key: string,
): Promise<{ info: ObjectInfo; segments: readonly Segment[] }> {
  const { loc } = await locate(ctx, p, bucket, key);
  if (loc.kind !== 'collection' || loc.path === '' || key.endsWith('/')) throw noSuchKey();
  const index = await collectionOf(ctx, p, loc);
  const entry = index.get(loc.path);
  if (!entry || entry.isDir) throw noSuchKey();
  return { info: objectInfo(entry, index.properties, key), segments: entry.segments };
}
