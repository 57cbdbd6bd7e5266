// Contract: permission links and the permission matrix (owner, shared read-only, shared
// writable, stranger, admin) on a project and the collection inside it.

import assert from 'node:assert/strict';
import {
  expectApiError, newProject, newUser, seedCollection, unique, UUID_RE, type ContractSuite, type TestUser,
} from './contract-support.js';

const FOO = '. acbd18db4cc2f85cedef654fccc4a4d8+3 0:3:foo\n';

export function permissionContract(s: ContractSuite): void {
  s.test('createLink / deleteLink: Arvados link records; sharing grants and revoking removes access', async () => {
    const t = s.target();
    const owner = await newUser(t, 'lown');
    const friend = await newUser(t, 'lfriend');
    const p = await newProject(t.api, owner.token);
    await expectApiError(t.api.getGroup(friend.token, p.uuid), 404);
    const link = await t.api.createLink(owner.token, { link_class: 'permission', name: 'can_read', tail_uuid: friend.user.uuid, head_uuid: p.uuid });
    assert.equal(link.kind, 'arvados#link');
    assert.match(link.uuid, UUID_RE('o0j2j'));
    assert.equal(link.link_class, 'permission');
    assert.equal(link.name, 'can_read');
    assert.equal(link.tail_uuid, friend.user.uuid);
    assert.equal(link.head_uuid, p.uuid);
    assert.equal(typeof link.properties, 'object');
    assert.equal((await t.api.getGroup(friend.token, p.uuid)).uuid, p.uuid);
    const deleted = await t.api.deleteLink(owner.token, link.uuid);
    assert.equal(deleted.uuid, link.uuid);
    await expectApiError(t.api.getGroup(friend.token, p.uuid), 404);
    await expectApiError(t.api.deleteLink(owner.token, link.uuid), 404);
  });

  s.test('createLink: unknown permission names are 422; sharing needs can_manage', async () => {
    const t = s.target();
    const owner = await newUser(t, 'lbad');
    const reader = await newUser(t, 'lreader');
    const third = await newUser(t, 'lthird');
    const p = await newProject(t.api, owner.token);
    await expectApiError(t.api.createLink(owner.token, { link_class: 'permission', name: 'can_fly', tail_uuid: reader.user.uuid, head_uuid: p.uuid }), 422);
    await t.api.createLink(owner.token, { link_class: 'permission', name: 'can_read', tail_uuid: reader.user.uuid, head_uuid: p.uuid });
    await expectApiError(
      t.api.createLink(reader.token, { link_class: 'permission', name: 'can_read', tail_uuid: third.user.uuid, head_uuid: p.uuid }),
      [403, 404, 422],
    );
    await expectApiError(t.api.getGroup(third.token, p.uuid), 404);
  });

  s.test('permission matrix: owner, shared read-only, shared writable, stranger, admin', async () => {
    const t = s.target();
    const owner = await newUser(t, 'mown');
    const reader = await newUser(t, 'mread');
    const writer = await newUser(t, 'mwrite');
    const stranger = await newUser(t, 'mstr');
    const p = await newProject(t.api, owner.token);
    const c = await seedCollection(t, p.uuid, FOO);
    const share = (who: TestUser, name: string) =>
      t.api.createLink(owner.token, { link_class: 'permission', name, tail_uuid: who.user.uuid, head_uuid: p.uuid });
    await share(reader, 'can_read');
    await share(writer, 'can_write');
    const admin = { token: t.adminToken };

    for (const who of [owner, reader, writer, admin]) {
      assert.equal((await t.api.getCollection(who.token, c.uuid)).uuid, c.uuid);
      const contents = await t.api.groupContents(who.token, p.uuid);
      assert.deepEqual(contents.items.map((i) => i.uuid), [c.uuid]);
    }
    await expectApiError(t.api.getCollection(stranger.token, c.uuid), 404);
    await expectApiError(t.api.groupContents(stranger.token, p.uuid), 404);
    assert.equal((await t.api.listCollections(stranger.token, { filters: [['uuid', '=', c.uuid]] })).items.length, 0);

    for (const who of [owner, writer, admin]) {
      const name = unique('by');
      assert.equal((await t.api.updateCollection(who.token, c.uuid, { name })).name, name);
    }
    await expectApiError(t.api.updateCollection(reader.token, c.uuid, { name: unique('no') }), 403);
    await expectApiError(t.api.updateCollection(stranger.token, c.uuid, { name: unique('no') }), 404);
    await expectApiError(t.api.trashCollection(reader.token, c.uuid), 403);
    await expectApiError(t.api.createCollection(reader.token, { owner_uuid: p.uuid, name: unique('no') }), 403);
    // Arvados refuses an owner the caller cannot write; an invisible one may also read as invalid (422).
    await expectApiError(t.api.createCollection(stranger.token, { owner_uuid: p.uuid, name: unique('no') }), [403, 404, 422]);
    const made = await t.api.createCollection(writer.token, { owner_uuid: p.uuid, name: unique('yes') });
    assert.equal(made.owner_uuid, p.uuid);
    await expectApiError(t.api.updateGroup(reader.token, p.uuid, { name: unique('no') }), 403);
    assert.equal((await t.api.trashCollection(writer.token, made.uuid)).is_trashed, true);
  });
}
