// keepgate in remote mode, the row beside `keepgate` that shows what the network hop costs:
// an embedded `keepgate serve` plays the cluster (its REST + Keep API on loopback) and a second
// `keepgate serve --cluster-type arvados` in front of it takes the S3 traffic. Both run the
// built dist/ code. S3 credentials are the cluster's admin token with `_` for `/`. The row's
// child (whose RSS is sampled) is the gateway; the cluster process is not counted.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitUntilListening } from '../lib/processes.js';
import type { BenchServer, StartContext } from './servers.js';

const START_TIMEOUT_MS = 30_000;

export async function startKeepgateRemote(ctx: StartContext): Promise<BenchServer> {
  const main = join(ctx.repoRoot, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing (run make build)`);
  const dir = ctx.group.tempDir('keepgate-remote');
  const dataDir = join(dir, 'cluster-data');
  mkdirSync(dataDir);
  const [clusterS3Port, clusterApiPort, port, apiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const serve = (name: string, args: readonly string[]) =>
    ctx.group.spawn({ name, command: process.execPath, args: [main, 'serve', '--host', '127.0.0.1', ...args], cwd: ctx.repoRoot, logDir: dir, stdinPipe: false });

  const cluster = serve('keepgate-cluster', ['--data', dataDir, '--port', String(clusterS3Port), '--api-port', String(clusterApiPort)]);
  const credentialsFile = join(dataDir, 'credentials.json');
  await waitUntilListening(cluster, clusterApiPort, { timeoutMs: START_TIMEOUT_MS, ready: () => existsSync(credentialsFile) });
  const { token } = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { token?: string };
  if (!token) throw new Error(`${credentialsFile} has no token`);

  const gateway = serve('keepgate-remote', [
    '--cluster-type', 'arvados', '--cluster-api-host', `http://127.0.0.1:${clusterApiPort}`,
    '--port', String(port), '--api-port', String(apiPort),
  ]);
  await waitUntilListening(gateway, port, { timeoutMs: START_TIMEOUT_MS });
  const key = token.replaceAll('/', '_');
  return { name: 'keepgate-remote', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: key, secretAccessKey: key }, child: gateway };
}
