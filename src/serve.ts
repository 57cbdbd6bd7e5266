// `keepgate serve`: builds the gateway from the configuration and runs it until SIGTERM or
// SIGINT, then stops accepting, lets in-flight requests finish (up to a timeout), waits for
// background block writes and closes storage cleanly. What depends on the backend (embedded
// or a remote Arvados cluster) is in serve-backend.ts.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { ROUTES } from './cluster/embedded/http/routes.js';
import { HashPool } from './common/hash-pool.js';
import { Throttle, type ThrottleStats } from './common/throttle.js';
import { ConfigError } from './config/load.js';
import type { Config, ConfigKey } from './config/schema.js';
import { metricsHandler, PrometheusMetrics } from './metrics/prometheus.js';
import { createS3App } from './s3/app.js';
import { refuseExpectation } from './s3/expectation.js';
import { S3_ERRORS } from './s3/errors.js';
import { CHECKSUM_ALGORITHMS, S3_OPERATIONS } from './s3/ops.js';
import { openBackend, type Backend } from './serve-backend.js';
import { Site } from './site/site.js';

/** The operational endpoints on the API listener (openapi/ops.yaml documents exactly these). */
export const OPS_PATHS = ['/_health/ping', '/_health/ready', '/metrics'] as const;

/** How often incomplete multipart uploads past multipart.expiry_hours are looked for (and once at start). */
const UPLOAD_SWEEP_INTERVAL_MS = 3_600_000;

type Phase = 'starting' | 'ready' | 'stopping';

export async function serve(config: Config): Promise<void> {
  const logger = pino({ level: config['log.level'], base: { service: 'keepgate' } });
  // Handled from the start: a signal during start-up ends the process after it, not in the middle.
  // A second signal is the operator insisting: exit at once (SQLite stays consistent anyway).
  const signal = shutdownSignal((second) => {
    logger.warn({ signal: second }, 'second signal: exiting without waiting');
    process.exit(1);
  });
  const gw = await buildGateway(config, logger);
  let sweeper: Periodic | undefined;
  try {
    await announce(config, gw, logger);
    sweeper = startUploadSweeper(config, gw, logger);
    const received = await signal;
    gw.health.phase = 'stopping';
    const timeoutMs = config['shutdown.timeout_seconds'] * 1000;
    logger.info({ signal: received, timeout_seconds: config['shutdown.timeout_seconds'] }, 'shutting down');
    const cut = await stopServers([gw.s3, gw.api], timeoutMs);
    if (cut > 0) logger.warn({ requests: cut }, 'shutdown timeout: in-flight requests cut');
    // Uploads cut short may still have block writes queued or running; let them settle.
    if (!(await settled(() => isIdle(gw.throttle.stats()), timeoutMs))) logger.warn(gw.throttle.stats(), 'block writes still running at exit');
  } finally {
    await sweeper?.stop();
    for (const { server } of [gw.s3, gw.api]) if (server.listening) server.close(); // start-up failed half-way
    await gw.close();
  }
  logger.info('stopped');
}

interface Gateway {
  readonly s3: TrackedServer;
  readonly api: TrackedServer;
  readonly throttle: Throttle;
  readonly backend: Backend;
  readonly site: Site;
  readonly health: { phase: Phase };
  /** Closes the cluster and the hash pool (after the servers have stopped). */
  close(): Promise<void>;
}

