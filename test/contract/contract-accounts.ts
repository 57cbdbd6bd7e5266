// Contract: api_client_authorizations, users and keep_services/accessible.

import assert from 'node:assert/strict';
import {
  assertIsoTime, assertList, expectApiError, newUser, UUID_RE, type ContractSuite,
} from './contract-support.js';

export function accountContract(s: ContractSuite): void {
  s.test('currentToken returns the caller\'s token record (secret part only)', async () => {
    const t = s.target();
    const auth = await t.api.currentToken(t.adminToken);
    assert.equal(auth.kind, 'arvados#apiClientAuthorization');
    assert.match(auth.uuid, UUID_RE('gj3su'));
    assert.match(auth.owner_uuid, UUID_RE('tpzed'));
    assert.ok(Array.isArray(auth.scopes));
    assert.ok(auth.expires_at === null || typeof auth.expires_at === 'string');
    assertIsoTime(auth.created_at, 'created_at');
    const [, uuid, secret] = t.adminToken.split('/');
    assert.equal(auth.uuid, uuid);
    assert.equal(auth.api_token, secret);
  });

  s.test('an unknown or malformed token is 401 everywhere', async () => {
    const { api } = s.target();
    const bogus = 'v2/zzzzz-gj3su-000000000000000/nosuchsecret';
    await expectApiError(api.currentToken(bogus), 401);
    await expectApiError(api.currentUser(bogus), 401);
    await expectApiError(api.listCollections('not a token'), 401);
  });

  s.test('createToken: admin issues a token for a user; it authenticates as that user', async () => {
    const t = s.target();
    const { user } = await newUser(t, 'tok');
    const auth = await t.api.createToken(t.adminToken, { owner_uuid: user.uuid });
    assert.equal(auth.kind, 'arvados#apiClientAuthorization');
    assert.equal(auth.owner_uuid, user.uuid);
    assert.match(auth.api_token, /^[A-Za-z0-9]+$/);
    const me = await t.api.currentUser(`v2/${auth.uuid}/${auth.api_token}`);
    assert.equal(me.uuid, user.uuid);
  });

  s.test('createToken: a user issues a token for themselves; a scoped token still reads current', async () => {
    const t = s.target();
    const alice = await newUser(t, 'self');
    const scoped = await t.api.createToken(alice.token, { scopes: ['GET /arvados/v1/collections'] });
    assert.equal(scoped.owner_uuid, alice.user.uuid);
    assert.deepEqual(scoped.scopes, ['GET /arvados/v1/collections']);
    const cur = await t.api.currentToken(`v2/${scoped.uuid}/${scoped.api_token}`);
    assert.equal(cur.uuid, scoped.uuid);
  });

  s.test('createToken: a non-admin cannot issue tokens for someone else', async () => {
    const t = s.target();
    const alice = await newUser(t, 'issuer');
    const bob = await newUser(t, 'victim');
    await expectApiError(t.api.createToken(alice.token, { owner_uuid: bob.user.uuid }), [403, 404, 422]);
  });

  s.test('an expired token is 401', async () => {
    const t = s.target();
    const alice = await newUser(t, 'expiry');
    const auth = await t.api.createToken(t.adminToken, { owner_uuid: alice.user.uuid, expires_at: '2000-01-01T00:00:00Z' });
    await expectApiError(t.api.currentUser(`v2/${auth.uuid}/${auth.api_token}`), 401);
  });

  s.test('getToken: owner and admin see it; another user gets 404', async () => {
    const t = s.target();
    const alice = await newUser(t, 'owner');
    const bob = await newUser(t, 'other');
    const uuid = alice.token.split('/')[1]!;
    assert.equal((await t.api.getToken(alice.token, uuid)).uuid, uuid);
    const viaAdmin = await t.api.getToken(t.adminToken, uuid);
    assert.equal(viaAdmin.owner_uuid, alice.user.uuid);
    await expectApiError(t.api.getToken(bob.token, uuid), 404);
  });

  s.test('currentUser / getUser return Arvados user records', async () => {
    const t = s.target();
    const admin = await t.api.currentUser(t.adminToken);
    assert.equal(admin.kind, 'arvados#user');
    assert.match(admin.uuid, UUID_RE('tpzed'));
    assert.equal(admin.is_admin, true);
    assert.equal(admin.is_active, true);
    const alice = await newUser(t, 'alice');
    const me = await t.api.currentUser(alice.token);
    assert.equal(me.uuid, alice.user.uuid);
    assert.equal(me.is_admin, false);
    assert.equal(me.full_name, `${me.first_name} ${me.last_name}`);
    assertIsoTime(me.created_at, 'created_at');
    assert.equal((await t.api.getUser(alice.token, me.uuid)).email, me.email);
    assert.equal((await t.api.getUser(t.adminToken, me.uuid)).uuid, me.uuid);
  });

  s.test('createUser: admin only; duplicate username is 422', async () => {
    const t = s.target();
    const alice = await newUser(t, 'plain');
    await expectApiError(t.api.createUser(alice.token, { email: 'x@example.com', first_name: 'X', last_name: 'Y' }), 403);
    await expectApiError(
      t.api.createUser(t.adminToken, { email: 'dup@example.com', username: alice.user.username ?? '', first_name: 'D', last_name: 'U' }),
      422,
    );
  });

  s.test('getUser: an unknown user is 404', async () => {
    const t = s.target();
    await expectApiError(t.api.getUser(t.adminToken, 'zzzzz-tpzed-000000000000000'), 404);
  });

  s.test('keepServices lists Keep services in Arvados\' shape', async () => {
    const t = s.target();
    const alice = await newUser(t, 'keep');
    const list = await t.api.keepServices(alice.token);
    assertList(list, 'arvados#keepServiceList');
    for (const svc of list.items) {
      assert.equal(svc.kind, 'arvados#keepService');
      assert.match(svc.uuid, UUID_RE('bi6l4'));
      assert.equal(typeof svc.service_host, 'string');
      assert.ok(Number.isInteger(svc.service_port));
      assert.equal(typeof svc.service_ssl_flag, 'boolean');
      assert.equal(typeof svc.service_type, 'string');
      assert.equal(typeof svc.read_only, 'boolean');
    }
  });
}
