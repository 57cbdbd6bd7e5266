import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/cluster/embedded/db.js';
import { ReadMemo } from '../../../src/cluster/embedded/read-memo.js';
import { openTestCluster } from './helpers.js';

const MIGRATION = [{ version: 1, sql: 'CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER) STRICT;' }];

test('a memo holds until cleared, until another connection commits (seen from the next turn), and never inside a transaction', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-memo-'));
  const db = openDatabase(join(dir, 'm.sqlite'), MIGRATION);
  const other = openDatabase(join(dir, 'm.sqlite'), MIGRATION);
  try {
    const memo = new ReadMemo(db);
    let computed = 0;
    const read = () => memo.get('k', () => ++computed);
    assert.equal(read(), 1);
    assert.equal(read(), 1);
    memo.clear();
    assert.equal(read(), 2);
    other.prepare('INSERT INTO t VALUES (?, ?)').run('a', 1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(read(), 3);
    assert.equal(read(), 3);
    other.prepare('INSERT INTO t VALUES (?, ?)').run('b', 2);
    assert.equal(read(), 3, 'data_version is read once per turn');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(read(), 4);
    db.transaction(() => {
      assert.equal(read(), 5);
      assert.equal(read(), 6);
    })();
    assert.throws(() => memo.get('bad', () => { throw new Error('no'); }), /no/);
    assert.equal(memo.get('bad', () => 'now fine'), 'now fine');
  } finally {
    other.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the embedded API never answers from a memo made stale by a write (token, visibility, modified_at)', async () => {
  const t = await openTestCluster();
  try {
    const alice = await t.user('alice');
    const bob = await t.user('bob');
    const c = await t.cluster.api.createCollection(alice.token, { name: 'shared' });
    const head = () => t.cluster.api.getCollection(alice.token, c.uuid, { select: ['uuid', 'modified_at'] });
    const first = await head();
    assert.equal((await head()).modified_at, first.modified_at);
    await t.cluster.api.updateCollection(alice.token, c.uuid, { name: 'renamed' });
    assert.notEqual((await head()).modified_at, first.modified_at);

    await assert.rejects(t.cluster.api.getCollection(bob.token, c.uuid, { select: ['uuid'] }), /404|not found/i);
    const link = await t.cluster.api.createLink(t.admin, { link_class: 'permission', name: 'can_read', tail_uuid: bob.uuid, head_uuid: c.uuid });
    assert.equal((await t.cluster.api.getCollection(bob.token, c.uuid, { select: ['uuid'] })).uuid, c.uuid);
    await t.cluster.api.deleteLink(t.admin, link.uuid);
    await assert.rejects(t.cluster.api.getCollection(bob.token, c.uuid, { select: ['uuid'] }), /404|not found/i);

    await t.cluster.api.trashCollection(alice.token, c.uuid);
    await assert.rejects(head(), /404|not found/i);
  } finally {
    await t.close();
  }
});
