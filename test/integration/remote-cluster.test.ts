// openRemoteCluster against the embedded REST + Keep API in another process: what it learns at
// open, Keep discovery through keep_services/accessible, blocks written and read with the
// caller's token and referenced from a collection, the extension probe, the disk cache, and
// the override list of Keep services.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDomainError } from '../../src/common/errors.js';
import { openRemoteCluster, type RemoteCluster, type RemoteClusterOptions } from '../../src/cluster/arvados/remote-cluster.js';
import { UNKNOWN_CLUSTER_ID } from '../../src/cluster/arvados/cluster-info.js';
import { segmentsFingerprint } from '../../src/manifest/index.js';
import { startApiServerProcess, type ApiServerProcess } from '../contract/api-server-process.js';

let proc: ApiServerProcess;
let userToken: string;
const scratch = mkdtempSync(join(tmpdir(), 'keepgate-remote-cluster-'));
const opened: RemoteCluster[] = [];
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

async function open(extra: Partial<RemoteClusterOptions> = {}): Promise<RemoteCluster> {
  const c = await openRemoteCluster({ apiHost: proc.url, timeoutMs: 10_000, ...extra });
  opened.push(c);
  return c;
}

before(async () => {
  proc = await startApiServerProcess();
  const admin = await open();
  const user = await admin.api.createUser(proc.adminToken, { email: 'remote@example.com', username: 'remote', first_name: 'R', last_name: 'T' });
  const auth = await admin.api.createToken(proc.adminToken, { owner_uuid: user.uuid });
  userToken = `v2/${auth.uuid}/${auth.api_token}`;
});
after(async () => {
  for (const c of opened) await c.close();
  await proc.stop();
  rmSync(scratch, { recursive: true, force: true });
});

test('open: cluster id from the system root token when the server has no discovery document; defaults otherwise', async () => {
  const withRoot = await open({ systemRootToken: proc.adminToken });
  assert.equal(withRoot.info.clusterId, proc.adminToken.split('/')[1]!.slice(0, 5));
  assert.equal(withRoot.info.blobSigningTtl, 1_209_600);
  assert.equal((await open()).info.clusterId, UNKNOWN_CLUSTER_ID);
});

test('open: an unreachable API host fails at once with Unavailable', async () => {
  await assert.rejects(openRemoteCluster({ apiHost: 'http://127.0.0.1:1', timeoutMs: 2_000 }), (e) => isDomainError(e, 'Unavailable') && /cannot reach/.test(e.message));
});

test('blocks: written with the user\'s token via discovered Keep services, kept in a collection, read back signed for the reader', async () => {
  const cluster = await open();
  const data = randomBytes(3 * 1024 * 1024);
  const put = await cluster.blocks.put(data, { token: userToken });
  assert.equal(put.replicas, 1);
  assert.match(put.locator, new RegExp(`^${md5(data)}\\+${data.length}\\+A[0-9a-f]{40}@[0-9a-f]{8}$`));
  const c = await cluster.api.createCollection(userToken, { name: 'blocks', manifest_text: `. ${put.locator} 0:${data.length}:file.bin\n` }, { select: ['uuid', 'manifest_text'] });
  const signed = c.manifest_text!.split(' ')[1]!;
  assert.ok((await cluster.blocks.get(signed, { token: userToken })).equals(data));
  // Another token cannot use the user's signature.
  const fresh = await open();
  await assert.rejects(fresh.blocks.get(signed, { token: proc.adminToken }), (e) => isDomainError(e, 'PermissionDenied'));
  assert.ok((await cluster.blocks.get(signed, { token: userToken })).equals(data));
  assert.equal(cluster.blocks.stats().hits, 1);
});

test('extensions auto: the embedded server accepts them, so file attributes round-trip', async () => {
  const cluster = await open();
  assert.equal(cluster.api.extensions.state, 'unknown');
  const { locator } = await cluster.blocks.put(Buffer.from('foo'), { token: userToken });
  const c = await cluster.api.createCollection(userToken, { name: 'attrs' });
  const attrs = {
    fingerprint: segmentsFingerprint([{ locator: `${md5(Buffer.from('foo'))}+3`, offset: 0, length: 3 }]),
    mtime: '2026-01-02T03:04:05.678Z', etag: md5(Buffer.from('foo')), content_type: 'text/plain',
  };
  await cluster.api.updateCollection(userToken, c.uuid, { manifest_text: `. ${locator} 0:3:foo.txt\n` }, {
    replace_files: { '/foo.txt': 'manifest_text/foo.txt' }, x_keepgate_file_attrs: { 'foo.txt': attrs },
    x_keepgate_preconditions: { 'foo.txt': 'absent' },
  });
  assert.equal(cluster.api.extensions.state, 'on');
  const got = await cluster.api.getCollection(userToken, c.uuid, { select: ['uuid', 'x_keepgate_file_attrs'] });
  assert.deepEqual(got.x_keepgate_file_attrs, { 'foo.txt': attrs });
});

test('disk cache: a block read once is served from the cache directory by a new gateway', async () => {
  const dir = join(scratch, 'disk-cache');
  const writer = await open();
  const data = randomBytes(100_000);
  const { locator } = await writer.blocks.put(data, { token: userToken });
  const first = await open({ diskCacheDir: dir, cacheBytes: 0 });
  assert.ok((await first.blocks.get(locator, { token: userToken })).equals(data));
  await first.close();
  assert.deepEqual(readdirSync(join(dir, md5(data).slice(0, 3))), [md5(data)]);
  const second = await open({ diskCacheDir: dir, cacheBytes: 0, keepServices: ['http://127.0.0.1:1'] });
  assert.ok((await second.blocks.get(locator, { token: userToken })).equals(data), 'no Keep service needed');
});

test('keepServices override: discovery is skipped and the listed URLs are used', async () => {
  const dead = await open({ keepServices: ['http://127.0.0.1:1'], timeoutMs: 2_000 });
  await assert.rejects(dead.blocks.put(randomBytes(10), { token: userToken }), (e) => isDomainError(e, 'Unavailable'));
  const direct = await open({ keepServices: [proc.url] });
  const data = randomBytes(1000);
  assert.ok((await direct.blocks.get((await direct.blocks.put(data, { token: userToken })).locator, { token: userToken })).equals(data));
});