/** Everything `serve` runs, built from the configuration; nothing listens yet. */
async function buildGateway(config: Config, logger: Logger): Promise<Gateway> {
  const metrics = new PrometheusMetrics({
    labels: {
      operation: S3_OPERATIONS,
      reason: Object.keys(S3_ERRORS),
      algorithm: [...CHECKSUM_ALGORITHMS, 'MD5'],
      endpoint: [...ROUTES.map((r) => `${r.method} ${r.path.join('/')}`), 'keep', ...OPS_PATHS, 'unmatched'],
    },
  });
  const hashPool = new HashPool({ threads: config['storage.hash_threads'] });
  const throttle = new Throttle(config['storage.write_throttle'], { onWait: (s) => metrics.throttleWait(s) });
  metrics.throttle(() => throttle.stats());
  const backend = await openBackend(config, { hashPool, metrics, logger }).catch(async (err: unknown) => {
    await hashPool.close();
    throw err;
  });
  const close = async (): Promise<void> => {
    await backend.close();
    await hashPool.close();
  };
  const site = new Site({
    cluster: backend.cluster,
    throttle,
    md5Stream: () => {
      const h = hashPool.stream('md5');
      return { update: (b) => h.update(b), digest: async () => (await h.digest()).toString('hex'), cancel: () => h.cancel() };
    },
    systemRootToken: backend.systemRootToken,
    folderObjects: config['s3.folder_objects'],
    ...(config['storage.upload_memory_mib'] ? { uploadMemoryBytes: config['storage.upload_memory_mib'] * 1024 * 1024 } : {}),
  });
  metrics.memSegmentBytes(() => site.memSegmentBytes());
  // Counting every user's uploads takes a token that sees them all; without one the gauge says NaN (unknown), not 0.
  metrics.multipartInProgress(() => (backend.systemRootToken ? site.multipart.countInProgress() : NaN));
  const health = { phase: 'starting' as Phase };
  const stopping = (): boolean => health.phase === 'stopping';
  const s3 = createServer(createS3App({
    site,
    baseDomain: config['s3.base_domain'] || undefined,
    region: config['s3.region'],
    maxClockSkewSeconds: config['s3.max_clock_skew_seconds'],
    logger,
    metrics,
    hasher: (alg) => hashPool.stream(alg),
  }));
  s3.on('checkExpectation', refuseExpectation);
  // Large uploads may legitimately take long; a stalled socket may not.
  s3.requestTimeout = 0;
  s3.headersTimeout = 60_000;
  s3.timeout = config['s3.request_timeout_seconds'] * 1000;
  s3.keepAliveTimeout = 65_000;
  /** Why the gateway is not ready (undefined: ready). */
  const unready = async (): Promise<string | undefined> => {
    if (stopping()) return 'shutting down';
    if (health.phase !== 'ready' || !s3.listening || !api.listening) return 'starting';
    const why = await backend.unready();
    return stopping() ? 'shutting down' : why;
  };
  const api = backend.createApiServer({
    routes: [
      // Unauthenticated, for load balancers and probes; they tell nothing but up or down.
      { path: '/_health/ping', auth: 'none', handle: (_req, res) => sendHealth(res, undefined) },
      { path: '/_health/ready', auth: 'none', handle: async (_req, res) => sendHealth(res, await unready()) },
      { path: '/metrics', handle: metricsHandler(metrics) },
    ],
    ...(config['metrics.management_token'] ? { managementToken: config['metrics.management_token'] } : {}),
    onError: (err) => logger.error({ err }, 'API request failed'),
    onResponse: (e) => {
      metrics.apiRequest({ endpoint: e.endpoint, status: e.status, durationSeconds: e.durationMs / 1000 });
      // Probes and scrapes come every few seconds: only at debug level.
      const level = (OPS_PATHS as readonly string[]).includes(e.endpoint) ? 'debug' : 'info';
      logger[level]({ requestId: e.requestId, endpoint: e.endpoint, status: e.status, durationMs: Math.round(e.durationMs) }, 'api request');
    },
  });
  return { s3: track(s3, stopping), api: track(api, stopping), throttle, backend, site, health, close };
}

/** Opens both listeners, lets the backend record them and tells the operator where things are. */
async function announce(config: Config, gw: Gateway, logger: Logger): Promise<void> {
  const host = config['listen.host'];
  const s3Url = await listen(gw.s3.server, host, config['listen.s3_port'], 'listen.s3_port');
  const apiUrl = await listen(gw.api.server, host, config['listen.api_port'], 'listen.api_port');
  const { banner, fields } = gw.backend.started({ s3: s3Url, api: apiUrl });
  process.stderr.write(`${banner}\n`);
  gw.health.phase = 'ready';
  logger.info(fields, 'keepgate ready');
}

/**
 * Trashes the staging collections of multipart uploads started more than
 * multipart.expiry_hours ago, by any user: at start, then every hour. Listing every user's
 * uploads takes the system root token (in remote mode, cluster.system_root_token).
 */
