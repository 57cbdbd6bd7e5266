// The keepgate-remote row's start-up contract, with a stand-in main.js: an embedded serve as
// the cluster (credentials.json with the admin token), then a serve in remote mode pointed at
// the cluster's API port; S3 credentials are the token with `_` for `/`; both are stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ProcessGroup } from '../lib/processes.js';
import { startKeepgateRemote } from '../servers/keepgate-remote.js';
import { WORKLOADS } from '../workloads/index.js';

const benchDir = resolve(import.meta.dirname, '..');

// Embedded: listens on --api-port, writes credentials.json. Remote: exits 3 unless pointed at a
// listening cluster API, else listens on --port.
const FAKE_MAIN = `
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
const arg = (n) => (process.argv.includes(n) ? process.argv[process.argv.indexOf(n) + 1] : undefined);
if (process.argv[2] !== 'serve' || arg('--host') !== '127.0.0.1') process.exit(3);
if (arg('--cluster-type') === 'arvados') {
  const res = await fetch(arg('--cluster-api-host') + '/cluster').catch(() => undefined);
  if (res?.status !== 200 || arg('--data') !== undefined) process.exit(4);
  createServer((req, res) => res.end()).listen(Number(arg('--port')), '127.0.0.1');
} else {
  createServer((req, res) => res.end()).listen(Number(arg('--api-port')), '127.0.0.1', () =>
    writeFileSync(arg('--data') + '/credentials.json', JSON.stringify({ token: 'v2/zzzzz-gj3su-000000000000001/secret' })));
}
`;

test('keepgate-remote: an embedded serve as the cluster, a remote-mode serve in front of it, token credentials; both stopped', async () => {
  const group = new ProcessGroup();
  try {
    const repoRoot = group.tempDir('fake-repo');
    mkdirSync(join(repoRoot, 'dist', 'src'), { recursive: true });
    writeFileSync(join(repoRoot, 'package.json'), '{ "type": "module" }');
    writeFileSync(join(repoRoot, 'dist', 'src', 'main.js'), FAKE_MAIN);
    const server = await startKeepgateRemote({ group, repoRoot, benchDir });
    assert.equal(server.name, 'keepgate-remote');
    const key = 'v2_zzzzz-gj3su-000000000000001_secret';
    assert.deepEqual(server.credentials, { accessKeyId: key, secretAccessKey: key });
    assert.equal((await fetch(server.endpoint)).status, 200);
    await group.shutdown();
    assert.match(server.child.deadReason() ?? '', /exited/);
  } finally {
    await group.shutdown();
  }
});

test('every workload with a keepgate row has a keepgate-remote row right after it', () => {
  for (const w of WORKLOADS) {
    if (w.kind !== 'remote') continue;
    const i = w.servers.indexOf('keepgate');
    assert.equal(w.servers.indexOf('keepgate-remote'), i < 0 ? -1 : i + 1, w.name);
  }
});
