// First start of a data directory, reopening it, a configured admin token, and users made by
// the admin CLI entry point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedCluster } from '../../../src/cluster/embedded/embedded.js';
import { statusOf } from './helpers.js';

const open = (dataDir: string, extra = {}) => openEmbeddedCluster({ dataDir, hashThreads: 1, maintenanceIntervalMs: 0, ...extra });

test('first start creates cluster id, signing key, admin user and token; a reopen keeps them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-boot-'));
  try {
    const a = await open(dir);
    const { clusterId } = a.info;
    assert.match(clusterId, /^[a-z0-9]{5}$/);
    assert.equal(a.info.blobSigningTtl, 1209600);
    const boot = a.bootstrap;
    assert.match(boot.adminToken, new RegExp(`^v2/${clusterId}-gj3su-[a-z0-9]{15}/[a-z0-9]{50}$`));
    assert.match(boot.adminUserUuid, new RegExp(`^${clusterId}-tpzed-[a-z0-9]{15}$`));
    assert.equal(boot.homeProjectUuid, boot.adminUserUuid);
    const me = await a.api.currentUser(boot.adminToken);
    assert.equal(me.is_admin, true);
    assert.equal(me.uuid, boot.adminUserUuid);
    // Nothing but the admin exists: no projects, no collections.
    assert.equal((await a.api.listGroups(boot.adminToken)).items_available, 0);
    assert.equal((await a.api.groupContents(boot.adminToken, boot.homeProjectUuid)).items_available, 0);
    const key = a.db.prepare(`SELECT value FROM meta WHERE key = 'blob_signing_key'`).pluck().get();
    await a.close();
    const b = await open(dir);
    assert.equal(b.info.clusterId, clusterId);
    assert.deepEqual(b.bootstrap, boot);
    assert.equal(b.db.prepare(`SELECT value FROM meta WHERE key = 'blob_signing_key'`).pluck().get(), key);
    await b.close();
    await assert.rejects(open(dir, { clusterId: 'other' }), /belongs to cluster/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a configured admin token is installed (and its cluster id used on first start)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-boot-'));
  const fixed = 'v2/abcde-gj3su-000000000000001/secretsecretsecret1';
  try {
    const a = await open(dir, { adminToken: fixed });
    assert.equal(a.info.clusterId, 'abcde');
    assert.equal(a.bootstrap.adminToken, fixed);
    assert.equal((await a.api.currentUser(fixed)).is_admin, true);
    await a.close();
    // Changing it later replaces the old one.
    const next = 'v2/abcde-gj3su-000000000000002/secretsecretsecret2';
    const b = await open(dir, { adminToken: next });
    assert.equal(b.bootstrap.adminToken, next);
    assert.equal((await b.api.currentUser(next)).is_admin, true);
    try {
      assert.equal(await statusOf(b.api.currentUser(fixed)), 401);
    } finally {
      await b.close();
    }
    await assert.rejects(open(dir, { adminToken: 'bare-secret' }), /v2 token/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('createUserWithToken: a user with a token, optionally read-only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-boot-'));
  try {
    const c = await open(dir, { clusterId: 'zzzzz' });
    const { user, token } = await c.createUserWithToken({ email: 'ro@example.com', username: 'ro', scopes: ['GET /'] });
    assert.equal(user.is_admin, false);
    assert.equal((await c.api.currentUser(token)).uuid, user.uuid);
    assert.equal(await statusOf(c.api.createCollection(token, { name: 'x' })), 403);
    const admin2 = await c.createUserWithToken({ email: 'a2@example.com', username: 'admin2', admin: true });
    assert.equal((await c.api.currentUser(admin2.token)).is_admin, true);
    await assert.rejects(c.createUserWithToken({ email: 'x@example.com', username: 'ro' }), /already taken/);
    await c.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
