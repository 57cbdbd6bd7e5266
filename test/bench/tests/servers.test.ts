// The harness's servers and client end to end on loopback: the ceiling server driven by the
// bench client, and keepgate's start-up contract exercised with stand-in main.js programs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MiB, PayloadPool } from '../lib/payload.js';
import { ProcessGroup } from '../lib/processes.js';
import { BenchClient, S3HttpError } from '../lib/s3-client.js';
import { startCeiling, startKeepgate } from '../servers/servers.js';

const benchDir = resolve(import.meta.dirname, '..');

test('the client against the ceiling server: PUT, ranged GET, HEAD, multipart, paginated listings', async () => {
  const group = new ProcessGroup();
  try {
    const server = await startCeiling({ group, repoRoot: resolve(benchDir, '..', '..'), benchDir }, { md5: true });
    const client = new BenchClient({ endpoint: server.endpoint, credentials: server.credentials, connections: 4 });
    const payload = new PayloadPool();
    await client.createBucket('b');
    await client.put('b', 'big', payload.chunks({ size: 3 * MiB + 7, seed: 1 }), { size: 3 * MiB + 7 });
    assert.equal(await client.head('b', 'big'), 3 * MiB + 7);
    assert.equal(await client.get('b', 'big'), 3 * MiB + 7);
    assert.equal(await client.get('b', 'big', { start: MiB, length: 1000 }), 1000);
    await assert.rejects(client.head('b', 'absent'), (err: unknown) => err instanceof S3HttpError && err.status === 404);

    const uploadId = await client.createMultipartUpload('b', 'mp');
    const etags = await Promise.all(
      [1, 2].map((partNumber) => client.uploadPart('b', 'mp', { uploadId, partNumber, body: payload.small({ size: MiB, seed: partNumber }), size: MiB })),
    );
    await client.completeMultipartUpload('b', 'mp', uploadId, etags.map((etag, i) => ({ partNumber: i + 1, etag })));
    assert.equal(await client.head('b', 'mp'), 2 * MiB);

    for (let i = 0; i < 25; i++) await client.put('b', `d${i % 5}/k${i}`, payload.small({ size: 10, seed: i }), { size: 10 });
    let keys = 0;
    let pages = 0;
    let token: string | undefined;
    do {
      const page = await client.listPage('b', { prefix: 'd', maxKeys: 10, token });
      keys += page.keys;
      pages++;
      token = page.nextToken;
    } while (token !== undefined);
    assert.deepEqual({ keys, pages }, { keys: 25, pages: 3 });
    const delimited = await client.listPage('b', { delimiter: '/' });
    assert.deepEqual({ keys: delimited.keys, prefixes: delimited.commonPrefixes }, { keys: 2, prefixes: 5 });
    await client.close();
  } finally {
    await group.shutdown();
  }
});

function fakeRepo(group: ProcessGroup, mainJs: string): string {
  const root = group.tempDir('fake-repo');
  mkdirSync(join(root, 'dist', 'src'), { recursive: true });
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }');
  writeFileSync(join(root, 'dist', 'src', 'main.js'), mainJs);
  return root;
}

test('keepgate: started with serve --data/--port, credentials read from credentials.json, stopped at the end', async () => {
  const group = new ProcessGroup();
  try {
    const repoRoot = fakeRepo(
      group,
      `import { createServer } from 'node:http';
       import { writeFileSync } from 'node:fs';
       const arg = (n) => process.argv[process.argv.indexOf(n) + 1];
       if (process.argv[2] !== 'serve' || arg('--host') !== '127.0.0.1' || !arg('--api-port')) process.exit(3);
       createServer((req, res) => res.end()).listen(Number(arg('--port')), '127.0.0.1', () =>
         writeFileSync(arg('--data') + '/credentials.json', JSON.stringify({ access_key: 'AK', secret_key: 'SK' })));`,
    );
    const server = await startKeepgate({ group, repoRoot, benchDir });
    assert.deepEqual(server.credentials, { accessKeyId: 'AK', secretAccessKey: 'SK' });
    assert.match(server.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.child.deadReason(), undefined);
    await group.shutdown();
    assert.match(server.child.deadReason() ?? '', /exited/);
  } finally {
    await group.shutdown();
  }
});

test('keepgate: a server that fails to start is reported with its own output', async () => {
  const group = new ProcessGroup();
  try {
    const repoRoot = fakeRepo(group, `console.error('no S3 API yet'); process.exit(1);`);
    await assert.rejects(startKeepgate({ group, repoRoot, benchDir }), /keepgate exited \(code 1\): no S3 API yet/);
  } finally {
    await group.shutdown();
  }
});
