// The half of `keepgate serve` that depends on cluster.type. Embedded: the SQLite + block
// directory cluster in this process, its REST and Keep APIs on the API listener, and
// <data>/credentials.json for the admin. Arvados (remote): nothing local at all (any number
// of gateways can share the cluster); the API listener has health and metrics only, and
// users authenticate with their own Arvados tokens. serve.ts builds the rest the same way.

import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { ArvadosApiError } from './arvados-api/api.js';
import type { ExtensionMode } from './cluster/arvados/extensions.js';
import { openRemoteCluster } from './cluster/arvados/remote-cluster.js';
import type { Cluster } from './cluster/cluster.js';
import { openEmbeddedCluster } from './cluster/embedded/embedded.js';
import { createApiServer, type ExtraRoute, type ResponseEvent } from './cluster/embedded/http/server.js';
import { isDomainError } from './common/errors.js';
import type { HashPool } from './common/hash-pool.js';
import { ConfigError } from './config/load.js';
import type { Config } from './config/schema.js';
import { credentialsFromToken, writeCredentialsFile } from './credentials-file.js';
import { createKeepHandler } from './keep/http-api.js';
import { instrumentBlockStore } from './keep/instrumented-store.js';
import { withDeadline } from './keep/remote-deadline.js';
import type { Metrics } from './metrics/metrics.js';
import { createOpsServer } from './ops-server.js';

export interface ApiListenerOptions {
  /** Health, readiness and metrics: served in both modes. */
  readonly routes: readonly ExtraRoute[];
  readonly managementToken?: string;
  readonly onError: (err: unknown) => void;
  readonly onResponse: (event: ResponseEvent) => void;
}

export interface Backend {
  /** What the site works on; its block store already reports block I/O to the metrics. */
  readonly cluster: Cluster;
  /** Token that may act across users (token-UUID access keys, multipart sweep); '' if none. */
  readonly systemRootToken: string;
  /** Why the cluster cannot serve now (undefined: it can). */
  unready(): Promise<string | undefined>;
  createApiServer(opts: ApiListenerOptions): Server;
  /** Both listeners are up: what the operator is told (stderr banner, fields of the ready log line). */
  started(urls: { readonly s3: string; readonly api: string }): { banner: string; fields: Record<string, string> };
  /** Closes the cluster (after the servers have stopped); the shared hash pool stays open. */
  close(): Promise<void>;
}

export interface BackendDeps {
  readonly hashPool: HashPool;
  readonly metrics: Metrics;
  readonly logger: Logger;
}

export function openBackend(config: Config, deps: BackendDeps): Promise<Backend> {
  return config['cluster.type'] === 'arvados' ? openRemote(config, deps) : openEmbedded(config, deps);
}

async function openEmbedded(config: Config, { hashPool, metrics, logger }: BackendDeps): Promise<Backend> {
  const cluster = await openEmbeddedCluster({
    dataDir: config.data_dir,
    ...(config['embedded.cluster_id'] ? { clusterId: config['embedded.cluster_id'] } : {}),
    ...(config['embedded.admin_token'] ? { adminToken: config['embedded.admin_token'] } : {}),
    blobSigningTtlSeconds: config['embedded.blob_signing_ttl_seconds'],
    hashPool,
    onMaintenanceError: (err) => logger.error({ err }, 'maintenance failed'),
  });
  const blocks = instrumentBlockStore(cluster.blocks, metrics);
  const keepBlocks = instrumentBlockStore(cluster.keepBlocks, metrics);
  const { clusterId } = cluster.info;
  return {
    cluster: { ...cluster, blocks },
    systemRootToken: config['cluster.system_root_token'] || cluster.bootstrap.adminToken,
    async unready() {
      try {
        cluster.db.prepare('SELECT 1').get();
        return undefined;
      } catch (err) {
        return `database: ${(err as Error).message}`;
      }
    },
    createApiServer: (opts) =>
      createApiServer({
        api: cluster.api,
        keepHandler: createKeepHandler({ store: keepBlocks }),
        ...(opts.managementToken ? { managementToken: opts.managementToken } : {}),
        extraRoutes: opts.routes,
        onError: opts.onError,
        onResponse: opts.onResponse,
      }),
    started(urls) {
      cluster.setApiUrl(urls.api);
      const path = writeCredentialsFile(config.data_dir, credentialsFromToken(cluster.bootstrap.adminToken, urls));
      return {
        banner: `keepgate ${clusterId}: S3 endpoint ${urls.s3}, Arvados REST/Keep API ${urls.api}\ncredentials (access key, secret key, token) in ${path}`,
        fields: { s3_endpoint: urls.s3, api_endpoint: urls.api, cluster_id: clusterId, cluster_type: 'embedded' },
      };
    },
    close: () => cluster.close(),
  };
}

