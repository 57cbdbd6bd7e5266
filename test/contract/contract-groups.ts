// Contract: groups (projects) and groups/contents.

import assert from 'node:assert/strict';
import type { Collection, Group } from '../../src/arvados-api/types.js';
import {
  assertGroupShape, assertList, EMPTY_PDH, expectApiError, newProject, newUser, seedCollection, unique, type ContractSuite,
} from './contract-support.js';

export function groupContract(s: ContractSuite): void {
  s.test('createGroup makes a project in the caller\'s home project', async () => {
    const t = s.target();
    const alice = await newUser(t, 'proj');
    const name = unique('p');
    const g = await t.api.createGroup(alice.token, { name, group_class: 'project', properties: { a: 1 } });
    assertGroupShape(g);
    assert.equal(g.name, name);
    assert.equal(g.owner_uuid, alice.user.uuid);
    assert.equal(g.group_class, 'project');
    assert.deepEqual(g.properties, { a: 1 });
    assert.equal(g.is_trashed, false);
    assert.equal(g.trash_at, null);
  });

  s.test('createGroup: duplicate name in one owner is 422; ensure_unique_name renames', async () => {
    const t = s.target();
    const alice = await newUser(t, 'dupg');
    const g = await newProject(t.api, alice.token);
    await expectApiError(t.api.createGroup(alice.token, { name: g.name, group_class: 'project' }), 422);
    const renamed = await t.api.createGroup(alice.token, { name: g.name, group_class: 'project' }, { ensure_unique_name: true });
    assert.notEqual(renamed.name, g.name);
    assert.ok(renamed.name.startsWith(g.name), renamed.name);
  });

  s.test('getGroup: owner reads it, a stranger gets 404, select limits the attributes', async () => {
    const t = s.target();
    const alice = await newUser(t, 'gown');
    const bob = await newUser(t, 'gstr');
    const g = await newProject(t.api, alice.token);
    assert.equal((await t.api.getGroup(alice.token, g.uuid)).uuid, g.uuid);
    await expectApiError(t.api.getGroup(bob.token, g.uuid), 404);
    await expectApiError(t.api.getGroup(alice.token, 'zzzzz-j7d0g-000000000000000'), 404);
    const partial = await t.api.getGroup(alice.token, g.uuid, { select: ['uuid', 'name'] });
    assert.equal(partial.name, g.name);
    assert.equal((partial as Partial<Group>).properties, undefined);
  });

  s.test('updateGroup changes name and replaces properties', async () => {
    const t = s.target();
    const alice = await newUser(t, 'gupd');
    const g = await newProject(t.api, alice.token, { properties: { old: 'x' } });
    const name = unique('renamed');
    const u = await t.api.updateGroup(alice.token, g.uuid, { name, properties: { new: 'y' } });
    assert.equal(u.name, name);
    assert.deepEqual(u.properties, { new: 'y' });
    assert.ok(Date.parse(u.modified_at) >= Date.parse(g.modified_at));
    assert.equal((await t.api.getGroup(alice.token, g.uuid)).name, name);
  });

  s.test('listGroups: list shape, filters, order, limit/offset, count', async () => {
    const t = s.target();
    const alice = await newUser(t, 'glist');
    const tag = unique('tag');
    for (const n of ['c', 'a', 'b']) await t.api.createGroup(alice.token, { name: `${tag}-${n}`, group_class: 'project' });
    const filters: Array<[string, 'like', string]> = [['name', 'like', `${tag}-%`]];
    const all = await t.api.listGroups(alice.token, { filters, order: ['name asc'] });
    assertList(all, 'arvados#groupList');
    assert.deepEqual(all.items.map((g) => g.name), [`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    assert.equal(all.items_available, 3);
    all.items.forEach(assertGroupShape);
    const page = await t.api.listGroups(alice.token, { filters, order: ['name desc'], limit: 1, offset: 1 });
    assert.deepEqual(page.items.map((g) => g.name), [`${tag}-b`]);
    assert.equal(page.limit, 1);
    assert.equal(page.offset, 1);
    const uncounted = await t.api.listGroups(alice.token, { filters, count: 'none' });
    assert.equal(uncounted.items_available, undefined);
    const other = await newUser(t, 'gother');
    assert.equal((await t.api.listGroups(other.token, { filters })).items.length, 0);
  });

  s.test('groupContents: subprojects then collections, filters and recursion', async () => {
    const t = s.target();
    const alice = await newUser(t, 'contents');
    const p = await newProject(t.api, alice.token);
    const sub = await newProject(t.api, alice.token, { owner_uuid: p.uuid });
    const c = await t.api.createCollection(alice.token, { owner_uuid: p.uuid, name: unique('c') });
    const deep = await t.api.createCollection(alice.token, { owner_uuid: sub.uuid, name: unique('deep') });

    const list = await t.api.groupContents(alice.token, p.uuid);
    assert.equal(list.kind, 'arvados#objectList');
    assert.deepEqual(list.items.map((i) => i.uuid), [sub.uuid, c.uuid]);
    assert.equal(list.items_available, 2);
    assert.equal(list.items[0]!.kind, 'arvados#group');
    const item = list.items[1] as Collection;
    assert.equal(item.kind, 'arvados#collection');
    assert.equal(item.portable_data_hash, EMPTY_PDH);
    assert.equal(item.manifest_text, undefined);

    const onlyCollections = await t.api.groupContents(alice.token, p.uuid, { filters: [['uuid', 'is_a', 'arvados#collection']] });
    assert.deepEqual(onlyCollections.items.map((i) => i.uuid), [c.uuid]);
    const recursive = await t.api.groupContents(alice.token, p.uuid, { recursive: true });
    assert.deepEqual(new Set(recursive.items.map((i) => i.uuid)), new Set([sub.uuid, c.uuid, deep.uuid]));
    const named = await t.api.groupContents(alice.token, p.uuid, {
      filters: [['uuid', 'is_a', 'arvados#collection'], ['collections.name', '=', c.name]],
    });
    assert.deepEqual(named.items.map((i) => i.uuid), [c.uuid]);
  });

  s.test('groupContents of a user uuid lists their home project', async () => {
    const t = s.target();
    const alice = await newUser(t, 'home');
    const p = await newProject(t.api, alice.token);
    const c = await seedCollection(t, alice.user.uuid, '');
    const list = await t.api.groupContents(alice.token, alice.user.uuid);
    assert.deepEqual(new Set(list.items.map((i) => i.uuid)), new Set([p.uuid, c.uuid]));
    const bob = await newUser(t, 'nothome');
    await expectApiError(t.api.groupContents(bob.token, p.uuid), 404);
  });

  s.test('trashGroup hides the project and what it holds; include_trash still finds it', async () => {
    const t = s.target();
    const alice = await newUser(t, 'gtrash');
    const p = await newProject(t.api, alice.token);
    const c = await t.api.createCollection(alice.token, { owner_uuid: p.uuid, name: unique('inside') });
    const trashed = await t.api.trashGroup(alice.token, p.uuid);
    assert.equal(trashed.is_trashed, true);
    assert.ok(trashed.trash_at !== null);
    await expectApiError(t.api.getGroup(alice.token, p.uuid), 404);
    assert.equal((await t.api.getGroup(alice.token, p.uuid, { include_trash: true })).is_trashed, true);
    await expectApiError(t.api.getCollection(alice.token, c.uuid), 404);
    const listed = await t.api.listGroups(alice.token, { filters: [['uuid', '=', p.uuid]] });
    assert.equal(listed.items.length, 0);
  });

  s.test('bad list parameters are 4xx errors', async () => {
    const t = s.target();
    await expectApiError(t.api.listGroups(t.adminToken, { filters: [['no_such_attr', '=', 'x']] }), [400, 422]);
    await expectApiError(t.api.listGroups(t.adminToken, { filters: [['name', 'in', 'not-an-array']] }), [400, 422]);
  });
}
