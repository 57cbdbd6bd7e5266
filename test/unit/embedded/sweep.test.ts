// The trash sweep and block garbage collection, on a settable clock.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openTestCluster, statusOf, type TestCluster } from './helpers.js';

const TTL = 3600;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

describe('trash sweep', () => {
  let t: TestCluster;
  before(async () => (t = await openTestCluster({ blobSigningTtlSeconds: TTL })));
  after(() => t.close());

  const count = (sql: string, ...args: unknown[]) => (t.cluster.db.prepare(sql).pluck().get(...args) as number);

  test('trashed collections are deleted once delete_at has passed, with their file rows', async () => {
    const c = await t.cluster.api.createCollection(t.admin, { name: 'doomed', manifest_text: `. ${md5('x')}+1 0:1:x\n` });
    const trashed = await t.cluster.api.trashCollection(t.admin, c.uuid);
    assert.equal(Date.parse(trashed.delete_at!), t.clock.now + TTL * 1000);
    assert.deepEqual(await t.cluster.sweepTrash(t.clock.now + TTL * 1000 - 1), { collectionsDeleted: 0, groupsDeleted: 0 });
    assert.equal((await t.cluster.api.getCollection(t.admin, c.uuid, { include_trash: true })).is_trashed, true);
    assert.deepEqual(await t.cluster.sweepTrash(t.clock.now + TTL * 1000), { collectionsDeleted: 1, groupsDeleted: 0 });
    assert.equal(await statusOf(t.cluster.api.getCollection(t.admin, c.uuid, { include_trash: true })), 404);
    assert.equal(count('SELECT count(*) FROM collection_files WHERE collection_uuid = ?', c.uuid), 0);
  });

  test('a future trash_at takes effect when the sweep passes it', async () => {
    const c = await t.cluster.api.createCollection(t.admin, { name: 'later' });
    const at = new Date(t.clock.now + 60_000).toISOString();
    const u = await t.cluster.api.updateCollection(t.admin, c.uuid, { trash_at: at });
    assert.equal(u.is_trashed, false);
    assert.equal(u.delete_at, new Date(Date.parse(at) + TTL * 1000).toISOString());
    await t.cluster.sweepTrash(t.clock.now + 60_000);
    assert.equal(await statusOf(t.cluster.api.getCollection(t.admin, c.uuid)), 404);
    assert.equal((await t.cluster.api.getCollection(t.admin, c.uuid, { include_trash: true })).is_trashed, true);
    // Untrash by clearing trash_at.
    const back = await t.cluster.api.updateCollection(t.admin, c.uuid, { trash_at: null });
    assert.equal(back.is_trashed, false);
  });

  test('a deleted project takes its subprojects, collections and permission links with it', async () => {
    const u = await t.user('sweeper');
    const p = (await t.cluster.api.createGroup(t.admin, { name: 'gone', group_class: 'project' })).uuid;
    const sub = (await t.cluster.api.createGroup(t.admin, { name: 'sub', group_class: 'project', owner_uuid: p })).uuid;
    const c1 = (await t.cluster.api.createCollection(t.admin, { owner_uuid: p, name: 'c1' })).uuid;
    const c2 = (await t.cluster.api.createCollection(t.admin, { owner_uuid: sub, name: 'c2' })).uuid;
    const keep = (await t.cluster.api.createCollection(t.admin, { name: 'unrelated' })).uuid;
    await t.cluster.api.createLink(t.admin, { link_class: 'permission', name: 'can_read', tail_uuid: u.uuid, head_uuid: sub });
    await t.cluster.api.trashGroup(t.admin, p);
    const res = await t.cluster.sweepTrash(t.clock.now + TTL * 1000);
    assert.deepEqual(res, { collectionsDeleted: 2, groupsDeleted: 2 });
    for (const uuid of [c1, c2]) assert.equal(await statusOf(t.cluster.api.getCollection(t.admin, uuid, { include_trash: true })), 404);
    assert.equal(await statusOf(t.cluster.api.getGroup(t.admin, sub, { include_trash: true })), 404);
    assert.equal(count('SELECT count(*) FROM links WHERE head_uuid = ?', sub), 0);
    assert.equal((await t.cluster.api.getCollection(t.admin, keep)).uuid, keep);
  });
});

describe('block garbage collection', () => {
  let t: TestCluster;
  before(async () => (t = await openTestCluster({ blobSigningTtlSeconds: TTL })));
  after(() => t.close());

  const exists = async (locator: string) => t.cluster.localBlocks.head(locator).then(() => true, () => false);

  test('an old unreferenced block goes; a young one and a referenced one stay', async () => {
    const user = await t.user('gc');
    const old = await t.block(user.token, 'old and unreferenced');
    const referenced = await t.block(user.token, 'old but referenced');
    const inTrash = await t.block(user.token, 'old, referenced by a trashed collection');
    await t.cluster.api.createCollection(user.token, { manifest_text: `. ${referenced} 0:18:r\n` });
    const trashed = await t.cluster.api.createCollection(user.token, { manifest_text: `. ${inTrash} 0:39:t\n` });
    await t.cluster.api.trashCollection(user.token, trashed.uuid);
    t.clock.now += TTL * 1000 + 1;
    const young = await t.block(user.token, 'young, a writer may be about to use it');
    const res = await t.cluster.collectGarbage(t.clock.now);
    assert.deepEqual(res, { deleted: 1, kept: 3 });
    assert.equal(await exists(old), false);
    assert.equal(await exists(referenced), true);
    assert.equal(await exists(inTrash), true);
    assert.equal(await exists(young), true);
    // Once the trashed collection is swept, its block is garbage too.
    await t.cluster.sweepTrash(t.clock.now + TTL * 1000);
    t.clock.now += TTL * 1000;
    await t.cluster.collectGarbage(t.clock.now + TTL * 1000);
    assert.equal(await exists(inTrash), false);
    assert.equal(await exists(referenced), true);
  });

  test('re-writing an old block makes it young again', async () => {
    const user = await t.user('gc2');
    const loc = await t.block(user.token, 'rewritten');
    t.clock.now += TTL * 1000 + 1;
    await t.block(user.token, 'rewritten');
    assert.equal((await t.cluster.collectGarbage(t.clock.now)).deleted, 0);
    assert.equal(await exists(loc), true);
  });
});
