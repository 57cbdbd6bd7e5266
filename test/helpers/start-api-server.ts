// Starts the embedded backend's REST + Keep API in its own process, for tests whose client
// must reach it over a real socket (the remote contract run, remote-mode integration tests).
// Opens a cluster in a fresh temporary directory (or `--data <dir>`, kept afterwards),
// listens on 127.0.0.1:<port, default 0> and prints one JSON line:
//   {"url":"http://127.0.0.1:<port>","adminToken":"v2/…","dataDir":"…"}
// Exits cleanly on SIGTERM/SIGINT or when stdin closes (the parent went away).

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openEmbeddedCluster } from '../../src/cluster/embedded/embedded.js';
import { createApiServer } from '../../src/cluster/embedded/http/server.js';
import { createKeepHandler } from '../../src/keep/http-api.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, port: { type: 'string', default: '0' } } });
const dataDir = values.data ?? mkdtempSync(join(tmpdir(), 'keepgate-api-server-'));
const cluster = await openEmbeddedCluster({ dataDir });
const server = createApiServer({
  api: cluster.api,
  keepHandler: createKeepHandler({ store: cluster.keepBlocks }),
  onError: (err) => console.error('start-api-server: unexpected error', err),
});
await new Promise<void>((ok) => server.listen(Number(values.port), '127.0.0.1', ok));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
cluster.setApiUrl(url);
process.stdout.write(`${JSON.stringify({ url, adminToken: cluster.bootstrap.adminToken, dataDir })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
  await cluster.close();
  if (values.data === undefined) rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
