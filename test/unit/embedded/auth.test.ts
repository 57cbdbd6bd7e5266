import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scopeAllows } from '../../../src/cluster/embedded/auth.js';
import { isUuid, newUuid, parseToken, typeOfUuid } from '../../../src/cluster/embedded/ids.js';
import { openTestCluster, statusOf, type TestCluster } from './helpers.js';

describe('identifiers and tokens', () => {
  test('uuids carry the real type infixes', () => {
    assert.match(newUuid('zzzzz', 'user'), /^zzzzz-tpzed-[a-z0-9]{15}$/);
    assert.match(newUuid('zzzzz', 'collection'), /^zzzzz-4zz18-[a-z0-9]{15}$/);
    assert.match(newUuid('zzzzz', 'group'), /^zzzzz-j7d0g-[a-z0-9]{15}$/);
    assert.match(newUuid('zzzzz', 'token'), /^zzzzz-gj3su-[a-z0-9]{15}$/);
    assert.match(newUuid('zzzzz', 'link'), /^zzzzz-o0j2j-[a-z0-9]{15}$/);
    assert.equal(typeOfUuid('zzzzz-j7d0g-000000000000000'), 'group');
    assert.equal(typeOfUuid('zzzzz-xxxxx-000000000000000'), undefined);
    assert.equal(isUuid('zzzzz-j7d0g-00000000000000'), false);
  });

  test('v2 and v1 token forms', () => {
    assert.deepEqual(parseToken('v2/zzzzz-gj3su-abcdefghijklmno/secret123'), { uuid: 'zzzzz-gj3su-abcdefghijklmno', secret: 'secret123' });
    assert.deepEqual(parseToken('secret123'), { secret: 'secret123' });
    assert.equal(parseToken('v2/zzzzz-tpzed-abcdefghijklmno/secret'), undefined);
    assert.equal(parseToken(''), undefined);
    assert.equal(parseToken('a b'), undefined);
  });

  test('scopes: "all", exact paths, and prefixes ending in "/"', () => {
    const get = (path: string) => ({ method: 'GET' as const, path });
    assert.ok(scopeAllows(['all'], { method: 'DELETE', path: '/arvados/v1/collections/x' }));
    assert.ok(scopeAllows(['GET /'], get('/arvados/v1/collections/x')));
    assert.ok(!scopeAllows(['GET /'], { method: 'PATCH', path: '/arvados/v1/collections/x' }));
    assert.ok(scopeAllows(['GET /arvados/v1/collections/'], get('/arvados/v1/collections/x')));
    assert.ok(!scopeAllows(['GET /arvados/v1/collections/'], get('/arvados/v1/collections')));
    assert.ok(scopeAllows(['GET /arvados/v1/collections'], get('/arvados/v1/collections')));
    assert.ok(!scopeAllows(['GET /arvados/v1/collections'], get('/arvados/v1/collections/x')));
    assert.ok(!scopeAllows([], get('/')));
  });

  test('property: a "GET /" scope allows exactly the GET requests', () => {
    fc.assert(
      fc.property(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'), fc.string(), (method, rest) => {
        const target = { method: method as 'GET', path: `/${rest}` };
        assert.equal(scopeAllows(['GET /'], target), method === 'GET');
        assert.ok(scopeAllows(['all'], target));
      }),
    );
  });
});

describe('authentication through the API', () => {
  let t: TestCluster;
  before(async () => (t = await openTestCluster()));
  after(() => t.close());

  test('v2 token and its bare secret both work; a wrong uuid or unknown secret is 401', async () => {
    const me = await t.cluster.api.currentToken(t.admin);
    assert.equal(me.kind, 'arvados#apiClientAuthorization');
    assert.equal(t.admin, `v2/${me.uuid}/${me.api_token}`);
    assert.deepEqual(me.scopes, ['all']);
    assert.equal((await t.cluster.api.currentUser(me.api_token)).is_admin, true);
    assert.equal(await statusOf(t.cluster.api.currentUser(`v2/${t.cluster.info.clusterId}-gj3su-000000000000000/${me.api_token}`)), 401);
    assert.equal(await statusOf(t.cluster.api.currentUser('nosuchsecret')), 401);
    assert.equal(await statusOf(t.cluster.api.currentUser('not a token')), 401);
  });

  test('expired tokens are refused', async () => {
    const { token } = await t.user('expiring');
    const short = await t.cluster.api.createToken(token, { expires_at: new Date(t.clock.now + 60_000).toISOString() });
    const v2 = `v2/${short.uuid}/${short.api_token}`;
    assert.equal((await t.cluster.api.currentToken(v2)).uuid, short.uuid);
    t.clock.now += 61_000;
    try {
      assert.equal(await statusOf(t.cluster.api.currentUser(v2)), 401);
    } finally {
      t.clock.now -= 61_000;
    }
  });

  test('a read-only ["GET /"] token reads but cannot write; current token is always allowed', async () => {
    const { token, uuid } = await t.user('reader', { scopes: ['GET /'] });
    assert.deepEqual((await t.cluster.api.currentToken(token)).scopes, ['GET /']);
    assert.equal((await t.cluster.api.currentUser(token)).uuid, uuid);
    assert.equal((await t.cluster.api.listCollections(token)).items.length, 0);
    assert.equal(await statusOf(t.cluster.api.createCollection(token, { name: 'x' })), 403);
    assert.equal(await statusOf(t.cluster.api.createGroup(token, { name: 'x', group_class: 'project' })), 403);
    assert.equal(await statusOf(t.cluster.api.createToken(token, {})), 403);
  });

  test('tokens: own ones readable, others 404; only admins create users or tokens for others', async () => {
    const a = await t.user('tokA');
    const b = await t.user('tokB');
    const bTok = await t.cluster.api.currentToken(b.token);
    assert.equal(await statusOf(t.cluster.api.getToken(a.token, bTok.uuid)), 404);
    assert.equal((await t.cluster.api.getToken(b.token, bTok.uuid)).uuid, bTok.uuid);
    assert.equal((await t.cluster.api.getToken(t.admin, bTok.uuid)).uuid, bTok.uuid);
    assert.equal(await statusOf(t.cluster.api.createToken(a.token, { owner_uuid: b.uuid })), 403);
    const forB = await t.cluster.api.createToken(t.admin, { owner_uuid: b.uuid, scopes: ['GET /'] });
    assert.equal(forB.owner_uuid, b.uuid);
    assert.equal(await statusOf(t.cluster.api.createToken(a.token, { scopes: ['everything'] })), 422);
    assert.equal(await statusOf(t.cluster.api.createUser(a.token, { username: 'nope' })), 403);
    const made = await t.cluster.api.createUser(t.admin, { username: 'carol', email: 'c@example.com' });
    assert.match(made.uuid, /-tpzed-/);
    assert.equal(made.is_admin, false);
    assert.equal(await statusOf(t.cluster.api.createUser(t.admin, { username: 'carol' })), 422);
    assert.equal(await statusOf(t.cluster.api.getUser(a.token, made.uuid)), 404);
    assert.equal((await t.cluster.api.getUser(t.admin, made.uuid)).username, 'carol');
  });
});
