// openRemoteCluster: keepgate in front of a real Arvados cluster (or another keepgate's
// embedded REST + Keep API). Nothing is stored locally except the optional block cache
// directory, so any number of gateways can share one cluster. `api` is ArvadosHttpClient
// behind RemoteApi (deadlines, extensions, contents cache); `blocks` is RemoteBlockStore
// (discovery, replicas, failover) behind the block cache. Every call acts with its caller's
// token; the system root token, when given, is only used to list Keep services.

import { Agent } from 'undici';
import { ArvadosApiError, type ArvadosApi } from '../../arvados-api/api.js';
import { ArvadosHttpClient } from '../../arvados-api/http-client.js';
import type { KeepService } from '../../arvados-api/types.js';
import { DomainError } from '../../common/errors.js';
import { HashPool } from '../../common/hash-pool.js';
import { DiskBlockCache } from '../../keep/block-cache-disk.js';
import { CachingBlockStore } from '../../keep/block-cache.js';
import { KeepServiceDiscovery, fixedKeepServices, type KeepServiceRecord, type KeepServiceSource } from '../../keep/discovery.js';
import { RemoteBlockStore } from '../../keep/remote-block-store.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { Cluster, ClusterInfo } from '../cluster.js';
import { fetchClusterInfo } from './cluster-info.js';
import type { ExtensionMode } from './extensions.js';
import { RemoteApi } from './remote-api.js';

export interface RemoteClusterOptions {
  /** ARVADOS_API_HOST: `host:port` (https) or a full `http(s)://` URL. */
  readonly apiHost: string;
  /** ARVADOS_API_HOST_INSECURE: skip TLS certificate checks (API and Keep). */
  readonly insecure?: boolean;
  /** Lists Keep services (any valid token works; without one, each caller's token does). */
  readonly systemRootToken?: string;
  /** Keep service URLs to use instead of discovery (ARVADOS_KEEP_SERVICES). */
  readonly keepServices?: readonly string[];
  /** Longest any one API call or block read/write may take, retries included. Default 30 s. */
  readonly timeoutMs?: number;
  /** Memory for recently read blocks. Default 256 MiB. */
  readonly cacheBytes?: number;
  /** Optional on-disk block cache. */
  readonly diskCacheDir?: string;
  /** Size cap of the disk cache. Default 4 GiB. */
  readonly diskCacheBytes?: number;
  /** keepgate's API extensions: 'auto' (default) asks the server once (extensions.ts). */
  readonly extensions?: ExtensionMode;
  /** Replicas per block when a collection asks for none; default from the discovery document. */
  readonly defaultReplicas?: number;
  /** How long project contents are reused. Default 5 s. */
  readonly contentsTtlMs?: number;
  /** Milliseconds since the epoch; default Date.now. */
  readonly clock?: () => number;
  /** A shared pool (not closed by close()); otherwise one is created and owned. */
  readonly hashPool?: HashPool;
  readonly metrics?: Metrics;
  /** Sees errors of the disk cache (which carries on without the entry). */
  readonly onCacheError?: (err: unknown) => void;
}

export interface RemoteCluster extends Cluster {
  readonly api: RemoteApi;
  readonly blocks: CachingBlockStore;
}

const DEFAULT_TIMEOUT_MS = 30_000;

export async function openRemoteCluster(opts: RemoteClusterOptions): Promise<RemoteCluster> {
  const clock = opts.clock ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agent = new Agent({ connections: 64, connect: { rejectUnauthorized: !opts.insecure } });
  const http = new ArvadosHttpClient({ host: opts.apiHost, timeoutMs, dispatcher: agent });
  const ownPool = opts.hashPool === undefined ? new HashPool({ threads: 2 }) : undefined;
  const hashPool = opts.hashPool ?? ownPool!;
  try {
    const remoteInfo = await fetchClusterInfo({
      apiBaseUrl: http.baseUrl, dispatcher: agent, timeoutMs, ...(opts.systemRootToken && { systemRootToken: opts.systemRootToken }),
    });
    const api = new RemoteApi({
      inner: http, timeoutMs, extensions: opts.extensions ?? 'auto', now: clock,
      ...(opts.contentsTtlMs !== undefined && { contentsTtlMs: opts.contentsTtlMs }),
    });
    const services: KeepServiceSource = opts.keepServices?.length
      ? fixedKeepServices(opts.keepServices)
      : new KeepServiceDiscovery({ list: (token) => listKeepServices(api, opts.systemRootToken || token), now: clock });
    const remote = new RemoteBlockStore({
      services,
      hashPool,
      defaultReplicas: opts.defaultReplicas ?? remoteInfo.defaultReplication,
      timeoutMs,
      dispatcher: agent,
      ...(opts.metrics && { metrics: opts.metrics }),
    });
    const disk = opts.diskCacheDir
      ? await DiskBlockCache.open({
          dir: opts.diskCacheDir, maxBytes: opts.diskCacheBytes ?? 4 * 1024 ** 3, hashPool,
          ...(opts.onCacheError && { onError: opts.onCacheError }),
        })
      : undefined;
    const blocks = new CachingBlockStore(remote, {
      maxBytes: opts.cacheBytes ?? 256 * 1024 ** 2,
      ...(disk && { disk }),
      ...(opts.metrics && { metrics: opts.metrics }),
    });
    const info: ClusterInfo = { clusterId: remoteInfo.clusterId, blobSigningTtl: remoteInfo.blobSigningTtl };
    let closed = false;
    return {
      info,
      api,
      blocks,
      async close() {
        if (closed) return;
        closed = true;
        await disk?.idle();
        await agent.close();
        await ownPool?.close();
      },
    };
  } catch (err) {
    await agent.close();
    await ownPool?.close();
    throw err;
  }
}

/** keep_services/accessible as keep/ sees it; API failures become DomainErrors. */
async function listKeepServices(api: ArvadosApi, token: string | undefined): Promise<KeepServiceRecord[]> {
  if (!token) throw new DomainError('Unauthorized', 'listing Keep services needs a token');
  try {
    return (await api.keepServices(token)).items.map(toRecord);
  } catch (err) {
    if (!(err instanceof ArvadosApiError)) throw err;
    if (err.status === 401) throw new DomainError('Unauthorized', `keep_services/accessible: ${err.message}`, { cause: err });
    if (err.status === 403) throw new DomainError('PermissionDenied', `keep_services/accessible: ${err.message}`, { cause: err });
    throw new DomainError('Unavailable', `keep_services/accessible: ${err.message}`, { cause: err });
  }
}

function toRecord(s: KeepService): KeepServiceRecord {
  const host = s.service_host.includes(':') ? `[${s.service_host}]` : s.service_host;
  return { uuid: s.uuid, url: `${s.service_ssl_flag ? 'https' : 'http'}://${host}:${s.service_port}`, type: s.service_type, readOnly: s.read_only };
}