/** Readiness answers are reused this long (probes come every few seconds; the cluster is shared). */
const READY_TTL_MS = 5_000;
/** A readiness check that takes longer than this says "not ready". */
const READY_DEADLINE_MS = 5_000;

async function openRemote(config: Config, { hashPool, metrics, logger }: BackendDeps): Promise<Backend> {
  const apiHost = config['cluster.api_host'];
  if (!apiHost) throw new ConfigError('cluster.type is arvados but cluster.api_host (ARVADOS_API_HOST) is not set');
  const systemRootToken = config['cluster.system_root_token'];
  const cluster = await openRemoteCluster({
    apiHost,
    insecure: config['cluster.insecure'],
    ...(systemRootToken ? { systemRootToken } : {}),
    keepServices: config['cluster.keep_services'].split(/[\s,]+/).filter(Boolean),
    timeoutMs: config['cluster.timeout_seconds'] * 1000,
    cacheBytes: config['storage.block_cache_mib'] * 2 ** 20,
    ...(config['cluster.disk_cache_dir'] ? { diskCacheDir: config['cluster.disk_cache_dir'] } : {}),
    diskCacheBytes: config['cluster.disk_cache_mib'] * 2 ** 20,
    extensions: config['cluster.extensions'] as ExtensionMode, // the schema's enum values
    hashPool,
    metrics,
    onCacheError: (err) => logger.warn({ err }, 'block disk cache'),
  }).catch((err: unknown) => {
    // A mistyped host or a cluster that is down: say which setting to check.
    throw isDomainError(err, 'Unavailable') ? new ConfigError(`cluster.api_host ${apiHost}: ${err.message}`, { cause: err }) : err;
  });
  const { clusterId } = cluster.info;
  // Any HTTP answer below 500 means the controller is up; without a root token, the 401 to an
  // empty token is that answer.
  const reachable = async (): Promise<string | undefined> => {
    try {
      await withDeadline(READY_DEADLINE_MS, 'Arvados API', () => cluster.api.currentToken(systemRootToken));
      return undefined;
    } catch (err) {
      if (err instanceof ArvadosApiError && err.status < 500) return undefined;
      return `cluster: ${(err as Error).message}`;
    }
  };
  return {
    cluster,
    systemRootToken,
    unready: reusedFor(READY_TTL_MS, reachable),
    createApiServer: (opts) => createOpsServer(opts),
    started(urls) {
      return {
        banner:
          `keepgate in front of Arvados cluster ${clusterId} (${apiHost}): S3 endpoint ${urls.s3}, health and metrics on ${urls.api}\n` +
          'access key and secret key: an Arvados token with "_" for "/" as both, or its UUID and secret' +
          (systemRootToken ? '' : ' (UUID + secret needs cluster.system_root_token)'),
        fields: { s3_endpoint: urls.s3, api_endpoint: urls.api, cluster_id: clusterId, cluster_type: 'arvados', cluster_api_host: apiHost },
      };
    },
    close: () => cluster.close(),
  };
}

/** `check`'s answer, reused for `ttlMs` after the call that produced it started; callers at the same time share one call. */
function reusedFor<T>(ttlMs: number, check: () => Promise<T>): () => Promise<T> {
  let last: { at: number; answer: Promise<T> } | undefined;
  return () => {
    const now = performance.now();
    if (!last || now - last.at >= ttlMs) last = { at: now, answer: check() };
    return last.answer;
  };
}
