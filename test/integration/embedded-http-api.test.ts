// The embedded backend's REST API and the Keep API on one real listener, driven with plain
// fetch the way curl or an Arvados SDK would: every endpoint, form and JSON bodies, method
// override, Arvados' error shapes (and that failed requests change nothing), Keep blocks
// written and read back with signed locators, and a permission matrix smoke test.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openEmbeddedCluster, type EmbeddedCluster } from '../../src/cluster/embedded/embedded.js';
import { createApiServer } from '../../src/cluster/embedded/http/server.js';
import { createKeepHandler } from '../../src/keep/http-api.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Reply {
  status: number;
  body: Json;
}
interface Req {
  token?: string;
  form?: Record<string, unknown>;
  json?: Record<string, unknown>;
  headers?: Record<string, string>;
}

const encode = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

describe('embedded REST + Keep API over HTTP', () => {
  let dataDir: string;
  let cluster: EmbeddedCluster;
  let server: Server;
  let base: string;
  let admin: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'keepgate-http-api-'));
    cluster = await openEmbeddedCluster({ dataDir });
    server = createApiServer({ api: cluster.api, keepHandler: createKeepHandler({ store: cluster.keepBlocks }) });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cluster.setApiUrl(base);
    admin = cluster.bootstrap.adminToken;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await cluster.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function http(method: string, path: string, req: Req = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...req.headers };
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    let body: string | undefined;
    if (req.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(Object.entries(req.form).map(([k, v]) => [k, encode(v)])).toString();
    } else if (req.json) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(req.json);
    }
    const res = await fetch(`${base}/arvados/v1/${path}`, { method, headers, body });
    assert.match(String(res.headers.get('content-type')), /^application\/json/);
    return { status: res.status, body: (await res.json()) as Json };
  }

  async function ok(method: string, path: string, req: Req = {}): Promise<Json> {
    const r = await http(method, path, req);
    assert.equal(r.status, 200, `${method} ${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  async function fails(method: string, path: string, req: Req, status: number): Promise<string> {
    const r = await http(method, path, req);
    assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
    assert.deepEqual(Object.keys(r.body).filter((k) => k !== 'error_token'), ['errors']);
    assert.ok(Array.isArray(r.body.errors) && r.body.errors.length > 0 && r.body.errors.every((e: unknown) => typeof e === 'string'));
    return (r.body.errors as string[]).join('; ');
  }

  let serial = 0;
  async function newUser(label: string): Promise<{ uuid: string; token: string }> {
    const username = `${label}${++serial}`;
    const user = await ok('POST', 'users', { token: admin, json: { user: { email: `${username}@example.com`, username, first_name: label, last_name: 'T' } } });
    const auth = await ok('POST', 'api_client_authorizations', { token: admin, form: { api_client_authorization: { owner_uuid: user.uuid } } });
    return { uuid: user.uuid as string, token: `v2/${auth.uuid}/${auth.api_token}` };
  }

  async function putBlock(data: string, token: string): Promise<string> {
    const md5 = createHash('md5').update(data).digest('hex');
    const res = await fetch(`${base}/${md5}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: data });
    assert.equal(res.status, 200);
    return (await res.text()).trim();
  }

  test('users and api_client_authorizations', async () => {
    const me = await ok('GET', 'users/current', { token: admin });
    assert.equal(me.kind, 'arvados#user');
    assert.equal(me.is_admin, true);
    const alice = await newUser('alice');
    assert.equal((await ok('GET', 'users/current', { token: alice.token })).uuid, alice.uuid);
    assert.equal((await ok('GET', `users/${alice.uuid}`, { token: admin })).uuid, alice.uuid);
    const cur = await ok('GET', 'api_client_authorizations/current', { token: alice.token });
    assert.equal(cur.kind, 'arvados#apiClientAuthorization');
    assert.equal(`v2/${cur.uuid}/${cur.api_token}`, alice.token);
    assert.equal((await ok('GET', `api_client_authorizations/${cur.uuid}`, { token: admin })).owner_uuid, alice.uuid);
    const own = await ok('POST', 'api_client_authorizations', { token: alice.token, json: { api_client_authorization: { scopes: ['all'] } } });
    assert.equal(own.owner_uuid, alice.uuid);
    await fails('POST', 'users', { token: alice.token, form: { user: { email: 'x@example.com' } } }, 403);
    // The token may also come as the api_token parameter.
    const res = await fetch(`${base}/arvados/v1/users/current?api_token=${encodeURIComponent(alice.token)}`);
    assert.equal(((await res.json()) as Json).uuid, alice.uuid);
  });

  test('groups: create, get, PATCH and PUT, list, contents (both forms), delete', async () => {
    const alice = await newUser('gr');
    const p = await ok('POST', 'groups', { token: alice.token, form: { group: { name: 'proj', group_class: 'project' } } });
    assert.equal(p.kind, 'arvados#group');
    assert.equal(p.owner_uuid, alice.uuid);
    assert.equal((await ok('GET', `groups/${p.uuid}`, { token: alice.token })).name, 'proj');
    assert.equal((await ok('PATCH', `groups/${p.uuid}`, { token: alice.token, json: { group: { name: 'proj2' } } })).name, 'proj2');
    assert.deepEqual((await ok('PUT', `groups/${p.uuid}`, { token: alice.token, form: { group: { properties: { a: 'b' } } } })).properties, { a: 'b' });
    const list = await ok('GET', `groups?filters=${encodeURIComponent(JSON.stringify([['name', '=', 'proj2']]))}`, { token: alice.token });
    assert.equal(list.kind, 'arvados#groupList');
    assert.deepEqual(list.items.map((g: Json) => g.uuid), [p.uuid]);
    const sub = await ok('POST', 'groups', { token: alice.token, json: { group: { name: 'sub', group_class: 'project', owner_uuid: p.uuid } } });
    const c = await ok('POST', 'collections', { token: alice.token, json: { collection: { name: 'c', owner_uuid: p.uuid } } });
    const viaPath = await ok('GET', `groups/${p.uuid}/contents`, { token: alice.token });
    const viaParam = await ok('GET', `groups/contents?uuid=${p.uuid}`, { token: alice.token });
    assert.deepEqual(viaPath.items.map((i: Json) => i.uuid), [sub.uuid, c.uuid]);
    assert.deepEqual(viaParam.items.map((i: Json) => i.uuid), [sub.uuid, c.uuid]);
    const home = await ok('GET', `groups/${alice.uuid}/contents`, { token: alice.token });
    assert.deepEqual(home.items.map((i: Json) => i.uuid), [p.uuid]);
    const trashed = await ok('DELETE', `groups/${p.uuid}`, { token: alice.token });
    assert.equal(trashed.is_trashed, true);
    await fails('GET', `groups/${p.uuid}`, { token: alice.token }, 404);
  });

  test('collections: create, get by uuid and PDH, list via method override, replace_files, trash, untrash', async () => {
    const alice = await newUser('col');
    const locator = await putBlock('hello', alice.token);
    const manifest = `. ${locator} 0:5:hello.txt\n`;
    const c = await ok('POST', 'collections', { token: alice.token, json: { collection: { name: 'greeting', manifest_text: manifest, properties: { k: 'v' } } } });
    assert.equal(c.kind, 'arvados#collection');
    assert.equal(c.file_count, 1);
    assert.match(c.manifest_text, /^\. [0-9a-f]{32}\+5\+A[0-9a-f]{40}@[0-9a-f]{8} 0:5:hello\.txt\n$/);
    const byPdh = await ok('GET', `collections/${encodeURIComponent(c.portable_data_hash)}`, { token: alice.token });
    assert.equal(byPdh.uuid, c.portable_data_hash);
    const filters = JSON.stringify([['properties.k', '=', 'v'], ['owner_uuid', '=', alice.uuid]]);
    const listed = await ok('POST', 'collections', { token: alice.token, headers: { 'x-http-method-override': 'GET' }, form: { filters, select: ['uuid', 'name'] } });
    assert.equal(listed.kind, 'arvados#collectionList');
    assert.deepEqual(listed.items, [{ kind: 'arvados#collection', uuid: c.uuid, name: 'greeting' }]);
    const upd = await ok('PATCH', `collections/${c.uuid}`, {
      token: alice.token,
      form: {
        collection: {},
        replace_files: { '/dir/copy.txt': 'current/hello.txt' },
        // No fingerprint: the API stamps the one of the file as this update leaves it.
        x_keepgate_file_attrs: { 'dir/copy.txt': { mtime: '2026-01-01T00:00:00.000Z', etag: 'e' } },
        select: ['uuid', 'file_count', 'x_keepgate_file_attrs'],
      },
    });
    assert.equal(upd.file_count, 2);
    assert.deepEqual(Object.keys(upd.x_keepgate_file_attrs), ['dir/copy.txt']);
    assert.equal(upd.x_keepgate_file_attrs['dir/copy.txt'].etag, 'e');
    assert.equal(typeof upd.x_keepgate_file_attrs['dir/copy.txt'].fingerprint, 'string');
    const del = await ok('DELETE', `collections/${c.uuid}`, { token: alice.token });
    assert.equal(del.is_trashed, true);
    await fails('GET', `collections/${c.uuid}`, { token: alice.token }, 404);
    assert.equal((await ok('GET', `collections/${c.uuid}?include_trash=true`, { token: alice.token })).is_trashed, true);
    assert.equal((await ok('POST', `collections/${c.uuid}/untrash`, { token: alice.token })).is_trashed, false);
  });

  test('links share and unshare; keep_services/accessible points at this listener', async () => {
    const owner = await newUser('lo');
    const friend = await newUser('lf');
    const p = await ok('POST', 'groups', { token: owner.token, json: { group: { name: 'shared', group_class: 'project' } } });
    await fails('GET', `groups/${p.uuid}`, { token: friend.token }, 404);
    const link = await ok('POST', 'links', { token: owner.token, form: { link: { link_class: 'permission', name: 'can_read', tail_uuid: friend.uuid, head_uuid: p.uuid } } });
    assert.equal(link.kind, 'arvados#link');
    await ok('GET', `groups/${p.uuid}`, { token: friend.token });
    await ok('DELETE', `links/${link.uuid}`, { token: owner.token });
    await fails('GET', `groups/${p.uuid}`, { token: friend.token }, 404);

    const services = await ok('GET', 'keep_services/accessible', { token: friend.token });
    assert.equal(services.kind, 'arvados#keepServiceList');
    const url = new URL(base);
    assert.ok(services.items.some((s: Json) => s.service_host === url.hostname && s.service_port === Number(url.port) && s.service_ssl_flag === false));
  });

  test('Keep on the same listener: PUT answers a signed locator that GET and HEAD accept', async () => {
    const alice = await newUser('keep');
    const locator = await putBlock('block data', alice.token);
    assert.match(locator, /^[0-9a-f]{32}\+10\+A[0-9a-f]{40}@[0-9a-f]{8}$/);
    const got = await fetch(`${base}/${locator}`, { headers: { authorization: `Bearer ${alice.token}` } });
    assert.equal(got.status, 200);
    assert.equal(await got.text(), 'block data');
    const head = await fetch(`${base}/${locator}`, { method: 'HEAD', headers: { authorization: `Bearer ${alice.token}` } });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '10');
    const unsigned = await fetch(`${base}/${locator.split('+A')[0]}`, { headers: { authorization: `Bearer ${alice.token}` } });
    assert.ok(unsigned.status >= 400 && unsigned.status < 500);
  });

  test('error shapes: 401, 404, 422, 400 (bad filters, bad JSON, unknown field) and nothing changed', async () => {
    const alice = await newUser('err');
    const noToken = await fetch(`${base}/arvados/v1/collections`);
    assert.equal(noToken.status, 401);
    assert.deepEqual(Object.keys((await noToken.json()) as Json), ['errors']);
    await fails('GET', 'collections', { token: 'v2/zzzzz-gj3su-000000000000000/wrong' }, 401);
    await fails('GET', 'collections/zzzzz-4zz18-000000000000000', { token: alice.token }, 404);
    await fails('GET', 'no_such_resource', { token: alice.token }, 404);
    const c = await ok('POST', 'collections', { token: alice.token, form: { collection: { name: 'stable' } } });
    assert.match(await fails('POST', 'collections', { token: alice.token, form: { collection: { name: 'stable' } } }, 422), /./);

    assert.match(await fails('GET', `collections?filters=${encodeURIComponent('[["name","~","x"]]')}`, { token: alice.token }, 400), /operator/);
    assert.match(await fails('GET', `collections?filters=${encodeURIComponent('[["name","="')}`, { token: alice.token }, 400), /filters is not valid JSON/);
    const badJson = await fetch(`${base}/arvados/v1/collections/${c.uuid}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' }, body: '{"collection": {"name": "changed"',
    });
    assert.equal(badJson.status, 400);
    assert.match(String(((await badJson.json()) as Json).errors[0]), /JSON/);
    assert.match(await fails('PATCH', `collections/${c.uuid}`, { token: alice.token, json: { collection: { name: 'changed', colour: 'red' } } }, 400), /colour/);
    assert.match(await fails('PATCH', `collections/${c.uuid}`, { token: alice.token, json: { collection: { name: 'changed' }, replace_files: { '/a//b': '' } } }, 400), /./);
    const after = await ok('GET', `collections/${c.uuid}`, { token: alice.token });
    assert.equal(after.name, 'stable');
    assert.equal(after.modified_at, c.modified_at);
    const count = await ok('GET', `collections?filters=${encodeURIComponent(JSON.stringify([['owner_uuid', '=', alice.uuid]]))}`, { token: alice.token });
    assert.equal(count.items_available, 1);
  });

  test('permission matrix through HTTP: owner, reader, writer, stranger, admin', async () => {
    const [owner, reader, writer, stranger] = await Promise.all(['mo', 'mr', 'mw', 'ms'].map((l) => newUser(l)));
    const p = await ok('POST', 'groups', { token: owner!.token, json: { group: { name: 'matrix', group_class: 'project' } } });
    const c = await ok('POST', 'collections', { token: owner!.token, json: { collection: { name: 'm', owner_uuid: p.uuid } } });
    for (const [who, level] of [[reader!, 'can_read'], [writer!, 'can_write']] as const) {
      await ok('POST', 'links', { token: owner!.token, json: { link: { link_class: 'permission', name: level, tail_uuid: who.uuid, head_uuid: p.uuid } } });
    }
    const expect: Array<[string, string, number, number]> = [
      ['owner', owner!.token, 200, 200],
      ['reader', reader!.token, 200, 403],
      ['writer', writer!.token, 200, 200],
      ['stranger', stranger!.token, 404, 404],
      ['admin', admin, 200, 200],
    ];
    for (const [label, token, readStatus, writeStatus] of expect) {
      assert.equal((await http('GET', `collections/${c.uuid}`, { token })).status, readStatus, `${label} read`);
      assert.equal((await http('PATCH', `collections/${c.uuid}`, { token, json: { collection: { description: label } } })).status, writeStatus, `${label} write`);
    }
  });
});
