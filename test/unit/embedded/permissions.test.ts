// The permission matrix: owner, shared read-only (link), shared writable (link), stranger and
// admin, for get / list / update / trash of collections and projects, plus grants flowing
// down subprojects, role membership capping a grant, and link management.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openTestCluster, statusOf, type TestCluster } from './helpers.js';

type Actor = 'owner' | 'reader' | 'writer' | 'stranger' | 'admin';
const ACTORS: Actor[] = ['owner', 'reader', 'writer', 'stranger', 'admin'];
/** Expected status per actor: 200 = allowed. */
const READ: Record<Actor, number> = { owner: 200, reader: 200, writer: 200, stranger: 404, admin: 200 };
const WRITE: Record<Actor, number> = { owner: 200, reader: 403, writer: 200, stranger: 404, admin: 200 };

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch {
    return statusOf(p);
  }
}

describe('permission matrix', () => {
  let t: TestCluster;
  const tok = {} as Record<Actor, string>;
  const uuid = {} as Record<Actor, string>;
  let project: string;
  let sub: string;

  before(async () => {
    t = await openTestCluster();
    for (const a of ACTORS) {
      if (a === 'admin') {
        tok.admin = t.admin;
        uuid.admin = t.cluster.bootstrap.adminUserUuid;
      } else {
        const u = await t.user(a);
        tok[a] = u.token;
        uuid[a] = u.uuid;
      }
    }
    project = (await t.cluster.api.createGroup(tok.owner, { name: 'shared', group_class: 'project' })).uuid;
    sub = (await t.cluster.api.createGroup(tok.owner, { name: 'sub', group_class: 'project', owner_uuid: project })).uuid;
    await t.cluster.api.createLink(tok.owner, { link_class: 'permission', name: 'can_read', tail_uuid: uuid.reader, head_uuid: project });
    await t.cluster.api.createLink(tok.owner, { link_class: 'permission', name: 'can_write', tail_uuid: uuid.writer, head_uuid: project });
  });
  after(() => t.close());

  const newCollection = async (owner = project) =>
    (await t.cluster.api.createCollection(tok.owner, { owner_uuid: owner, manifest_text: await t.manifest(tok.owner, { 'f.txt': 'data' }) }, { ensure_unique_name: true })).uuid;

  for (const actor of ACTORS) {
    test(`${actor}: collections get / list / update / trash`, async () => {
      const c = await newCollection();
      const deep = await newCollection(sub);
      assert.equal(await status(t.cluster.api.getCollection(tok[actor], c)), READ[actor], 'get');
      assert.equal(await status(t.cluster.api.getCollection(tok[actor], deep)), READ[actor], 'get in subproject');
      const listed = (await t.cluster.api.listCollections(tok[actor], { filters: [['uuid', 'in', [c, deep]]] })).items.map((i) => i.uuid);
      assert.deepEqual(listed.sort(), READ[actor] === 200 ? [c, deep].sort() : [], 'list');
      assert.equal(await status(t.cluster.api.updateCollection(tok[actor], c, { description: `by ${actor}` })), WRITE[actor], 'update');
      assert.equal(await status(t.cluster.api.trashCollection(tok[actor], deep)), WRITE[actor], 'trash');
      assert.equal(await status(t.cluster.api.createCollection(tok[actor], { owner_uuid: project, name: `new by ${actor}` })), WRITE[actor] === 200 ? 200 : actor === 'stranger' ? 422 : 403, 'create inside');
    });

    test(`${actor}: projects get / list / contents / update / trash`, async () => {
      const p = (await t.cluster.api.createGroup(tok.owner, { name: `p-${actor}`, group_class: 'project', owner_uuid: project })).uuid;
      assert.equal(await status(t.cluster.api.getGroup(tok[actor], p)), READ[actor], 'get');
      if (READ[actor] === 200) {
        const g = await t.cluster.api.getGroup(tok[actor], p);
        assert.equal(g.can_write, WRITE[actor] === 200);
        assert.equal(g.can_manage, actor === 'owner' || actor === 'admin');
      }
      const listed = (await t.cluster.api.listGroups(tok[actor], { filters: [['uuid', '=', p]] })).items;
      assert.equal(listed.length, READ[actor] === 200 ? 1 : 0, 'list');
      if (listed[0]) assert.equal(listed[0].can_write, WRITE[actor] === 200);
      assert.equal(await status(t.cluster.api.groupContents(tok[actor], project)), READ[actor], 'contents');
      assert.equal(await status(t.cluster.api.updateGroup(tok[actor], p, { description: 'x' })), WRITE[actor], 'update');
      assert.equal(await status(t.cluster.api.trashGroup(tok[actor], p)), WRITE[actor], 'trash');
    });
  }

  test('signed manifests let a reader fetch the blocks with their own token', async () => {
    const c = await newCollection();
    const got = await t.cluster.api.getCollection(tok.reader, c);
    const locator = got.manifest_text!.split(' ')[1]!;
    assert.equal((await t.cluster.blocks.get(locator, { token: tok.reader })).toString(), 'data');
    await assert.rejects(t.cluster.blocks.get(locator, { token: tok.stranger }));
  });

  test('only can_manage may share; deleting the link revokes access', async () => {
    const c = await newCollection();
    const link = { link_class: 'permission', name: 'can_read', tail_uuid: uuid.stranger, head_uuid: c };
    assert.equal(await statusOf(t.cluster.api.createLink(tok.writer, link)), 403);
    assert.equal(await statusOf(t.cluster.api.createLink(tok.stranger, link)), 404);
    assert.equal(await statusOf(t.cluster.api.createLink(tok.owner, { ...link, name: 'can_fly' })), 422);
    const made = await t.cluster.api.createLink(tok.owner, link);
    assert.match(made.uuid, /-o0j2j-/);
    assert.equal((await t.cluster.api.getCollection(tok.stranger, c)).uuid, c);
    assert.equal(await statusOf(t.cluster.api.updateCollection(tok.stranger, c, { name: 'mine' })), 403);
    assert.equal(await statusOf(t.cluster.api.deleteLink(tok.stranger, made.uuid)), 403);
    await t.cluster.api.deleteLink(tok.owner, made.uuid);
    assert.equal(await statusOf(t.cluster.api.getCollection(tok.stranger, c)), 404);
  });

  test('a grant through a role is capped by the membership level', async () => {
    const m = await t.user('member');
    const role = (await t.cluster.api.createGroup(t.admin, { name: 'team', group_class: 'role' })).uuid;
    await t.cluster.api.createLink(t.admin, { link_class: 'permission', name: 'can_read', tail_uuid: m.uuid, head_uuid: role });
    await t.cluster.api.createLink(tok.owner, { link_class: 'permission', name: 'can_write', tail_uuid: role, head_uuid: project });
    const c = await newCollection();
    assert.equal((await t.cluster.api.getCollection(m.token, c)).uuid, c);
    assert.equal(await statusOf(t.cluster.api.updateCollection(m.token, c, { name: 'role-write' })), 403);
    assert.ok((await t.cluster.api.listCollections(m.token, { filters: [['uuid', '=', c]] })).items.length === 1);
  });

  test('home projects: a user owns what they create by default, others do not see it', async () => {
    const own = await t.cluster.api.createCollection(tok.stranger, { name: 'private' });
    assert.equal(own.owner_uuid, uuid.stranger);
    assert.equal((await t.cluster.api.groupContents(tok.stranger, uuid.stranger)).items.map((i) => i.uuid).includes(own.uuid), true);
    assert.equal(await statusOf(t.cluster.api.getCollection(tok.reader, own.uuid)), 404);
    assert.equal(await statusOf(t.cluster.api.groupContents(tok.reader, uuid.stranger)), 404);
    assert.equal(await statusOf(t.cluster.api.createCollection(tok.reader, { owner_uuid: uuid.stranger, name: 'intrude' })), 422);
  });
});
