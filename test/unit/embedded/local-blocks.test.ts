// The embedded cluster's Keep: small blocks as rows of the metadata database (sharing the
// group commit's WAL sync), larger ones as files; reads, heads, listing and the collector see
// both, and a damaged row is caught like a damaged file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isDomainError } from '../../../src/common/errors.js';
import { HashPool } from '../../../src/common/hash-pool.js';
import { DirBlockStore } from '../../../src/keep/dir-store.js';
import { corruptStoredBlock, StoredBlocks } from '../../helpers/stored-blocks.js';
import { openTestCluster } from './helpers.js';

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');
const fileOf = (dataDir: string, hash: string): string => join(dataDir, 'keep', hash.slice(0, 3), hash);
const SMALL_MAX = 1024;

test('blocks up to the limit are rows, larger ones files; both read back, head and list', async () => {
  const t = await openTestCluster({ smallBlockMaxBytes: SMALL_MAX });
  try {
    const small = randomBytes(SMALL_MAX);
    const large = randomBytes(SMALL_MAX + 1);
    const smallLoc = await t.block(t.admin, small);
    const largeLoc = await t.block(t.admin, large);
    assert.equal(existsSync(fileOf(t.dataDir, md5(small))), false);
    assert.equal(existsSync(fileOf(t.dataDir, md5(large))), true);
    const stored = new StoredBlocks(t.dataDir);
    assert.equal(stored.size(md5(small)), SMALL_MAX);
    stored.close();
    assert.ok((await t.cluster.blocks.get(smallLoc, { token: t.admin })).equals(small));
    assert.ok((await t.cluster.blocks.get(largeLoc, { token: t.admin })).equals(large));
    assert.equal(await t.cluster.blocks.head(smallLoc, { token: t.admin }), SMALL_MAX);
    // Without a size hint the table is still consulted.
    assert.ok((await t.cluster.localBlocks.get(md5(small))).equals(small));
    const listed = new Map<string, number>();
    for await (const b of t.cluster.localBlocks.list()) listed.set(b.hash, b.size);
    assert.deepEqual(listed, new Map([[md5(small), SMALL_MAX], [md5(large), SMALL_MAX + 1]]));
  } finally {
    await t.close();
  }
});

test('a row whose bytes changed fails verification; a wrong claimed md5 stores nothing', async () => {
  const t = await openTestCluster({ smallBlockMaxBytes: SMALL_MAX });
  try {
    const data = Buffer.from('some small block');
    const loc = await t.block(t.admin, data);
    corruptStoredBlock(t.dataDir, md5(data));
    await assert.rejects(t.cluster.localBlocks.get(loc), (e) => isDomainError(e, 'Corrupt'));
    const other = Buffer.from('claimed to be something else');
    await assert.rejects(t.cluster.localBlocks.put(other, { md5: md5(data) }), (e) => isDomainError(e, 'InvalidArgument'));
    await assert.rejects(t.cluster.localBlocks.head(md5(other)), (e) => isDomainError(e, 'NotFound'));
    // A re-put of the right bytes repairs the damaged row.
    await t.cluster.localBlocks.put(data);
    assert.ok((await t.cluster.localBlocks.get(loc)).equals(data));
  } finally {
    await t.close();
  }
});

test('the gateway view defers durability to the next metadata commit; the Keep view syncs every put', async () => {
  const t = await openTestCluster({ smallBlockMaxBytes: SMALL_MAX });
  try {
    const before = t.cluster.commitStats.syncs;
    const { locator: staged } = await t.cluster.blocks.put(Buffer.from('staged block'), { token: t.admin });
    assert.equal(t.cluster.commitStats.syncs, before);
    await t.cluster.api.createCollection(t.admin, { manifest_text: `. ${staged} 0:12:f\n` });
    assert.equal(t.cluster.commitStats.syncs, before + 1);
    await t.cluster.keepBlocks.put(Buffer.from('durable block'), { token: t.admin });
    assert.equal(t.cluster.commitStats.syncs, before + 2);
  } finally {
    await t.close();
  }
});

test('small blocks written as files before the table existed are still read, listed and collected', async () => {
  const t = await openTestCluster({ smallBlockMaxBytes: SMALL_MAX, blobSigningTtlSeconds: 60 });
  const pool = new HashPool({ threads: 1 });
  try {
    const files = await DirBlockStore.open({ dataDir: t.dataDir, hashPool: pool, clock: () => t.clock.now });
    const old = Buffer.from('an old small block file');
    const { locator } = await files.put(old);
    assert.ok((await t.cluster.localBlocks.get(locator)).equals(old));
    assert.equal(await t.cluster.localBlocks.head(locator), old.length);
    const row = await t.cluster.localBlocks.put(Buffer.from('an unreferenced row'));
    t.clock.now += 61_000;
    assert.deepEqual(await t.cluster.collectGarbage(t.clock.now), { deleted: 2, kept: 0 });
    for (const loc of [locator, row.locator]) await assert.rejects(t.cluster.localBlocks.head(loc), (e) => isDomainError(e, 'NotFound'));
  } finally {
    await pool.close();
    await t.close();
  }
});

test('a collector run spares a row re-put after it started (mtime re-checked at delete)', async () => {
  const t = await openTestCluster({ smallBlockMaxBytes: SMALL_MAX, blobSigningTtlSeconds: 60 });
  try {
    const data = Buffer.from('re-put while collecting');
    await t.cluster.localBlocks.put(data);
    t.clock.now += 61_000;
    const cutoff = t.clock.now - 60_000;
    await t.cluster.localBlocks.put(data); // refreshed: mtime is now after the cutoff
    assert.equal(await t.cluster.localBlocks.delete(md5(data), { ifUnchangedSince: cutoff }), false);
    assert.equal(await t.cluster.localBlocks.head(md5(data)), data.length);
  } finally {
    await t.close();
  }
});
