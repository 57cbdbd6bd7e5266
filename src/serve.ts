// `keepgate serve`: builds the gateway from the configuration and runs it until SIGTERM or
// SIGINT, then stops accepting, lets in-flight requests finish (up to a timeout), waits for
// background work and closes storage cleanly.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createApiServer } from './cluster/embedded/http/server.js';
import { openEmbeddedCluster } from './cluster/embedded/embedded.js';
import { HashPool } from './common/hash-pool.js';
import { Throttle } from './common/throttle.js';
import type { Config } from './config/schema.js';
import { credentialsFromToken, writeCredentialsFile } from './credentials-file.js';
import { createKeepHandler } from './keep/http-api.js';
import { instrumentBlockStore } from './keep/instrumented-store.js';
import { metricsHandler, PrometheusMetrics } from './metrics/prometheus.js';
import { ROUTES } from './cluster/embedded/http/routes.js';
import { createS3App } from './s3/app.js';
import { S3_ERRORS } from './s3/errors.js';
import { CHECKSUM_ALGORITHMS, S3_OPERATIONS } from './s3/ops.js';
import { Site } from './site/site.js';

export async function serve(config: Config): Promise<void> {
  const logger = pino({ level: config['log.level'], base: { service: 'keepgate' } });
  if (config['cluster.type'] !== 'embedded') throw new Error('cluster.type "arvados" is not available yet: use the embedded backend');
  const metrics = new PrometheusMetrics({
    labels: {
      operation: S3_OPERATIONS,
      reason: Object.keys(S3_ERRORS),
      algorithm: [...CHECKSUM_ALGORITHMS, 'MD5'],
      endpoint: [...ROUTES.map((r) => `${r.method} ${r.path.join('/')}`), 'keep', '/_health/ping', '/metrics', 'unmatched'],
    },
  });
  const hashPool = new HashPool({ threads: config['storage.hash_threads'] });
  const throttle = new Throttle(config['storage.write_throttle'], { onWait: (s) => metrics.throttleWait(s) });
  metrics.throttle(() => throttle.stats());
  const cluster = await openEmbeddedCluster({
    dataDir: config.data_dir,
    ...(config['embedded.cluster_id'] ? { clusterId: config['embedded.cluster_id'] } : {}),
    ...(config['embedded.admin_token'] ? { adminToken: config['embedded.admin_token'] } : {}),
    blobSigningTtlSeconds: config['embedded.blob_signing_ttl_seconds'],
    hashPool,
    onMaintenanceError: (err) => logger.error({ err }, 'maintenance failed'),
  });
  const blocks = instrumentBlockStore(cluster.blocks, metrics);
  const site = new Site({
    cluster: { ...cluster, blocks },
    throttle,
    md5Stream: () => {
      const h = hashPool.stream('md5');
      return { update: (b) => h.update(b), digest: async () => (await h.digest()).toString('hex') };
    },
    systemRootToken: config['cluster.system_root_token'] || cluster.bootstrap.adminToken,
    folderObjects: config['s3.folder_objects'],
    ...(config['storage.upload_memory_mib'] ? { uploadMemoryBytes: config['storage.upload_memory_mib'] * 1024 * 1024 } : {}),
  });
  metrics.memSegmentBytes(() => site.memSegmentBytes());
  metrics.multipartInProgress(() => site.multipart.countInProgress());
  const s3 = createServer(createS3App({
    site,
    baseDomain: config['s3.base_domain'] || undefined,
    region: config['s3.region'],
    maxClockSkewSeconds: config['s3.max_clock_skew_seconds'],
    logger,
    metrics,
    hasher: (alg) => hashPool.stream(alg),
  }));
  // Large uploads may legitimately take long; a stalled socket may not.
  s3.requestTimeout = 0;
  s3.headersTimeout = 60_000;
  s3.timeout = config['s3.request_timeout_seconds'] * 1000;
  s3.keepAliveTimeout = 65_000;
  const api = createApiServer({
    api: cluster.api,
    keepHandler: createKeepHandler({ store: blocks }),
    ...(config['metrics.management_token'] ? { managementToken: config['metrics.management_token'] } : {}),
    extraRoutes: [
      { path: '/_health/ping', auth: 'none', handle: (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"health":"OK"}\n') },
      { path: '/metrics', handle: metricsHandler(metrics) },
    ],
    onError: (err) => logger.error({ err }, 'API request failed'),
    onResponse: (e) => metrics.apiRequest({ endpoint: e.endpoint, status: e.status, durationSeconds: e.durationMs / 1000 }),
  });

  const host = config['listen.host'];
  const s3Url = await listen(s3, host, config['listen.s3_port']);
  const apiUrl = await listen(api, host, config['listen.api_port']);
  cluster.setApiUrl(apiUrl);
  const credsPath = writeCredentialsFile(config.data_dir, credentialsFromToken(cluster.bootstrap.adminToken, { s3: s3Url, api: apiUrl }));
  process.stderr.write(
    `keepgate ${cluster.info.clusterId}: S3 endpoint ${s3Url}, Arvados REST/Keep API ${apiUrl}\n` +
      `credentials (access key, secret key, token) in ${credsPath}\n`,
  );
  logger.info({ s3_endpoint: s3Url, api_endpoint: apiUrl, cluster_id: cluster.info.clusterId }, 'keepgate ready');

  await shutdownSignal();
  logger.info('shutting down');
  await stopServers([s3, api], config['shutdown.timeout_seconds'] * 1000);
  await cluster.close();
  await hashPool.close();
  logger.info('stopped');
}

async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `http://${shown}:${addr.port}`;
}

function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
}

/** Stops accepting, waits for in-flight requests up to `timeoutMs`, then cuts what is left. */
async function stopServers(servers: Server[], timeoutMs: number): Promise<void> {
  const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
  for (const s of servers) s.closeIdleConnections();
  const timer = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), timeoutMs);
  await Promise.all(closed);
  clearTimeout(timer);
}

export type { Logger };
