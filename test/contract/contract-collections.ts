// Contract: collections CRUD, lists, PDH pseudo-records, trash/untrash.

import assert from 'node:assert/strict';
import type { Collection } from '../../src/arvados-api/types.js';
import {
  assertCollectionShape, assertList, assertSignedManifest, EMPTY_PDH, expectApiError, newProject, newUser, pdhOf,
  seedCollection, stripSignatures, unique, type ContractSuite,
} from './contract-support.js';

const FOO = '. acbd18db4cc2f85cedef654fccc4a4d8+3 0:3:foo\n';
const FOO_PDH = '1f4b0bc7583c2a7f9102c395f4ffc5e3+45';

export function collectionContract(s: ContractSuite): void {
  s.test('createCollection: an empty collection in a project, in Arvados\' shape', async () => {
    const t = s.target();
    const alice = await newUser(t, 'cnew');
    const p = await newProject(t.api, alice.token);
    const name = unique('c');
    const c = await t.api.createCollection(alice.token, { owner_uuid: p.uuid, name, properties: { k: 'v' }, description: 'd' });
    assertCollectionShape(c);
    assert.equal(c.owner_uuid, p.uuid);
    assert.equal(c.name, name);
    assert.equal(c.description, 'd');
    assert.deepEqual(c.properties, { k: 'v' });
    assert.equal(c.portable_data_hash, EMPTY_PDH);
    assert.equal(c.manifest_text, '');
    assert.equal(c.file_count, 0);
    assert.equal(c.file_size_total, 0);
    assert.equal(c.is_trashed, false);
    assert.equal(c.trash_at, null);
    assert.equal(c.current_version_uuid, c.uuid);
  });

  s.test('createCollection: without owner_uuid it lands in the caller\'s home project', async () => {
    const t = s.target();
    const alice = await newUser(t, 'chome');
    const c = await t.api.createCollection(alice.token, { name: unique('c') });
    assert.equal(c.owner_uuid, alice.user.uuid);
  });

  s.test('createCollection: duplicate name in one project is 422; ensure_unique_name renames', async () => {
    const t = s.target();
    const alice = await newUser(t, 'cdup');
    const p = await newProject(t.api, alice.token);
    const c = await t.api.createCollection(alice.token, { owner_uuid: p.uuid, name: unique('same') });
    await expectApiError(t.api.createCollection(alice.token, { owner_uuid: p.uuid, name: c.name }), 422);
    const copy = await t.api.createCollection(alice.token, { owner_uuid: p.uuid, name: c.name }, { ensure_unique_name: true });
    assert.notEqual(copy.name, c.name);
    assert.ok(copy.name.startsWith(c.name));
    // A subproject may share a collection's name (separate namespaces, ARVADOS.md d.4).
    await t.api.createGroup(alice.token, { owner_uuid: p.uuid, name: c.name, group_class: 'project' });
  });

  s.test('createCollection: a non-admin\'s unsigned locators are refused and nothing is created', async () => {
    const t = s.target();
    const alice = await newUser(t, 'unsigned');
    const p = await newProject(t.api, alice.token);
    await expectApiError(t.api.createCollection(alice.token, { owner_uuid: p.uuid, manifest_text: FOO }), [400, 403, 422]);
    assert.equal((await t.api.groupContents(alice.token, p.uuid)).items.length, 0);
  });

  s.test('getCollection: manifest signed for the caller; signed locators are accepted back', async () => {
    const t = s.target();
    const alice = await newUser(t, 'cget');
    const c = await seedCollection(t, alice.user.uuid, FOO);
    assert.equal(c.portable_data_hash, FOO_PDH);
    const got = await t.api.getCollection(alice.token, c.uuid);
    assertCollectionShape(got);
    assertSignedManifest(got.manifest_text ?? '');
    assert.equal(stripSignatures(got.manifest_text ?? ''), FOO);
    const unsigned = await t.api.getCollection(alice.token, c.uuid, { select: ['unsigned_manifest_text'] });
    assert.equal(unsigned.unsigned_manifest_text, FOO);
    assert.equal(got.file_count, 1);
    assert.equal(got.file_size_total, 3);
    // The caller's own signatures make a valid manifest for a new collection.
    const again = await t.api.createCollection(alice.token, { name: unique('copy'), manifest_text: got.manifest_text });
    assert.equal(again.portable_data_hash, FOO_PDH);
  });

  s.test('getCollection by PDH returns the pseudo-record', async () => {
    const t = s.target();
    const alice = await newUser(t, 'cpdh');
    await seedCollection(t, alice.user.uuid, FOO);
    const rec = await t.api.getCollection(alice.token, FOO_PDH);
    assert.equal(rec.uuid, FOO_PDH);
    assert.equal(rec.portable_data_hash, FOO_PDH);
    assertSignedManifest(rec.manifest_text ?? '');
    const bob = await newUser(t, 'cpdhnone');
    await expectApiError(t.api.getCollection(bob.token, pdhOf('. 37b51d194a7513e45b56f6524f2d51f2+3 0:3:never-stored\n')), 404);
  });

  s.test('getCollection: select limits attributes; unknown uuid is 404; stranger is 404', async () => {
    const t = s.target();
    const alice = await newUser(t, 'csel');
    const bob = await newUser(t, 'cstr');
    const c = await seedCollection(t, alice.user.uuid, FOO);
    const partial = await t.api.getCollection(alice.token, c.uuid, { select: ['uuid', 'portable_data_hash'] });
    assert.equal(partial.portable_data_hash, FOO_PDH);
    assert.equal(partial.manifest_text, undefined);
    assert.equal((partial as Partial<Collection>).name, undefined);
    await expectApiError(t.api.getCollection(alice.token, 'zzzzz-4zz18-000000000000000'), 404);
    await expectApiError(t.api.getCollection(bob.token, c.uuid), 404);
  });

  s.test('listCollections: list shape, no manifest_text unless selected, filters, paging', async () => {
    const t = s.target();
    const alice = await newUser(t, 'clist');
    const p = await newProject(t.api, alice.token);
    const tag = unique('l');
    for (const [i, v] of ['x', 'y', 'z'].entries()) {
      await t.api.createCollection(alice.token, { owner_uuid: p.uuid, name: `${tag}-${i}`, properties: { v } });
    }
    const filters: Array<[string, '=', string]> = [['owner_uuid', '=', p.uuid]];
    const list = await t.api.listCollections(alice.token, { filters, order: ['name'] });
    assertList(list, 'arvados#collectionList');
    assert.equal(list.items_available, 3);
    assert.deepEqual(list.items.map((c) => c.name), [`${tag}-0`, `${tag}-1`, `${tag}-2`]);
    for (const c of list.items) {
      assertCollectionShape(c);
      assert.equal(c.manifest_text, undefined);
    }
    const byProp = await t.api.listCollections(alice.token, { filters: [...filters, ['properties.v', '=', 'y']] });
    assert.deepEqual(byProp.items.map((c) => c.name), [`${tag}-1`]);
    const inList = await t.api.listCollections(alice.token, { filters: [['name', 'in', [`${tag}-0`, `${tag}-2`]]], order: ['name desc'] });
    assert.deepEqual(inList.items.map((c) => c.name), [`${tag}-2`, `${tag}-0`]);
    const page = await t.api.listCollections(alice.token, { filters, order: ['name'], limit: 2, offset: 2, count: 'none' });
    assert.deepEqual(page.items.map((c) => c.name), [`${tag}-2`]);
    assert.equal(page.items_available, undefined);
    const withText = await t.api.listCollections(alice.token, { filters, select: ['uuid', 'manifest_text'], limit: 1 });
    assert.equal(withText.items[0]!.manifest_text, '');
  });

  s.test('updateCollection: name, description, properties (an object replaces the whole object)', async () => {
    const t = s.target();
    const alice = await newUser(t, 'cupd');
    const c = await t.api.createCollection(alice.token, { name: unique('u'), properties: { a: 1, b: 2 } });
    const name = unique('renamed');
    const u = await t.api.updateCollection(alice.token, c.uuid, { name, description: 'now', properties: { c: 3 } });
    assert.equal(u.name, name);
    assert.equal(u.description, 'now');
    assert.deepEqual(u.properties, { c: 3 });
    assert.ok(Date.parse(u.modified_at) >= Date.parse(c.modified_at));
    const got = await t.api.getCollection(alice.token, c.uuid);
    assert.deepEqual(got.properties, { c: 3 });
    await expectApiError(t.api.updateCollection(alice.token, 'zzzzz-4zz18-000000000000000', { name: 'x' }), 404);
  });

  s.test('trash and untrash; a name taken meanwhile needs ensure_unique_name', async () => {
    const t = s.target();
    const alice = await newUser(t, 'ctrash');
    const p = await newProject(t.api, alice.token);
    const c = await t.api.createCollection(alice.token, { owner_uuid: p.uuid, name: unique('t') });
    const trashed = await t.api.trashCollection(alice.token, c.uuid);
    assert.equal(trashed.is_trashed, true);
    assert.ok(trashed.trash_at !== null && trashed.delete_at !== null);
    assert.ok(Date.parse(trashed.delete_at!) > Date.parse(trashed.trash_at!));
    await expectApiError(t.api.getCollection(alice.token, c.uuid), 404);
    assert.equal((await t.api.getCollection(alice.token, c.uuid, { include_trash: true })).is_trashed, true);
    const filters: Array<[string, '=', string]> = [['uuid', '=', c.uuid]];
    assert.equal((await t.api.listCollections(alice.token, { filters })).items.length, 0);
    assert.equal((await t.api.listCollections(alice.token, { filters, include_trash: true })).items.length, 1);

    await t.api.createCollection(alice.token, { owner_uuid: p.uuid, name: c.name });
    await expectApiError(t.api.untrashCollection(alice.token, c.uuid), 422);
    const back = await t.api.untrashCollection(alice.token, c.uuid, { ensure_unique_name: true });
    assert.equal(back.is_trashed, false);
    assert.equal(back.trash_at, null);
    assert.notEqual(back.name, c.name);
    assert.equal((await t.api.getCollection(alice.token, c.uuid)).uuid, c.uuid);
  });
}
