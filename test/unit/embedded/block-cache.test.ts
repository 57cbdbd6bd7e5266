// The embedded cluster's block store keeps recently read blocks in memory: a block is served
// from memory only after a read verified it in storage; written blocks are always read from storage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overwriteStoredBlock } from '../../helpers/stored-blocks.js';
import { openTestCluster } from './helpers.js';

test('a block read once is served from memory; one only written is read (and checked) from storage', async () => {
  const t = await openTestCluster({ blockCacheBytes: 1024 });
  try {
    const read = await t.block(t.admin, 'read me twice');
    assert.equal((await t.cluster.blocks.get(read, { token: t.admin })).toString(), 'read me twice');
    overwriteStoredBlock(t.dataDir, read.slice(0, 32), 'XXXXXXXXXXXXX'); // same length, other bytes
    assert.equal((await t.cluster.blocks.get(read, { token: t.admin })).toString(), 'read me twice');

    const written = await t.block(t.admin, 'never read before');
    overwriteStoredBlock(t.dataDir, written.slice(0, 32), 'XXXXXXXXXXXXXXXXX');
    await assert.rejects(t.cluster.blocks.get(written, { token: t.admin }), /failed verification/);

    // Larger than the budget: never kept, so a damaged copy is noticed on every read.
    const big = await t.block(t.admin, Buffer.alloc(2048, 1));
    await t.cluster.blocks.get(big, { token: t.admin });
    overwriteStoredBlock(t.dataDir, big.slice(0, 32), Buffer.alloc(2048, 2));
    await assert.rejects(t.cluster.blocks.get(big, { token: t.admin }), /failed verification/);
    // Signatures are still checked before the cache is consulted.
    await assert.rejects(t.cluster.blocks.get(read.replace(/\+A[^+]*/, ''), { token: t.admin }));
  } finally {
    await t.close();
  }
});
