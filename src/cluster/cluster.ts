// What the gateway needs from a cluster: the Arvados API subset and Keep. The embedded
// backend implements it in-process; the remote backend over HTTP. The site layer and the
// composition root see only this interface.

import type { ArvadosApi } from '../arvados-api/api.js';
import type { BlockStore } from '../keep/block-store.js';

export interface ClusterInfo {
  /** Five-character cluster id, e.g. `zzzzz`. */
  readonly clusterId: string;
  /** Blob signing TTL in seconds (signatures are valid this long). */
  readonly blobSigningTtl: number;
}

export interface Cluster {
  readonly info: ClusterInfo;
  readonly api: ArvadosApi;
  /**
   * Keep, acting with the token passed in each call's options. A put may become durable only
   * with the next API write that names the block (BlockPutOptions.deferDurability): callers
   * acknowledge nothing to their clients before that write has resolved.
   */
  readonly blocks: BlockStore;
  /** Stops background work (sweeps, group commit) and closes storage. */
  close(): Promise<void>;
}
