// openEmbeddedMetadata: the records of a data directory without its blocks. The first open
// fixes the cluster id and signing key and later opens (and the full cluster) read the same
// ones; a refused open leaves the database closed; close() applies queued group-commit
// writes and onCommit hears of them; the read memo exists only when asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedCluster } from '../../../src/cluster/embedded/embedded.js';
import { DEFAULT_BLOB_SIGNING_TTL, openEmbeddedMetadata } from '../../../src/cluster/embedded/metadata.js';
import { findUser, insertToken, insertUser } from '../../../src/cluster/embedded/users.js';

/** Files this process holds open under `dir` (Linux: /proc/self/fd). */
const openFilesUnder = (dir: string): number =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false; // the fd of the directory listing itself, gone by now
    }
  }).length;

async function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-metadata-'));
  try {
    await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the first open fixes cluster id and signing key; reopens and the full cluster read the same', () =>
  withDir(async (dir) => {
    const first = openEmbeddedMetadata({ dataDir: dir, clusterId: 'zzzzz' });
    const { clusterId, blobSigningKey } = first.ctx;
    assert.equal(clusterId, 'zzzzz');
    assert.match(blobSigningKey, /^[a-z0-9]{20,}$/);
    assert.equal(first.ctx.blobSigningTtl, DEFAULT_BLOB_SIGNING_TTL);
    assert.equal(first.ctx.requireSignatures, true);
    await first.close();

    const again = openEmbeddedMetadata({ dataDir: dir, blobSigningTtlSeconds: 60, clock: () => 42, requireSignatures: false });
    assert.deepEqual([again.ctx.clusterId, again.ctx.blobSigningKey], [clusterId, blobSigningKey]);
    assert.deepEqual([again.ctx.blobSigningTtl, again.ctx.now(), again.ctx.requireSignatures], [60, 42, false]);
    await again.close();

    const cluster = await openEmbeddedCluster({ dataDir: dir, hashThreads: 1, maintenanceIntervalMs: 0 });
    assert.equal(cluster.info.clusterId, clusterId);
    await cluster.close();
  }));

test('an open for another cluster id is refused and leaves the database closed', () =>
  withDir(async (dir) => {
    await openEmbeddedMetadata({ dataDir: dir, clusterId: 'aaaaa' }).close();
    assert.equal(openFilesUnder(dir), 0);
    assert.throws(() => openEmbeddedMetadata({ dataDir: dir, clusterId: 'bbbbb' }), /belongs to cluster aaaaa/);
    assert.equal(openFilesUnder(dir), 0);
    const open = openEmbeddedMetadata({ dataDir: dir });
    assert.ok(openFilesUnder(dir) > 0, 'the check sees an open database');
    await open.close();
  }));

test('a user and token written through the context work in the full cluster', () =>
  withDir(async (dir) => {
    await (await openEmbeddedCluster({ dataDir: dir, hashThreads: 1, maintenanceIntervalMs: 0 })).close();
    const m = openEmbeddedMetadata({ dataDir: dir });
    const { user, token } = m.ctx.db.transaction(() => {
      const u = insertUser(m.ctx, { email: 'ann@example.com', username: 'ann', is_admin: false });
      return { user: u, token: insertToken(m.ctx, { ownerUuid: u.uuid }).token };
    }).immediate();
    await m.close();
    const cluster = await openEmbeddedCluster({ dataDir: dir, hashThreads: 1, maintenanceIntervalMs: 0 });
    try {
      assert.equal((await cluster.api.currentUser(token)).uuid, user.uuid);
    } finally {
      await cluster.close();
    }
  }));

test('close() applies group-commit writes still queued; onCommit hears of each batch; the read memo exists only when asked for', () =>
  withDir(async (dir) => {
    let batches = 0;
    const plain = openEmbeddedMetadata({ dataDir: dir, onCommit: () => batches++ });
    assert.equal(plain.ctx.memo, undefined);
    const queued = plain.ctx.commit.run(() => insertUser(plain.ctx, { email: 'bo@example.com', username: 'bo', is_admin: false }));
    assert.equal(batches, 0);
    await plain.close();
    const user = await queued;
    assert.equal(batches, 1);

    const memoized = openEmbeddedMetadata({ dataDir: dir, memoizeReads: true });
    try {
      assert.ok(memoized.ctx.memo);
      assert.equal(findUser(memoized.ctx, user.uuid)?.username, 'bo');
      // A write through the group commit clears what the memo remembered.
      let computed = 0;
      memoized.ctx.memo.get('k', () => ++computed);
      assert.equal(memoized.ctx.memo.get('k', () => ++computed), 1);
      await memoized.ctx.commit.run(() => undefined);
      assert.equal(memoized.ctx.memo.get('k', () => ++computed), 2);
    } finally {
      await memoized.close();
    }
  }));
