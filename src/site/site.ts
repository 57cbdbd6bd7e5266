// The site facade: S3 nouns (buckets, keys, uploads) on Arvados things, S3-neutral
// signatures. Built once by the composition root from a Cluster and passed to the
// protocol layer.

import { BlockBuffers } from '../collectionfs/index.js';
import type { Throttle } from '../common/throttle.js';
import { MAX_BLOCK_SIZE } from '../keep/block-store.js';
import type { Cluster } from '../cluster/cluster.js';
import { memoryInUse, type Md5Stream } from './body-writer.js';
import { createBucket, deleteBucket, getBucketTagging, headBucket, listBuckets, putBucketTagging, tagsOf, type TagSet } from './bucket-ops.js';
import { BucketResolver } from './buckets.js';
import { CollectionCache } from './collection-cache.js';
import type { SiteContext } from './context.js';
import { CredentialResolver } from './credentials.js';
import type { ListParams } from './list.js';
import { listObjects } from './listing.js';
import { ProjectWalker } from './locate.js';
import { Multipart } from './multipart.js';
import { copyObject, deleteObject, openObject, putObject, sourceSegments, type CopyInput, type PutInput } from './objects.js';
import type { Principal } from './principal.js';

export interface SiteOptions {
  readonly cluster: Cluster;
  readonly throttle: Throttle;
  readonly md5Stream: () => Md5Stream;
  readonly now?: () => number;
  /** Token allowed to look up other tokens (SigV4 access keys given as token UUIDs). */
  readonly systemRootToken: string;
  readonly folderObjects: boolean;
  /** Upload bytes held in memory, process-wide, before uploads flush short blocks early.
   * Default throttle x 64 MiB, at least 128 MiB. */
  readonly uploadMemoryBytes?: number;
}

export class Site {
  readonly credentials: CredentialResolver;
  readonly multipart: Multipart;
  readonly clusterId: string;
  private readonly ctx: SiteContext;

  constructor(opts: SiteOptions) {
    const now = opts.now ?? Date.now;
    const api = opts.cluster.api;
    // A block for every write in flight (two at least: one fills while the other is written).
    const uploadMemoryBytes = opts.uploadMemoryBytes ?? Math.max(opts.throttle.limit, 2) * MAX_BLOCK_SIZE;
    this.ctx = {
      api,
      blocks: opts.cluster.blocks,
      throttle: opts.throttle,
      md5Stream: opts.md5Stream,
      buckets: new BucketResolver({ api, now }),
      collections: new CollectionCache({ api, now, folderObjects: opts.folderObjects }),
      projects: new ProjectWalker({ api, now }),
      now,
      clusterId: opts.cluster.info.clusterId,
      folderObjects: opts.folderObjects,
      openWrites: new Set(),
      // The pool holds no more than the budget lets uploads take.
      blockBuffers: new BlockBuffers({ blockSize: MAX_BLOCK_SIZE, shared: true, keep: Math.ceil(uploadMemoryBytes / MAX_BLOCK_SIZE) }),
      uploadMemoryBytes,
      systemRootToken: opts.systemRootToken,
    };
    this.clusterId = opts.cluster.info.clusterId;
    this.credentials = new CredentialResolver({ api, systemRootToken: opts.systemRootToken, now });
    this.multipart = new Multipart(this.ctx);
  }

  listBuckets = (p: Principal) => listBuckets(this.ctx, p);
  createBucket = (p: Principal, name: string) => createBucket(this.ctx, p, name);
  deleteBucket = (p: Principal, name: string) => deleteBucket(this.ctx, p, name);
  headBucket = (p: Principal, name: string) => headBucket(this.ctx, p, name);
  getBucketTagging = (p: Principal, name: string) => getBucketTagging(this.ctx, p, name);
  putBucketTagging = (p: Principal, name: string, tags: TagSet) => putBucketTagging(this.ctx, p, name, tags);
  deleteBucketTagging = (p: Principal, name: string) => putBucketTagging(this.ctx, p, name, []);

  listObjects = (p: Principal, bucket: string, params: ListParams) => listObjects(this.ctx, p, bucket, params);
  openObject = (p: Principal, bucket: string, key: string) => openObject(this.ctx, p, bucket, key);
  putObject = (p: Principal, bucket: string, key: string, input: PutInput) => putObject(this.ctx, p, bucket, key, input);
  deleteObject = (p: Principal, bucket: string, key: string) => deleteObject(this.ctx, p, bucket, key);
  copyObject = (p: Principal, bucket: string, key: string, input: CopyInput) => copyObject(this.ctx, p, bucket, key, input);
  sourceSegments = (p: Principal, bucket: string, key: string) => sourceSegments(this.ctx, p, bucket, key);

  /** Bytes of upload data held in memory, not yet in Keep. */
  memSegmentBytes(): number {
    return memoryInUse(this.ctx.openWrites);
  }

  async getObjectTagging(p: Principal, bucket: string, key: string): Promise<TagSet> {
    return tagsOf((await openObject(this.ctx, p, bucket, key)).info.properties);
  }
}

export type { Principal } from './principal.js';
export type { ObjectInfo, WriteAttrs } from './object-info.js';
export type { ListResult, ListedObject } from './listing.js';
export type { PutInput, PutResult, CopyInput, OpenObject } from './objects.js';
export type { TagSet, BucketHead, BucketSummary } from './bucket-ops.js';
export type { UploadInfo, PartInfo } from './multipart.js';
export type { ListParams } from './list.js';
export type { Md5Stream } from './body-writer.js';
export { SiteError, type SiteErrorReason } from './errors.js';