function startUploadSweeper(config: Config, gw: Gateway, logger: Logger): Periodic | undefined {
  if (!gw.backend.systemRootToken) {
    logger.warn('multipart expiry sweep disabled: it needs cluster.system_root_token');
    return undefined;
  }
  const maxAgeMs = config['multipart.expiry_hours'] * 3_600_000;
  return periodic(UPLOAD_SWEEP_INTERVAL_MS, async (signal) => {
    try {
      const r = await gw.site.multipart.sweepExpired(Date.now(), { maxAgeMs, signal });
      logger[r.trashed + r.failed > 0 ? 'info' : 'debug']({ ...r, expiry_hours: config['multipart.expiry_hours'] }, 'multipart expiry sweep');
    } catch (err) {
      logger.warn({ err }, 'multipart expiry sweep failed (the next run retries)');
    }
  });
}

interface Periodic {
  /** Stops the timer; a run in progress is told to stop (its signal aborts) and waited for. */
  stop(): Promise<void>;
}

/** Runs `task` now and every `intervalMs`, never two at once; `task` must not reject. */
function periodic(intervalMs: number, task: (signal: AbortSignal) => Promise<void>): Periodic {
  const abort = new AbortController();
  let running: Promise<void> | undefined;
  const run = (): void => {
    running ??= task(abort.signal).finally(() => (running = undefined));
  };
  const timer = setInterval(run, intervalMs).unref();
  run();
  return {
    async stop() {
      clearInterval(timer);
      abort.abort();
      await running;
    },
  };
}

/** Arvados' health response shape: {"health":"OK"} or 503 {"health":"ERROR","error":…}. */
function sendHealth(res: ServerResponse, error: string | undefined): void {
  const body = JSON.stringify(error === undefined ? { health: 'OK' } : { health: 'ERROR', error }) + '\n';
  res.writeHead(error === undefined ? 200 : 503, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

/** Listens and returns the URL clients use; a taken port or bad address is a configuration error. */
async function listen(server: Server, host: string, port: number, key: ConfigKey): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new ConfigError(`cannot listen on ${host}:${port} (listen.host, ${key}): ${err.code ?? err.message}`, { cause: err })));
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return `http://${shown}:${addr.port}`;
}

/** Resolves with the first SIGTERM or SIGINT; hands any later one to `onSecond`. */
function shutdownSignal(onSecond: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: NodeJS.Signals | undefined;
    const handle = (signal: NodeJS.Signals): void => {
      if (first === undefined) resolve((first = signal));
      else onSecond(signal);
    };
    process.on('SIGTERM', handle);
    process.on('SIGINT', handle);
  });
}

/** A server whose requests in progress are counted, so shutdown can tell how many it cut. */
interface TrackedServer {
  readonly server: Server;
  readonly active: () => number;
}

/**
 * Counts requests in progress and, once stopping, closes a keep-alive connection as soon as
 * its response is done (otherwise an idle client would hold the shutdown until the timeout);
 * requests still arriving on open connections are answered with `Connection: close`.
 */
function track(server: Server, stopping: () => boolean): TrackedServer {
  let active = 0;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    active++;
    if (stopping()) res.shouldKeepAlive = false;
    res.once('close', () => active--);
    res.once('finish', () => {
      if (stopping()) setImmediate(() => server.closeIdleConnections());
    });
  });
  return { server, active: () => active };
}

/**
 * Stops accepting, waits for in-flight requests up to `timeoutMs`, then cuts what is left.
 * Returns how many requests were cut.
 */
async function stopServers(servers: readonly TrackedServer[], timeoutMs: number): Promise<number> {
  let cut = 0;
  const closed = servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve())));
  for (const { server } of servers) server.closeIdleConnections();
  const timer = setTimeout(() => {
    for (const s of servers) {
      cut += s.active();
      s.server.closeAllConnections();
    }
  }, timeoutMs);
  await Promise.all(closed);
  clearTimeout(timer);
  return cut;
}

/** Resolves true once `done()` holds, false if it still does not after `timeoutMs`. */
async function settled(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

const isIdle = (s: ThrottleStats): boolean => s.active === 0 && s.waiting === 0;

