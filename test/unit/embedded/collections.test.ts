// Collections over the in-process API: response shapes and derived fields against the Arvados
// fixtures, signature enforcement, signed responses, names, trash and the PDH pseudo-record.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { verifySignature } from '../../../src/keep/signature.js';
import { openTestCluster, statusOf, treeOf, type TestCluster } from './helpers.js';

interface ManifestVector {
  id: string;
  manifest: string;
  pdh: string;
  files?: Array<{ path: string; size: number }>;
  dirs?: string[];
}
const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'arvados', name), 'utf8'));
const VECTORS = (fixture('manifests.json') as { vectors: ManifestVector[] }).vectors.filter((v) => v.files !== undefined);

const RECORD_KEYS = [
  'kind', 'uuid', 'owner_uuid', 'name', 'description', 'properties', 'portable_data_hash', 'replication_desired',
  'storage_classes_desired', 'file_count', 'file_size_total', 'created_at', 'modified_at', 'trash_at', 'delete_at',
  'is_trashed', 'version', 'current_version_uuid',
];

describe('collections', () => {
  let t: TestCluster;
  before(async () => (t = await openTestCluster()));
  after(() => t.close());

  test('created from the fixture manifests: PDH, file_count, file_size_total, stored text', async () => {
    assert.ok(VECTORS.length > 30);
    for (const v of VECTORS) {
      const c = await t.cluster.api.createCollection(t.admin, { name: v.id, manifest_text: v.manifest }, { select: [...RECORD_KEYS, 'unsigned_manifest_text'] });
      assert.equal(c.portable_data_hash, v.pdh, v.id);
      assert.equal(c.file_count, v.files!.length, v.id);
      assert.equal(c.file_size_total, v.files!.reduce((n, f) => n + f.size, 0), v.id);
      assert.equal(c.unsigned_manifest_text, v.manifest.replace(/\+A[^+ \n]*/g, ''), v.id);
      const again = await t.cluster.api.getCollection(t.admin, c.uuid, { select: ['portable_data_hash', 'file_count'] });
      assert.deepEqual(again, { kind: 'arvados#collection', portable_data_hash: v.pdh, file_count: v.files!.length });
    }
    assert.equal(t.cluster.counters.manifestMarshals, 0, 'submitted manifests are cached as given, never rebuilt');
  });

  test('record shapes: get returns every field plus signed manifest_text; list leaves the manifest out', async () => {
    const c = await t.cluster.api.createCollection(t.admin, { name: 'shape', properties: { a: 1 } });
    assert.deepEqual(Object.keys(c).sort(), [...RECORD_KEYS, 'manifest_text'].sort());
    assert.match(c.uuid, new RegExp(`^${t.cluster.info.clusterId}-4zz18-[a-z0-9]{15}$`));
    assert.equal(c.portable_data_hash, 'd41d8cd98f00b204e9800998ecf8427e+0');
    assert.equal(c.manifest_text, '');
    assert.equal(c.current_version_uuid, c.uuid);
    assert.deepEqual(c.storage_classes_desired, ['default']);
    assert.equal(c.is_trashed, false);
    assert.equal(c.version, 1);
    assert.deepEqual(c.properties, { a: 1 });
    const listed = await t.cluster.api.listCollections(t.admin, { filters: [['uuid', '=', c.uuid]] });
    assert.equal(listed.kind, 'arvados#collectionList');
    assert.equal(listed.items_available, 1);
    assert.deepEqual(Object.keys(listed.items[0]!).sort(), [...RECORD_KEYS].sort());
    assert.equal((await t.cluster.api.listCollections(t.admin, { filters: [['uuid', '=', c.uuid]], count: 'none' })).items_available, undefined);
  });

  test('locators need a valid signature for the caller; responses are signed for the caller', async () => {
    const u = await t.user('signer');
    const other = await t.user('othersigner');
    const signed = await t.manifest(u.token, { 'a.txt': 'hello' });
    const unsigned = signed.replace(/\+A[^ ]*/, '');
    assert.equal(await statusOf(t.cluster.api.createCollection(u.token, { manifest_text: unsigned })), 403);
    assert.equal(await statusOf(t.cluster.api.createCollection(other.token, { manifest_text: signed })), 403);
    const c = await t.cluster.api.createCollection(u.token, { manifest_text: signed });
    const locator = c.manifest_text!.split(' ')[1]!;
    const check = { key: String(t.cluster.db.prepare(`SELECT value FROM meta WHERE key = 'blob_signing_key'`).pluck().get()), now: Math.floor(t.clock.now / 1000), ttlSeconds: t.cluster.info.blobSigningTtl };
    assert.equal(verifySignature(locator, { ...check, token: u.token }), 'ok');
    assert.equal(verifySignature(locator, { ...check, token: other.token }), 'invalid');
    // Expired signatures are refused too.
    t.clock.now += (t.cluster.info.blobSigningTtl + 1) * 1000;
    try {
      assert.equal(await statusOf(t.cluster.api.createCollection(u.token, { manifest_text: signed })), 403);
    } finally {
      t.clock.now -= (t.cluster.info.blobSigningTtl + 1) * 1000;
    }
    // The empty block needs no signature; admins need none at all.
    await t.cluster.api.createCollection(u.token, { manifest_text: '. d41d8cd98f00b204e9800998ecf8427e+0 0:0:empty\n' });
    await t.cluster.api.createCollection(t.admin, { manifest_text: unsigned });
  });

  test('signature expiry is min(now + TTL, trash_at); trashed collections come back unsigned', async () => {
    const u = await t.user('expiry');
    const trashAt = new Date(t.clock.now + 3_600_000).toISOString();
    const c = await t.cluster.api.createCollection(u.token, { manifest_text: await t.manifest(u.token, { x: 'x' }), trash_at: trashAt });
    const expiry = parseInt(/@([0-9a-f]{8})/.exec(c.manifest_text!)![1]!, 16);
    assert.equal(expiry, Math.floor(Date.parse(trashAt) / 1000));
    const trashed = await t.cluster.api.trashCollection(u.token, c.uuid);
    assert.doesNotMatch(trashed.manifest_text!, /\+A/);
  });

  test('invalid manifests and attributes are rejected with nothing stored', async () => {
    const before = (await t.cluster.api.listCollections(t.admin, { limit: 0 })).items_available;
    assert.equal(await statusOf(t.cluster.api.createCollection(t.admin, { manifest_text: '. d41d8cd98f00b204e9800998ecf8427e+0 0:0:a' })), 422);
    assert.equal(await statusOf(t.cluster.api.createCollection(t.admin, { manifest_text: 'no good\n' })), 422);
    assert.equal(await statusOf(t.cluster.api.createCollection(t.admin, { name: 'a/b' })), 422);
    assert.equal(await statusOf(t.cluster.api.createCollection(t.admin, { properties: [] as unknown as Record<string, unknown> })), 422);
    assert.equal(await statusOf(t.cluster.api.createCollection(t.admin, { bogus: 1 } as never)), 422);
    assert.equal(await statusOf(t.cluster.api.createCollection(t.admin, { manifest_text: '', portable_data_hash: '00000000000000000000000000000000+0' })), 422);
    assert.equal(await statusOf(t.cluster.api.listCollections(t.admin, { filters: [['nope', '=', 1]] })), 422);
    assert.equal(await statusOf(t.cluster.api.listCollections(t.admin, { filters: [['name', 'resembles', 'x']] as never })), 422);
    assert.equal(await statusOf(t.cluster.api.getCollection(t.admin, `${t.cluster.info.clusterId}-4zz18-000000000000000`)), 404);
    assert.equal((await t.cluster.api.listCollections(t.admin, { limit: 0 })).items_available, before);
    // A matching claimed PDH is fine (its size part is not compared).
    const ok = await t.cluster.api.createCollection(t.admin, { manifest_text: '', portable_data_hash: 'd41d8cd98f00b204e9800998ecf8427e+99' });
    assert.equal(ok.portable_data_hash, 'd41d8cd98f00b204e9800998ecf8427e+0');
  });

  test('names are unique among live collections of one owner; ensure_unique_name renames', async () => {
    const project = (await t.cluster.api.createGroup(t.admin, { name: 'names', group_class: 'project' })).uuid;
    const first = await t.cluster.api.createCollection(t.admin, { owner_uuid: project, name: 'dup' });
    assert.equal(await statusOf(t.cluster.api.createCollection(t.admin, { owner_uuid: project, name: 'dup' })), 422);
    const second = await t.cluster.api.createCollection(t.admin, { owner_uuid: project, name: 'dup' }, { ensure_unique_name: true });
    assert.equal(second.name, 'dup (1)');
    const third = await t.cluster.api.createCollection(t.admin, { owner_uuid: project, name: 'dup' }, { ensure_unique_name: true });
    assert.equal(third.name, 'dup (2)');
    assert.equal(await statusOf(t.cluster.api.updateCollection(t.admin, third.uuid, { name: 'dup' })), 422);
    // A project and a collection may share a name; another owner may reuse it.
    await t.cluster.api.createGroup(t.admin, { owner_uuid: project, name: 'dup', group_class: 'project' });
    await t.cluster.api.createCollection(t.admin, { name: 'dup' });
    // Trash frees the name; untrash needs it back (or a new one).
    await t.cluster.api.trashCollection(t.admin, first.uuid);
    const reuse = await t.cluster.api.createCollection(t.admin, { owner_uuid: project, name: 'dup' });
    assert.equal(await statusOf(t.cluster.api.untrashCollection(t.admin, first.uuid)), 422);
    const back = await t.cluster.api.untrashCollection(t.admin, first.uuid, { ensure_unique_name: true });
    assert.equal(back.name, 'dup (3)');
    assert.equal(back.is_trashed, false);
    assert.notEqual(reuse.uuid, back.uuid);
  });

  test('trash hides, include_trash shows, untrash restores; delete_at = now + TTL', async () => {
    const c = await t.cluster.api.createCollection(t.admin, { name: 'to-trash' });
    const trashed = await t.cluster.api.trashCollection(t.admin, c.uuid);
    assert.equal(trashed.is_trashed, true);
    assert.equal(trashed.trash_at, new Date(t.clock.now).toISOString());
    assert.equal(trashed.delete_at, new Date(t.clock.now + t.cluster.info.blobSigningTtl * 1000).toISOString());
    assert.equal(await statusOf(t.cluster.api.getCollection(t.admin, c.uuid)), 404);
    assert.equal((await t.cluster.api.getCollection(t.admin, c.uuid, { include_trash: true })).is_trashed, true);
    assert.equal((await t.cluster.api.listCollections(t.admin, { filters: [['uuid', '=', c.uuid]] })).items.length, 0);
    assert.equal((await t.cluster.api.listCollections(t.admin, { filters: [['uuid', '=', c.uuid]], include_trash: true })).items.length, 1);
    const restored = await t.cluster.api.untrashCollection(t.admin, c.uuid);
    assert.equal(restored.trash_at, null);
    assert.equal(restored.delete_at, null);
    assert.equal(await statusOf(t.cluster.api.untrashCollection(t.admin, c.uuid)), 422);
    // Trashing a project hides what is inside it.
    const p = await t.cluster.api.createGroup(t.admin, { name: 'trashproj', group_class: 'project' });
    const inside = await t.cluster.api.createCollection(t.admin, { owner_uuid: p.uuid, name: 'in' });
    await t.cluster.api.trashGroup(t.admin, p.uuid);
    assert.equal(await statusOf(t.cluster.api.getCollection(t.admin, inside.uuid)), 404);
    assert.equal(await statusOf(t.cluster.api.getGroup(t.admin, p.uuid)), 404);
    assert.equal((await t.cluster.api.getGroup(t.admin, p.uuid, { include_trash: true })).is_trashed, true);
  });

  test('GET by PDH returns the pseudo-record of a readable collection only', async () => {
    const u = await t.user('pdhuser');
    const c = await t.cluster.api.createCollection(u.token, { manifest_text: await t.manifest(u.token, { 'p.txt': 'pdh content' }) });
    const rec = await t.cluster.api.getCollection(u.token, c.portable_data_hash);
    assert.deepEqual(Object.keys(rec).sort(), ['kind', 'manifest_text', 'portable_data_hash', 'trash_at', 'uuid']);
    assert.equal(rec.uuid, c.portable_data_hash);
    assert.deepEqual(treeOf(rec.manifest_text!), { files: ['p.txt'], emptyDirs: [] });
    const stranger = await t.user('pdhstranger');
    assert.equal(await statusOf(t.cluster.api.getCollection(stranger.token, c.portable_data_hash)), 404);
    // A PDH that only a stale (not yet recomputed) collection has is still found.
    await t.cluster.api.updateCollection(u.token, c.uuid, {}, { replace_files: { '/q.txt': 'current/p.txt' }, select: ['uuid'] });
    const fresh = await t.cluster.api.getCollection(u.token, c.uuid, { select: ['portable_data_hash'] });
    assert.equal((await t.cluster.api.getCollection(u.token, fresh.portable_data_hash)).portable_data_hash, fresh.portable_data_hash);
  });

  test('filters, order, limit, offset and select', async () => {
    const p = (await t.cluster.api.createGroup(t.admin, { name: 'filters', group_class: 'project' })).uuid;
    for (const [i, name] of ['Alpha', 'beta', 'gamma', 'alphabet'].entries()) {
      await t.cluster.api.createCollection(t.admin, { owner_uuid: p, name, properties: { n: i, tag: i % 2 ? 'odd' : 'even', list: ['x', `y${i}`] } });
    }
    const names = async (filters: unknown[], order: string[] = ['name asc']) =>
      (await t.cluster.api.listCollections(t.admin, { filters: [['owner_uuid', '=', p], ...(filters as never[])], order, select: ['name'] })).items.map((c) => c.name);
    assert.deepEqual(await names([]), ['Alpha', 'alphabet', 'beta', 'gamma']);
    assert.deepEqual(await names([['name', 'like', 'alpha%']]), ['alphabet']);
    assert.deepEqual(await names([['name', 'ilike', 'alpha%']]), ['Alpha', 'alphabet']);
    assert.deepEqual(await names([['name', 'in', ['beta', 'gamma']]]), ['beta', 'gamma']);
    assert.deepEqual(await names([['name', 'not in', ['beta', 'gamma']]]), ['Alpha', 'alphabet']);
    assert.deepEqual(await names([['properties.tag', '=', 'odd']]), ['alphabet', 'beta']);
    assert.deepEqual(await names([['properties.n', '>=', 2]]), ['alphabet', 'gamma']);
    assert.deepEqual(await names([['properties.n', '!=', 0]]), ['alphabet', 'beta', 'gamma']);
    assert.deepEqual(await names([['properties', 'exists', 'tag']]), ['Alpha', 'alphabet', 'beta', 'gamma']);
    assert.deepEqual(await names([['properties.missing', 'exists', true]]), []);
    assert.deepEqual(await names([['properties.list', 'contains', 'y2']]), ['gamma']);
    assert.deepEqual(await names([['storage_classes_desired', 'contains', 'default']]), ['Alpha', 'alphabet', 'beta', 'gamma']);
    assert.deepEqual(await names([['uuid', 'is_a', 'arvados#group']]), []);
    assert.deepEqual(await names([['name', '<', 'b']]), ['Alpha', 'alphabet']);
    assert.deepEqual(await names([['created_at', '<', '2000-01-01T00:00:00Z']]), []);
    assert.deepEqual(await names([], ['name desc']), ['gamma', 'beta', 'alphabet', 'Alpha']);
    const page = await t.cluster.api.listCollections(t.admin, { filters: [['owner_uuid', '=', p]], order: ['name'], limit: 2, offset: 1, select: ['name', 'uuid'] });
    assert.deepEqual(page.items.map((c) => c.name), ['alphabet', 'beta']);
    assert.equal(page.items_available, 4);
    assert.deepEqual(Object.keys(page.items[0]!).sort(), ['kind', 'name', 'uuid']);
    assert.equal((await t.cluster.api.listCollections(t.admin, { limit: 5000 })).limit, 1000);
    assert.equal(await statusOf(t.cluster.api.listCollections(t.admin, { select: ['nope'] })), 422);
    assert.equal(await statusOf(t.cluster.api.listCollections(t.admin, { order: ['nope desc'] })), 422);
    assert.equal(await statusOf(t.cluster.api.listCollections(t.admin, { limit: -1 })), 422);
  });

  test('modified_at moves forward with every update, even within one millisecond', async () => {
    const c = await t.cluster.api.createCollection(t.admin, { name: 'ticks' });
    assert.equal(c.modified_at, c.created_at);
    const stamps = await Promise.all(
      Array.from({ length: 5 }, (_, i) => t.cluster.api.updateCollection(t.admin, c.uuid, { description: `d${i}` }, { select: ['modified_at'] })),
    );
    const times = stamps.map((s) => s.modified_at).sort();
    assert.equal(new Set(times).size, 5);
    assert.ok(times[0]! > c.modified_at);
  });
});
