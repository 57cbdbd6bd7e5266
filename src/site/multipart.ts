// Multipart uploads. Each upload is a hidden staging collection in the user's
// `.keepgate-uploads` project (so it survives restarts and is shared by every gateway in
// front of the cluster); each part is a file in it. Complete concatenates the parts'
// segments into the destination file — no bytes are copied — and trashes the staging
// collection.

import { randomBytes } from 'node:crypto';
import type { Collection } from '../arvados-api/types.js';
import { TtlCache } from '../common/ttl-cache.js';
import { segmentsFingerprint } from '../manifest/index.js';
import type { Segment } from '../manifest/types.js';
import { api } from './api-errors.js';
import { writeBody } from './body-writer.js';
import { RESERVED_NAME_PREFIX } from './buckets.js';
import { commitFile } from './commit.js';
import type { SiteContext } from './context.js';
import { SiteError } from './errors.js';
import { locateKey } from './locate.js';
import { toFileAttrs, type WriteAttrs } from './object-info.js';
import type { Principal } from './principal.js';
import { multipartEtag } from './etag.js';

const STAGING_PROJECT = `${RESERVED_NAME_PREFIX}uploads`;
const P = 'keepgate:upload_'; // property prefix of staging collections
const MIN_PART_SIZE = 5 * 1024 * 1024;
const SWEEP_PAGE = 1000;
const partPath = (n: number): string => `part-${String(n).padStart(5, '0')}`;

export interface UploadInfo {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly collection: string;
  readonly path: string;
  readonly initiated: Date;
  readonly attrs: WriteAttrs;
}

export interface PartInfo {
  readonly partNumber: number;
  readonly etag: string;
  readonly size: number;
  readonly lastModified: Date;
}

export class Multipart {
  private readonly stagingProjects: TtlCache<string, string>;

  constructor(private readonly ctx: SiteContext) {
    this.stagingProjects = new TtlCache({ ttlMs: 3_600_000, max: 10_000, now: ctx.now });
  }

  async create(p: Principal, bucket: string, key: string, attrs: WriteAttrs): Promise<string> {
    const { collection, path } = await this.destination(p, bucket, key);
    const project = await this.stagingProject(p);
    const c = await api(this.ctx.api.createCollection(p.token, {
      owner_uuid: project,
      name: `${RESERVED_NAME_PREFIX}upload-${randomBytes(8).toString('hex')}`,
      properties: {
        [`${P}bucket`]: bucket, [`${P}key`]: key, [`${P}collection`]: collection, [`${P}path`]: path,
        [`${P}initiated`]: new Date(this.ctx.now()).toISOString(), [`${P}attrs`]: attrs,
      },
    }, { select: ['uuid'] }), 'NoSuchBucket');
    return c.uuid;
  }

  async uploadPart(
    p: Principal, bucket: string, key: string, uploadId: string, partNumber: number,
    body: AsyncIterable<Uint8Array>, verify: () => Promise<void>, expectedSize?: number,
  ): Promise<{ etag: string }> {
    await this.upload(p, bucket, key, uploadId);
    const written = await writeBody(this.ctx, body, { token: p.token, expectedSize });
    await verify();
    await this.storePart(p, uploadId, partNumber, written.segments, written.md5);
    return { etag: written.md5 };
  }

  /** UploadPartCopy: the part is a slice of an existing file's segments (no bytes copied). */
  async copyPart(p: Principal, bucket: string, key: string, uploadId: string, partNumber: number, segments: readonly Segment[]): Promise<{ etag: string; lastModified: Date }> {
    await this.upload(p, bucket, key, uploadId);
    // Without reading the bytes there is no content MD5; this 32-hex value only feeds the final `-N` ETag.
    const etag = segmentsFingerprint(segments).slice(0, 32).padEnd(32, '0');
    await this.storePart(p, uploadId, partNumber, segments, etag);
    return { etag, lastModified: new Date(this.ctx.now()) };
  }

