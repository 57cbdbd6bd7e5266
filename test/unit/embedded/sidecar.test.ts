// The per-file sidecar (x_keepgate_file_attrs) and per-path preconditions.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FileAttrs } from '../../../src/arvados-api/types.js';
import { parseManifest, segmentsFingerprint } from '../../../src/manifest/index.js';
import { openTestCluster, statusOf, type TestCluster } from './helpers.js';

const attrs = (etag: string, extra: Partial<FileAttrs> = {}): FileAttrs => ({ fingerprint: '', mtime: '2030-01-01T00:00:00.000Z', etag, ...extra });

describe('sidecar and preconditions', () => {
  let t: TestCluster;
  let token: string;
  before(async () => {
    t = await openTestCluster();
    token = (await t.user('sidecar')).token;
  });
  after(() => t.close());

  const sidecar = async (uuid: string) =>
    (await t.cluster.api.getCollection(token, uuid, { select: ['x_keepgate_file_attrs'] })).x_keepgate_file_attrs!;

  test('set with the write, returned only when selected, keyed by path', async () => {
    const manifest = await t.manifest(token, { 'a.txt': 'aaa' });
    const c = await t.cluster.api.createCollection(token, { manifest_text: '' });
    const r = await t.cluster.api.updateCollection(token, c.uuid, { manifest_text: manifest }, {
      replace_files: { '/dir/a.txt': 'manifest_text/a.txt' },
      x_keepgate_file_attrs: { 'dir/a.txt': attrs('e1', { content_type: 'text/plain', meta: { color: 'blue' } }) },
      select: ['uuid', 'x_keepgate_file_attrs'],
    });
    const fp = segmentsFingerprint(parseManifest(manifest).files[0]!.segments);
    assert.deepEqual(r.x_keepgate_file_attrs, { 'dir/a.txt': { ...attrs('e1', { content_type: 'text/plain', meta: { color: 'blue' } }), fingerprint: fp } });
    const plain = await t.cluster.api.getCollection(token, c.uuid);
    assert.equal('x_keepgate_file_attrs' in plain, false);
    const listed = await t.cluster.api.listCollections(token, { filters: [['uuid', '=', c.uuid]] });
    assert.equal('x_keepgate_file_attrs' in listed.items[0]!, false);
    // Clearing an entry; clearing a missing one is harmless.
    await t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { 'dir/a.txt': null, 'nope.txt': null, 'dir/': null } });
    assert.deepEqual(await sidecar(c.uuid), {});
  });

  test('a file replaced by replace_files loses its entry unless the same request sets one', async () => {
    const c = await t.cluster.api.createCollection(token, { manifest_text: await t.manifest(token, { a: 'A', b: 'B' }) });
    await t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { a: attrs('ea'), b: attrs('eb') } });
    assert.deepEqual(Object.keys(await sidecar(c.uuid)).sort(), ['a', 'b']);
    // Overwrite a with new content: its entry goes; b's stays.
    await t.cluster.api.updateCollection(token, c.uuid, { manifest_text: await t.manifest(token, { a: 'A2' }) }, { replace_files: { '/a': 'manifest_text/a' } });
    assert.deepEqual(Object.keys(await sidecar(c.uuid)), ['b']);
    // Rename via replace_files: the copy has no entry either.
    await t.cluster.api.updateCollection(token, c.uuid, {}, { replace_files: { '/c': 'current/b', '/b': '' } });
    assert.deepEqual(await sidecar(c.uuid), {});
    // ...unless the same request sets it.
    await t.cluster.api.updateCollection(token, c.uuid, {}, { replace_files: { '/d': 'current/c' }, x_keepgate_file_attrs: { d: attrs('ed') } });
    assert.deepEqual(Object.keys(await sidecar(c.uuid)), ['d']);
  });

  test('entries survive a full manifest rewrite with the same content, and die with a content change', async () => {
    const m1 = await t.manifest(token, { keep: 'same', change: 'old' });
    const c = await t.cluster.api.createCollection(token, { manifest_text: m1 });
    await t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { keep: attrs('k'), change: attrs('c') } });
    // Another client rewrites the whole manifest: `keep` unchanged (re-signed), `change` new bytes.
    const current = (await t.cluster.api.getCollection(token, c.uuid)).manifest_text!;
    const newBlock = await t.block(token, 'new!');
    const keepTok = current.split(' ').find((w) => w.startsWith(parseManifest(m1).files.find((f) => f.path === 'keep')!.segments[0]!.locator.slice(0, 32)))!;
    const rewritten = `. ${keepTok} ${newBlock} 0:4:keep 4:4:change\n`;
    await t.cluster.api.updateCollection(token, c.uuid, { manifest_text: rewritten });
    assert.deepEqual(Object.keys(await sidecar(c.uuid)), ['keep']);
  });

  test('entries are validated: not a file 422, wrong fingerprint 412, bad shape 422', async () => {
    const c = await t.cluster.api.createCollection(token, { manifest_text: await t.manifest(token, { f: 'F' }) });
    await t.cluster.api.updateCollection(token, c.uuid, {}, { replace_files: { '/d/g': 'current/f' } });
    assert.equal(await statusOf(t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { nope: attrs('x') } })), 422);
    assert.equal(await statusOf(t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { d: attrs('x') } })), 422);
    assert.equal(await statusOf(t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { f: attrs('x', { fingerprint: 'f'.repeat(32) }) } })), 412);
    assert.equal(await statusOf(t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { f: { mtime: 'yesterday', etag: 'x' } as FileAttrs } })), 422);
    assert.equal(await statusOf(t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { '/f': attrs('x') } })), 422);
    assert.equal(await statusOf(t.cluster.api.updateCollection(token, c.uuid, {}, { x_keepgate_file_attrs: { f: { ...attrs('x'), color: 'red' } as FileAttrs } })), 422);
    // A failed sidecar entry fails the whole update: replace_files in the same request is undone.
    assert.equal(await statusOf(t.cluster.api.updateCollection(token, c.uuid, {}, { replace_files: { '/f2': 'current/f' }, x_keepgate_file_attrs: { nope: attrs('x') } })), 422);
    assert.equal((await t.cluster.api.getCollection(token, c.uuid, { select: ['file_count'] })).file_count, 2);
  });

  test('preconditions are checked atomically before the update; a failure is 412 and changes nothing', async () => {
    const c = await t.cluster.api.createCollection(token, { manifest_text: await t.manifest(token, { f: 'F' }) });
    await t.cluster.api.updateCollection(token, c.uuid, {}, { replace_files: { '/d/g': 'current/f', '/e/x': 'current/f' } });
    await t.cluster.api.updateCollection(token, c.uuid, {}, { replace_files: { '/e/x': '' } }); // e is now an empty dir
    const pre = (p: Record<string, 'absent' | 'not-dir' | 'empty-dir'>) =>
      t.cluster.api.updateCollection(token, c.uuid, {}, { replace_files: { '/new': 'current/f' }, x_keepgate_preconditions: p, select: ['file_count'] });
    for (const [path, cond, ok] of [
      ['zz', 'absent', true], ['f', 'absent', false], ['d', 'absent', false], ['e', 'absent', false],
      ['f', 'not-dir', true], ['zz', 'not-dir', true], ['d', 'not-dir', false], ['e', 'not-dir', false],
      ['e', 'empty-dir', true], ['d', 'empty-dir', false], ['f', 'empty-dir', false], ['zz', 'empty-dir', false],
    ] as const) {
      await t.cluster.api.updateCollection(token, c.uuid, {}, { replace_files: { '/new': '' } });
      const before = (await t.cluster.api.getCollection(token, c.uuid, { select: ['file_count'] })).file_count;
      if (ok) {
        assert.equal((await pre({ [path]: cond })).file_count, before + 1, `${path} ${cond}`);
      } else {
        assert.equal(await statusOf(pre({ [path]: cond })), 412, `${path} ${cond}`);
        assert.equal((await t.cluster.api.getCollection(token, c.uuid, { select: ['file_count'] })).file_count, before);
      }
    }
    assert.equal(await statusOf(pre({ f: 'maybe' as never })), 422);
  });
});
