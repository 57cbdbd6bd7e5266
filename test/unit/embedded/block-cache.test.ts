// The embedded cluster's block store keeps recently read blocks in memory: a block is served
// from memory only after a read verified it on disk; written blocks are always read from disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTestCluster } from './helpers.js';

const pathOf = (dataDir: string, locator: string): string => join(dataDir, 'keep', locator.slice(0, 3), locator.slice(0, 32));

test('a block read once is served from memory; one only written is read (and checked) from disk', async () => {
  const t = await openTestCluster({ blockCacheBytes: 1024 });
  try {
    const read = await t.block(t.admin, 'read me twice');
    assert.equal((await t.cluster.blocks.get(read, { token: t.admin })).toString(), 'read me twice');
    writeFileSync(pathOf(t.dataDir, read), 'XXXXXXXXXXXXX'); // same length, other bytes
    assert.equal((await t.cluster.blocks.get(read, { token: t.admin })).toString(), 'read me twice');

    const written = await t.block(t.admin, 'never read before');
    writeFileSync(pathOf(t.dataDir, written), 'XXXXXXXXXXXXXXXXX');
    await assert.rejects(t.cluster.blocks.get(written, { token: t.admin }), /failed verification/);

    // Larger than the budget: never kept, so a damaged copy is noticed on every read.
    const big = await t.block(t.admin, Buffer.alloc(2048, 1));
    await t.cluster.blocks.get(big, { token: t.admin });
    writeFileSync(pathOf(t.dataDir, big), Buffer.alloc(2048, 2));
    await assert.rejects(t.cluster.blocks.get(big, { token: t.admin }), /failed verification/);
    // Signatures are still checked before the cache is consulted.
    await assert.rejects(t.cluster.blocks.get(read.replace(/\+A[^+]*/, ''), { token: t.admin }));
  } finally {
    await t.close();
  }
});
