// Everything the site operations share, built once by the composition root.

import type { ArvadosApi } from '../arvados-api/api.js';
import type { BlockBuffers } from '../collectionfs/index.js';
import type { Throttle } from '../common/throttle.js';
import type { BlockStore } from '../keep/block-store.js';
import type { Md5Stream } from './body-writer.js';
import type { BucketResolver } from './buckets.js';
import type { CollectionCache } from './collection-cache.js';
import type { ProjectWalker } from './locate.js';

export interface SiteContext {
  readonly api: ArvadosApi;
  readonly blocks: BlockStore;
  readonly throttle: Throttle;
  readonly md5Stream: () => Md5Stream;
  readonly buckets: BucketResolver;
  readonly collections: CollectionCache;
  readonly projects: ProjectWalker;
  readonly now: () => number;
  readonly clusterId: string;
  readonly folderObjects: boolean;
  /** Scratch filesystems of uploads in progress (their memSegment bytes are a metric). */
  readonly openWrites: Set<{ memorySize(): number }>;
  readonly blockBuffers: BlockBuffers;
  readonly uploadMemoryBytes: number;
  /** Token allowed to see every user's objects (background sweeps, gauges). */
  readonly systemRootToken: string;
}
