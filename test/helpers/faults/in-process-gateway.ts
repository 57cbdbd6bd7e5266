// The S3 gateway built in this process, as src/serve.ts composes it, but with a hook on the
// block store (fault injection) and a throttle the test chooses. Listens on 127.0.0.1:0.

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArvadosApi } from '../../../src/arvados-api/api.js';
import { openEmbeddedCluster, type EmbeddedCluster } from '../../../src/cluster/embedded/embedded.js';
import { HashPool } from '../../../src/common/hash-pool.js';
import { Throttle } from '../../../src/common/throttle.js';
import type { BlockStore } from '../../../src/keep/block-store.js';
import { createS3App } from '../../../src/s3/app.js';
import { Site } from '../../../src/site/site.js';
import type { S3Target } from './s3-raw.js';

export interface InProcessGateway {
  readonly target: S3Target;
  readonly cluster: EmbeddedCluster;
  readonly throttle: Throttle;
  readonly server: Server;
  readonly adminToken: string;
  /** Lines the S3 app logged (JSON). */
  readonly logs: string[];
  close(): Promise<void>;
}

export interface InProcessOptions {
  /** Wraps the block store the site writes through (fault injection). */
  readonly wrapBlocks?: (inner: BlockStore) => BlockStore;
  /** Wraps the Arvados API the site calls (observation). */
  readonly wrapApi?: (inner: ArvadosApi) => ArvadosApi;
  readonly throttle?: number;
  readonly socketTimeoutMs?: number;
}

export async function startInProcessGateway(opts: InProcessOptions): Promise<InProcessGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepgate-inproc-'));
  const hashPool = new HashPool({ threads: 1 });
  const cluster = await openEmbeddedCluster({ dataDir, hashPool, maintenanceIntervalMs: 0 });
  const throttle = new Throttle(opts.throttle ?? 2);
  const site = new Site({
    cluster: {
      info: cluster.info,
      api: opts.wrapApi?.(cluster.api) ?? cluster.api,
      blocks: opts.wrapBlocks?.(cluster.blocks) ?? cluster.blocks,
      close: () => cluster.close(),
    },
    throttle,
    md5Stream: () => {
      const h = createHash('md5');
      return { update: (b) => void h.update(b), digest: async () => h.digest('hex') };
    },
    systemRootToken: cluster.bootstrap.adminToken,
    folderObjects: true,
  });
  const logs: string[] = [];
  const logger = {
    info: (f: Record<string, unknown>, msg: string) => void logs.push(JSON.stringify({ ...f, msg })),
    error: (f: Record<string, unknown>, msg: string) => void logs.push(JSON.stringify({ ...f, err: String(f.err), msg })),
  };
  const server = createServer(createS3App({ site, region: 'us-east-1', maxClockSkewSeconds: 900, logger }));
  server.requestTimeout = 0;
  server.timeout = opts.socketTimeoutMs ?? 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const token = cluster.bootstrap.adminToken;
  const [, uuid, secret] = token.split('/');
  return {
    target: { endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: uuid!, secretAccessKey: secret! } },
    cluster,
    throttle,
    server,
    adminToken: token,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await cluster.close();
      await hashPool.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