  async complete(p: Principal, bucket: string, key: string, uploadId: string, parts: ReadonlyArray<{ partNumber: number; etag: string }>): Promise<{ etag: string }> {
    const upload = await this.upload(p, bucket, key, uploadId);
    const staged = await this.ctx.collections.get(p, uploadId, { byPdh: false });
    if (parts.length === 0) throw new SiteError('InvalidRequest', 'You must specify at least one part');
    const segments: Segment[] = [];
    const etags: string[] = [];
    let prev = 0;
    parts.forEach((part, i) => {
      if (part.partNumber <= prev) throw new SiteError('InvalidPartOrder', 'The list of parts was not in ascending order.');
      prev = part.partNumber;
      const entry = staged.get(partPath(part.partNumber));
      const want = part.etag.replace(/"/g, '');
      if (!entry || entry.etag !== want) throw new SiteError('InvalidPart', `part ${part.partNumber} was not found or its ETag does not match`);
      if (i < parts.length - 1 && entry.size < MIN_PART_SIZE) throw new SiteError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed object size.');
      segments.push(...entry.segments);
      etags.push(entry.etag);
    });
    const etag = multipartEtag(etags);
    const attrs = toFileAttrs(upload.attrs, segmentsFingerprint(segments), etag, new Date(this.ctx.now()));
    await commitFile(this.ctx, p, { collection: upload.collection, path: upload.path, segments, attrs });
    await api(this.ctx.api.trashCollection(p.token, uploadId), 'NoSuchUpload').catch(() => undefined);
    return { etag };
  }

  async abort(p: Principal, bucket: string, key: string, uploadId: string): Promise<void> {
    await this.upload(p, bucket, key, uploadId);
    await api(this.ctx.api.trashCollection(p.token, uploadId), 'NoSuchUpload');
  }

  async listParts(p: Principal, bucket: string, key: string, uploadId: string): Promise<{ upload: UploadInfo; parts: PartInfo[] }> {
    const upload = await this.upload(p, bucket, key, uploadId);
    const staged = await this.ctx.collections.get(p, uploadId, { byPdh: false });
    const parts: PartInfo[] = [];
    for (const k of staged.keys) {
      const m = /^part-(\d{5})$/.exec(k);
      const e = staged.get(k);
      if (m && e) parts.push({ partNumber: Number(m[1]), etag: e.etag, size: e.size, lastModified: e.lastModified });
    }
    return { upload, parts };
  }

  async listUploads(p: Principal, bucket: string): Promise<UploadInfo[]> {
    const target = await this.ctx.buckets.resolve(p, bucket);
    if (target.kind !== 'collection' && target.kind !== 'project') return [];
    const project = await this.stagingProject(p);
    const page = await api(this.ctx.api.listCollections(p.token, {
      filters: [['owner_uuid', '=', project], [`properties.${P}bucket`, '=', bucket]],
      select: ['uuid', 'properties', 'created_at'],
      limit: 1000,
      count: 'none',
    }), 'NoSuchBucket');
    return page.items.map((c) => uploadInfo(c)).filter((u): u is UploadInfo => u !== undefined);
  }

  /** Uploads started and neither completed nor aborted, across all users. */
  async countInProgress(): Promise<number> {
    const page = await api(this.ctx.api.listCollections(this.ctx.systemRootToken, {
      filters: [['properties', 'exists', `${P}bucket`]],
      select: ['uuid'],
      limit: 0,
      count: 'exact',
    }), 'NoSuchUpload');
    return page.items_available ?? page.items.length;
  }

  /**
   * The expiry sweep: trashes the staging collections of uploads initiated more than
   * `maxAgeMs` before `now`, whoever started them (listed and trashed with the system root
   * token). An upload another gateway trashed first is skipped; other failures are counted
   * and the sweep goes on. Stops between uploads once `signal` aborts.
   */
  async sweepExpired(now: number, opts: { maxAgeMs: number; signal?: AbortSignal }): Promise<{ trashed: number; failed: number }> {
    const token = this.ctx.systemRootToken;
    // ISO-8601 UTC times of one format compare as strings in time order.
    const cutoff = new Date(now - opts.maxAgeMs).toISOString();
    const result = { trashed: 0, failed: 0 };
    for (let after = ''; ;) {
      const page = await api(this.ctx.api.listCollections(token, {
        filters: [[`properties.${P}initiated`, '<', cutoff], ['uuid', '>', after]],
        select: ['uuid'],
        order: ['uuid asc'],
        limit: SWEEP_PAGE,
        count: 'none',
      }), 'NoSuchUpload');
      for (const { uuid } of page.items) {
        if (opts.signal?.aborted) return result;
        try {
          await api(this.ctx.api.trashCollection(token, uuid), 'NoSuchUpload');
          result.trashed++;
        } catch (err) {
          if (!(err instanceof SiteError && err.reason === 'NoSuchUpload')) result.failed++;
        }
      }
      if (page.items.length < SWEEP_PAGE) return result;
      after = page.items.at(-1)!.uuid;
    }
  }

  private async destination(p: Principal, bucket: string, key: string): Promise<{ collection: string; path: string }> {
    if (p.readOnly) throw new SiteError('AccessDenied', 'Access Denied');
    const target = await this.ctx.buckets.resolve(p, bucket);
    const loc = await locateKey(this.ctx.projects, p, target, key);
    if (loc.kind === 'project') throw new SiteError('InvalidArgument', 'invalid argument: path is not in a collection');
    if (loc.byPdh) throw new SiteError('AccessDenied', 'a portable data hash bucket is read-only');
    if (loc.path === '' || key.endsWith('/')) throw new SiteError('InvalidArgument', 'invalid object name for a multipart upload');
    // Refuse now what Complete would refuse: an update that changes nothing needs the same
    // write permission, so a reader of a shared bucket leaves no staging garbage behind.
    await api(this.ctx.api.updateCollection(p.token, loc.id, {}, { select: ['uuid'] }), 'NoSuchBucket');
    return { collection: loc.id, path: loc.path };
  }

  private async upload(p: Principal, bucket: string, key: string, uploadId: string): Promise<UploadInfo> {
    if (!/^[a-z0-9]{5}-4zz18-[a-z0-9]{15}$/.test(uploadId)) throw new SiteError('NoSuchUpload', 'The specified upload does not exist.');
    const c = await api(this.ctx.api.getCollection(p.token, uploadId, { select: ['uuid', 'properties', 'created_at'] }), 'NoSuchUpload');
    const info = uploadInfo(c);
    if (!info || info.bucket !== bucket || info.key !== key) throw new SiteError('NoSuchUpload', 'The specified upload does not exist.');
    return info;
  }

  private async storePart(p: Principal, uploadId: string, partNumber: number, segments: readonly Segment[], etag: string): Promise<void> {
    const attrs = toFileAttrs({}, segmentsFingerprint(segments), etag, new Date(this.ctx.now()));
    await commitFile(this.ctx, p, { collection: uploadId, path: partPath(partNumber), segments, attrs }).catch((err: unknown) => {
      throw err instanceof SiteError && err.reason === 'NoSuchBucket' ? new SiteError('NoSuchUpload', 'The specified upload does not exist.') : err;
    });
  }

  private async stagingProject(p: Principal): Promise<string> {
    const hit = this.stagingProjects.get(p.userUuid);
    if (hit) return hit;
    const child = await this.ctx.projects.child(p, p.userUuid, STAGING_PROJECT);
    let uuid = child?.kind === 'project' ? child.uuid : undefined;
    if (!uuid) {
      try {
        uuid = (await this.ctx.api.createGroup(p.token, { name: STAGING_PROJECT, group_class: 'project', owner_uuid: p.userUuid })).uuid;
      } catch {
        this.ctx.projects.forget(p, p.userUuid, STAGING_PROJECT); // created concurrently: look again
        const again = await this.ctx.projects.child(p, p.userUuid, STAGING_PROJECT);
        if (again?.kind !== 'project') throw new SiteError('ServiceUnavailable', 'cannot create the multipart staging project');
        uuid = again.uuid;
      }
    }
    this.stagingProjects.set(p.userUuid, uuid);
    return uuid;
  }
}

function uploadInfo(c: Collection): UploadInfo | undefined {
  const props = c.properties ?? {};
  const str = (k: string): string | undefined => (typeof props[`${P}${k}`] === 'string' ? (props[`${P}${k}`] as string) : undefined);
  const bucket = str('bucket');
  const key = str('key');
  const collection = str('collection');
  const path = str('path');
  if (bucket === undefined || key === undefined || !collection || !path) return undefined;
  return {
    uploadId: c.uuid, bucket, key, collection, path,
    initiated: new Date(str('initiated') ?? c.created_at),
    attrs: (props[`${P}attrs`] as WriteAttrs | undefined) ?? {},
  };
}
