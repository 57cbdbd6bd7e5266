// Concurrent writers into one collection lose nothing and share transactions (group commit);
// a replace_files into a 100,000-file collection touches its rows, not the whole manifest.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestCluster, treeOf, type TestCluster } from './helpers.js';

describe('concurrency and cost', () => {
  let t: TestCluster;
  before(async () => (t = await openTestCluster()));
  after(() => t.close());

  test('16 concurrent writers doing replace_files into one collection: every file is there', async () => {
    const project = (await t.cluster.api.createGroup(t.admin, { name: 'busy', group_class: 'project' })).uuid;
    const c = await t.cluster.api.createCollection(t.admin, { owner_uuid: project, name: 'shared' });
    const writers = await Promise.all(
      Array.from({ length: 16 }, async (_, i) => {
        const u = await t.user(`writer${i}`);
        await t.cluster.api.createLink(t.admin, { link_class: 'permission', name: 'can_write', tail_uuid: u.uuid, head_uuid: project });
        return u.token;
      }),
    );
    const perWriter = 5;
    // Blocks first (as a gateway does), then all the updates at once.
    const manifests = await Promise.all(
      writers.flatMap((token, w) => Array.from({ length: perWriter }, (_, k) => t.manifest(token, { f: `writer ${w} file ${k}` }))),
    );
    const before = { ...t.cluster.commitStats };
    await Promise.all(
      manifests.map((manifest, i) => {
        const w = Math.floor(i / perWriter);
        return t.cluster.api.updateCollection(writers[w]!, c.uuid, { manifest_text: manifest }, {
          replace_files: { [`/w${w}/f${i % perWriter}`]: 'manifest_text/f' },
          select: ['uuid'],
        });
      }),
    );
    const ops = t.cluster.commitStats.operations - before.operations;
    const batches = t.cluster.commitStats.batches - before.batches;
    assert.equal(ops, manifests.length);
    assert.ok(batches < ops / 4, `group commit: ${ops} updates in ${batches} transactions`);
    const got = await t.cluster.api.getCollection(t.admin, c.uuid);
    const expected = writers.flatMap((_, w) => Array.from({ length: perWriter }, (_, k) => `w${w}/f${k}`)).sort();
    assert.deepEqual(treeOf(got.manifest_text!).files, expected);
    assert.equal(got.file_count, expected.length);
    assert.equal(got.version, 1 + manifests.length);
  });

  test('replace_files on a 100,000-file collection rebuilds no manifest; a later read rebuilds once', async () => {
    const n = 100_000;
    const block = `${'a'.repeat(32)}+${n}`;
    const tokens = Array.from({ length: n }, (_, i) => `${i}:1:f${String(i).padStart(6, '0')}`);
    const c = await t.cluster.api.createCollection(t.admin, { name: 'big', manifest_text: `. ${block} ${tokens.join(' ')}\n` }, { select: ['uuid', 'file_count'] });
    assert.equal(c.file_count, n);
    const marshals = t.cluster.counters.manifestMarshals;
    const rewrites = t.cluster.counters.fullRewrites;
    for (let i = 0; i < 20; i++) {
      const r = await t.cluster.api.updateCollection(t.admin, c.uuid, { manifest_text: `. ${'b'.repeat(32)}+5 0:5:new${i}\n` }, {
        replace_files: { [`/sub/new${i}`]: `manifest_text/new${i}`, [`/f${String(i).padStart(6, '0')}`]: '' },
        select: ['uuid', 'file_count', 'file_size_total', 'modified_at'],
      });
      assert.equal(r.file_count, n);
      assert.equal(r.file_size_total, n - (i + 1) + 5 * (i + 1));
    }
    assert.equal(t.cluster.counters.manifestMarshals, marshals, 'no manifest rebuilt by the updates');
    assert.equal(t.cluster.counters.fullRewrites, rewrites, 'no full row rewrite by the updates');
    // Selecting manifest_text / portable_data_hash rebuilds once, then the cache answers.
    const full = await t.cluster.api.getCollection(t.admin, c.uuid, { select: ['portable_data_hash', 'unsigned_manifest_text'] });
    assert.equal(t.cluster.counters.manifestMarshals, marshals + 1);
    assert.ok(full.unsigned_manifest_text!.startsWith(`. ${block} `));
    await t.cluster.api.getCollection(t.admin, c.uuid, { select: ['portable_data_hash'] });
    await t.cluster.api.getCollection(t.admin, c.uuid, { select: ['manifest_text'] });
    assert.equal(t.cluster.counters.manifestMarshals, marshals + 1);
  });
});
