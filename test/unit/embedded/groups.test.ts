// Projects: names, moves, updates, and groups/<uuid>/contents (groups before collections,
// paging across both, recursion, qualified filters and select, home projects).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestCluster, statusOf, type TestCluster } from './helpers.js';

describe('groups', () => {
  let t: TestCluster;
  before(async () => (t = await openTestCluster()));
  after(() => t.close());

  const project = async (name: string, owner?: string) =>
    (await t.cluster.api.createGroup(t.admin, { name, group_class: 'project', ...(owner ? { owner_uuid: owner } : {}) })).uuid;

  test('project names are unique among live projects of one owner', async () => {
    const root = await project('names-root');
    await project('p', root);
    assert.equal(await statusOf(t.cluster.api.createGroup(t.admin, { name: 'p', group_class: 'project', owner_uuid: root })), 422);
    const renamed = await t.cluster.api.createGroup(t.admin, { name: 'p', group_class: 'project', owner_uuid: root }, { ensure_unique_name: true });
    assert.equal(renamed.name, 'p (1)');
    assert.equal(await statusOf(t.cluster.api.updateGroup(t.admin, renamed.uuid, { name: 'p' })), 422);
    // Roles are not bound by it; blank names and bad classes are refused.
    await t.cluster.api.createGroup(t.admin, { name: 'r', group_class: 'role', owner_uuid: root });
    await t.cluster.api.createGroup(t.admin, { name: 'r', group_class: 'role', owner_uuid: root });
    assert.equal(await statusOf(t.cluster.api.createGroup(t.admin, { name: '', group_class: 'project' })), 422);
    assert.equal(await statusOf(t.cluster.api.createGroup(t.admin, { name: 'x', group_class: 'folder' as never })), 422);
    assert.equal(await statusOf(t.cluster.api.updateGroup(t.admin, renamed.uuid, { group_class: 'role' })), 422);
  });

  test('updates and moves; a project cannot move into itself', async () => {
    const a = await project('move-a');
    const b = await project('move-b', a);
    const c = await project('move-c', b);
    const u = await t.cluster.api.updateGroup(t.admin, b, { description: 'd', properties: { k: 'v' } });
    assert.equal(u.description, 'd');
    assert.deepEqual(u.properties, { k: 'v' });
    assert.equal(await statusOf(t.cluster.api.updateGroup(t.admin, a, { owner_uuid: c })), 422);
    assert.equal(await statusOf(t.cluster.api.updateGroup(t.admin, a, { owner_uuid: a })), 422);
    const moved = await t.cluster.api.updateGroup(t.admin, c, { owner_uuid: a });
    assert.equal(moved.owner_uuid, a);
  });

  test('contents: groups first, then collections; paging runs across both', async () => {
    const p = await project('contents');
    const groups = [];
    for (const n of ['g1', 'g2', 'g3']) groups.push(await project(n, p));
    const cols = [];
    for (const n of ['c1', 'c2', 'c3', 'c4']) cols.push((await t.cluster.api.createCollection(t.admin, { owner_uuid: p, name: n })).uuid);
    const all = await t.cluster.api.groupContents(t.admin, p, { order: ['name asc'] });
    assert.equal(all.kind, 'arvados#objectList');
    assert.deepEqual(all.items.map((i) => i.name), ['g1', 'g2', 'g3', 'c1', 'c2', 'c3', 'c4']);
    assert.equal(all.items_available, 7);
    const pages = [];
    for (let offset = 0; offset < 7; offset += 2) {
      const page = await t.cluster.api.groupContents(t.admin, p, { order: ['name asc'], limit: 2, offset });
      assert.equal(page.items_available, 7);
      pages.push(...page.items.map((i) => i.name));
    }
    assert.deepEqual(pages, ['g1', 'g2', 'g3', 'c1', 'c2', 'c3', 'c4']);
    const onlyCollections = await t.cluster.api.groupContents(t.admin, p, { filters: [['uuid', 'is_a', 'arvados#collection']] });
    assert.deepEqual(onlyCollections.items.map((i) => i.uuid).sort(), [...cols].sort());
    const qualified = await t.cluster.api.groupContents(t.admin, p, { filters: [['collections.name', 'in', ['c2', 'c3']]], order: ['name'] });
    assert.deepEqual(qualified.items.map((i) => i.name), ['g1', 'g2', 'g3', 'c2', 'c3']);
    // An unqualified attribute only collections have leaves the groups out.
    const byPdh = await t.cluster.api.groupContents(t.admin, p, { filters: [['portable_data_hash', '=', 'd41d8cd98f00b204e9800998ecf8427e+0']] });
    assert.equal(byPdh.items.length, 4);
    const selected = await t.cluster.api.groupContents(t.admin, p, { select: ['uuid', 'collections.file_count'], limit: 4, order: ['name'] });
    assert.deepEqual(Object.keys(selected.items[0]!).sort(), ['kind', 'uuid']);
    assert.deepEqual(Object.keys(selected.items[3]!).sort(), ['file_count', 'kind', 'uuid']);
    assert.equal(await statusOf(t.cluster.api.groupContents(t.admin, p, { select: ['manifest_text'] })), 422);
    assert.equal((await t.cluster.api.groupContents(t.admin, p, { count: 'none' })).items_available, undefined);
  });

  test('contents: recursive, trashed items hidden unless include_trash, user uuid = home project', async () => {
    const p = await project('rec');
    const sub = await project('sub', p);
    const deep = (await t.cluster.api.createCollection(t.admin, { owner_uuid: sub, name: 'deep' })).uuid;
    const top = (await t.cluster.api.createCollection(t.admin, { owner_uuid: p, name: 'top' })).uuid;
    assert.deepEqual((await t.cluster.api.groupContents(t.admin, p)).items.map((i) => i.uuid).sort(), [sub, top].sort());
    assert.deepEqual((await t.cluster.api.groupContents(t.admin, p, { recursive: true })).items.map((i) => i.uuid).sort(), [sub, deep, top].sort());
    await t.cluster.api.trashCollection(t.admin, top);
    assert.deepEqual((await t.cluster.api.groupContents(t.admin, p)).items.map((i) => i.uuid), [sub]);
    assert.equal((await t.cluster.api.groupContents(t.admin, p, { include_trash: true })).items.length, 2);
    const user = await t.user('homeowner');
    const mine = await t.cluster.api.createCollection(user.token, { name: 'at home' });
    const home = await t.cluster.api.groupContents(user.token, user.uuid);
    assert.deepEqual(home.items.map((i) => i.uuid), [mine.uuid]);
    assert.equal(await statusOf(t.cluster.api.groupContents(t.admin, `${t.cluster.info.clusterId}-j7d0g-000000000000000`)), 404);
  });

  test('listing groups with filters', async () => {
    const p = await project('listme');
    await t.cluster.api.createGroup(t.admin, { name: 'role-x', group_class: 'role' });
    const projects = await t.cluster.api.listGroups(t.admin, { filters: [['group_class', '=', 'project'], ['name', '=', 'listme']] });
    assert.deepEqual(projects.items.map((g) => g.uuid), [p]);
    assert.equal(projects.kind, 'arvados#groupList');
    const roles = await t.cluster.api.listGroups(t.admin, { filters: [['group_class', '=', 'role']], select: ['name'] });
    assert.ok(roles.items.every((g) => Object.keys(g).sort().join() === 'kind,name'));
  });
});
