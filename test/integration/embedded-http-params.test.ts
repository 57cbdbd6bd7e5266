// The REST layer in front of a recording stub ArvadosApi: what reaches the API for each way
// Arvados clients send parameters (query, form, JSON, method override), and that malformed
// requests stop at the HTTP layer (the stub is never called) with Arvados' error shape.

import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ArvadosApiError, type ArvadosApi } from '../../src/arvados-api/api.js';
import { createApiServer, type ResponseEvent } from '../../src/cluster/embedded/http/server.js';
import { DomainError } from '../../src/common/errors.js';

interface Call {
  method: string;
  args: unknown[];
}

/** Every ArvadosApi method records its call and answers `{kind: 'stub#<method>'}`, or throws `failWith`. */
function stubApi(calls: Call[], failWith: { error?: unknown }): ArvadosApi {
  return new Proxy({} as ArvadosApi, {
    get: (_t, method: string) => async (...args: unknown[]) => {
      calls.push({ method, args });
      if (failWith.error !== undefined) throw failWith.error;
      return { kind: `stub#${method}` };
    },
  });
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const JSON_TYPE = { 'content-type': 'application/json' };
const AUTH = { authorization: 'Bearer v2/zzzzz-gj3su-aaaaaaaaaaaaaaa/secret' };
const UUID = 'zzzzz-4zz18-aaaaaaaaaaaaaaa';

describe('REST parameter handling (stub API)', () => {
  const calls: Call[] = [];
  const failWith: { error?: unknown } = {};
  const unexpected: unknown[] = [];
  const finished: ResponseEvent[] = [];
  let server: Server;
  let base: string;

  before(async () => {
    server = createApiServer({
      api: stubApi(calls, failWith),
      managementToken: 'mgmt',
      maxBodyBytes: 4096,
      extraRoutes: [
        { path: '/_health/ping', handle: (_req, res) => void res.writeHead(200, JSON_TYPE).end('{"health":"OK"}') },
        { path: '/open', auth: 'none', handle: (_req, res) => void res.writeHead(204).end() },
      ],
      onError: (err) => unexpected.push(err),
      onResponse: (e) => finished.push(e),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}) {
    calls.length = 0;
    delete failWith.error;
    const res = await fetch(`${base}${path}`, { method, headers: { ...AUTH, ...init.headers }, body: init.body });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  test('form body: structured values are JSON, the resource object is unwrapped, booleans parsed', async () => {
    const body = new URLSearchParams({
      collection: JSON.stringify({ name: 'n', properties: { a: [1] } }),
      replace_files: JSON.stringify({ '/x': '' }),
      ensure_unique_name: 'true',
      select: '["uuid","name"]',
    }).toString();
    const r = await call('POST', '/arvados/v1/collections', { headers: FORM, body });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { kind: 'stub#createCollection' });
    assert.deepEqual(calls, [{
      method: 'createCollection',
      args: ['v2/zzzzz-gj3su-aaaaaaaaaaaaaaa/secret', { name: 'n', properties: { a: [1] } },
        { replace_files: { '/x': '' }, ensure_unique_name: true, select: ['uuid', 'name'] }],
    }]);
  });

  test('JSON body: objects as values or as JSON strings give the same call', async () => {
    const asObjects = await call('PATCH', `/arvados/v1/collections/${UUID}`, { headers: JSON_TYPE, body: JSON.stringify({ collection: { name: 'x' }, x_keepgate_preconditions: { a: 'absent' } }) });
    const first = structuredClone(calls);
    const asStrings = await call('PUT', `/arvados/v1/collections/${UUID}`, { headers: JSON_TYPE, body: JSON.stringify({ collection: '{"name":"x"}', x_keepgate_preconditions: '{"a":"absent"}' }) });
    assert.equal(asObjects.status, 200);
    assert.equal(asStrings.status, 200);
    assert.deepEqual(calls, first);
    assert.deepEqual(first[0]!.args.slice(1), [UUID, { name: 'x' }, { x_keepgate_preconditions: { a: 'absent' } }]);
  });

  test('read-only attributes of a whole record sent back pass through to the API', async () => {
    const record = { kind: 'arvados#collection', uuid: UUID, etag: 'x', created_at: '2026-01-01T00:00:00Z', name: 'n' };
    const r = await call('PATCH', `/arvados/v1/collections/${UUID}`, { headers: JSON_TYPE, body: JSON.stringify({ collection: record }) });
    assert.equal(r.status, 200);
    assert.deepEqual(calls[0]!.args[2], record);
  });

  test('query string and body merge; the body wins', async () => {
    await call('POST', '/arvados/v1/groups?ensure_unique_name=true&group=%7B%22name%22%3A%22q%22%7D', { headers: FORM, body: 'group=%7B%22name%22%3A%22b%22%7D' });
    assert.deepEqual(calls[0]!.args.slice(1), [{ name: 'b' }, { ensure_unique_name: true }]);
  });

  test('POST with X-Http-Method-Override: GET or _method=GET is a list', async () => {
    const filters = JSON.stringify([['name', 'like', 'a%'], ['properties.k', 'exists', true]]);
    await call('POST', '/arvados/v1/collections', { headers: { ...FORM, 'x-http-method-override': 'GET' }, body: new URLSearchParams({ filters, limit: '3', count: 'none' }).toString() });
    assert.equal(calls[0]!.method, 'listCollections');
    assert.deepEqual(calls[0]!.args[1], { filters: JSON.parse(filters), limit: 3, count: 'none' });
    await call('POST', '/arvados/v1/groups/zzzzz-j7d0g-aaaaaaaaaaaaaaa/contents', { headers: FORM, body: '_method=GET&recursive=true&order=name%20desc,uuid' });
    assert.deepEqual(calls[0], { method: 'groupContents', args: [AUTH.authorization.slice(7), 'zzzzz-j7d0g-aaaaaaaaaaaaaaa', { order: ['name desc', 'uuid'], recursive: true }] });
  });

  test('routes: groups/contents?uuid=, users/current, tokens, links, keep services, untrash, PDH ids', async () => {
    const expectations: Array<[string, string, string, unknown[]]> = [
      ['GET', '/arvados/v1/groups/contents?uuid=zzzzz-tpzed-aaaaaaaaaaaaaaa', 'groupContents', ['zzzzz-tpzed-aaaaaaaaaaaaaaa', {}]],
      ['GET', '/arvados/v1/users/current', 'currentUser', []],
      ['GET', '/arvados/v1/users/zzzzz-tpzed-aaaaaaaaaaaaaaa', 'getUser', ['zzzzz-tpzed-aaaaaaaaaaaaaaa']],
      ['GET', '/arvados/v1/api_client_authorizations/current', 'currentToken', []],
      ['GET', '/arvados/v1/keep_services/accessible', 'keepServices', []],
      ['DELETE', `/arvados/v1/collections/${UUID}`, 'trashCollection', [UUID]],
      ['POST', `/arvados/v1/collections/${UUID}/untrash?ensure_unique_name=1`, 'untrashCollection', [UUID, { ensure_unique_name: true }]],
      ['GET', '/arvados/v1/collections/acbd18db4cc2f85cedef654fccc4a4d8%2B3', 'getCollection', ['acbd18db4cc2f85cedef654fccc4a4d8+3', {}]],
      ['DELETE', '/arvados/v1/links/zzzzz-o0j2j-aaaaaaaaaaaaaaa', 'deleteLink', ['zzzzz-o0j2j-aaaaaaaaaaaaaaa']],
      ['DELETE', '/arvados/v1/groups/zzzzz-j7d0g-aaaaaaaaaaaaaaa', 'trashGroup', ['zzzzz-j7d0g-aaaaaaaaaaaaaaa']],
    ];
    for (const [method, path, apiMethod, args] of expectations) {
      const r = await call(method, path);
      assert.equal(r.status, 200, `${method} ${path}`);
      assert.deepEqual(calls[0], { method: apiMethod, args: [AUTH.authorization.slice(7), ...args] }, `${method} ${path}`);
    }
  });

  test('token sources: Bearer, OAuth2, api_token; none is 401 before anything else', async () => {
    for (const [headers, path] of [[{ authorization: 'OAuth2 tok1' }, ''], [{ authorization: '' }, '?api_token=tok1']] as const) {
      calls.length = 0;
      const res = await fetch(`${base}/arvados/v1/users/current${path}`, { headers });
      assert.equal(res.status, 200);
      assert.deepEqual(calls[0]!.args, ['tok1']);
    }
    calls.length = 0;
    const res = await fetch(`${base}/arvados/v1/collections?filters=garbage`);
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { errors: ['Not logged in'] });
    assert.equal(calls.length, 0);
  });

  test('malformed requests are 400 with a clear message and never reach the API', async () => {
    const bad: Array<[string, string, Record<string, string>, string, RegExp]> = [
      ['POST', '/arvados/v1/collections', JSON_TYPE, '{"collection": {', /invalid JSON in request body/],
      ['POST', '/arvados/v1/collections', JSON_TYPE, '[1,2]', /JSON object/],
      ['POST', '/arvados/v1/collections', FORM, 'collection={nope', /collection is not valid JSON/],
      ['POST', '/arvados/v1/collections', FORM, 'collection={"nmae":"x"}', /unknown attribute "nmae"/],
      ['POST', '/arvados/v1/collections', FORM, 'collection={"name":5}', /collection.name must be string\|null/],
      ['POST', '/arvados/v1/collections', FORM, 'collection={"properties":[1]}', /collection.properties must be object/],
      ['POST', '/arvados/v1/collections', FORM, 'collection={}&replace_files={"/a":1}', /replace_files/],
      ['PATCH', `/arvados/v1/collections/${UUID}`, FORM, 'x_keepgate_file_attrs={"a":{"etag":"x","fingerprint":7}}', /mtime must be a non-empty string/],
      ['PATCH', `/arvados/v1/collections/${UUID}`, FORM, 'x_keepgate_file_attrs={"a":{"etag":"x","mtime":"2026-01-01T00:00:00Z","fingerprint":7}}', /fingerprint must be a string/],
      ['PATCH', `/arvados/v1/collections/${UUID}`, FORM, 'x_keepgate_preconditions={"a":"maybe"}', /must be one of/],
      ['GET', '/arvados/v1/collections?filters=[["name","==","x"]]', {}, '', /invalid operator/],
      ['GET', '/arvados/v1/collections?filters=[["nosuch","=","x"]]', {}, '', /invalid attribute "nosuch"/],
      ['GET', '/arvados/v1/collections?filters=[["name","in","x"]]', {}, '', /must be an array/],
      ['GET', '/arvados/v1/collections?filters=[["groups.name","=","x"]]', {}, '', /invalid attribute/],
      ['GET', '/arvados/v1/collections?filters={"a":1}', {}, '', /filters must be/],
      ['GET', '/arvados/v1/collections?select=["nosuch"]', {}, '', /invalid attribute "nosuch" in select/],
      ['GET', '/arvados/v1/collections?order=name%20sideways', {}, '', /invalid order/],
      ['GET', '/arvados/v1/collections?limit=-1', {}, '', /limit must be a non-negative integer/],
      ['GET', '/arvados/v1/collections?count=some', {}, '', /count must be/],
      ['GET', '/arvados/v1/collections?include_trash=maybe', {}, '', /include_trash must be true or false/],
      ['GET', '/arvados/v1/groups/zzzzz-j7d0g-aaaaaaaaaaaaaaa/contents?select=["manifest_text"]', {}, '', /select/],
      ['GET', '/arvados/v1/groups/contents', {}, '', /uuid parameter/],
      ['POST', '/arvados/v1/links', FORM, 'link={"name":"can_read"}', /link needs/],
    ];
    for (const [method, path, headers, body, message] of bad) {
      const r = await call(method, path, { headers, body: body || undefined });
      assert.equal(r.status, 400, `${method} ${path} ${body}: ${JSON.stringify(r.body)}`);
      const errors = r.body.errors as string[];
      assert.ok(Array.isArray(errors) && errors.length === 1);
      assert.match(errors[0]!, message);
      assert.equal(calls.length, 0, `${method} ${path} reached the API`);
    }
  });

  test('any JSON value as filters is either accepted or a 400, never a crash', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (v) => {
      const r = await call('GET', `/arvados/v1/groups?filters=${encodeURIComponent(JSON.stringify(v))}`);
      assert.ok(r.status === 200 || r.status === 400, `status ${r.status} for ${JSON.stringify(v)}`);
      assert.equal(calls.length, r.status === 200 ? 1 : 0);
    }), { numRuns: 150 });
  });

  test('API errors keep their status and messages; domain errors map by kind; others are a bare 500', async () => {
    const cases: Array<[unknown, number, string[]]> = [
      [new ArvadosApiError(422, ['duplicate name']), 422, ['duplicate name']],
      [new DomainError('NotFound', 'no such thing'), 404, ['no such thing']],
      [new DomainError('Unavailable', 'disk busy'), 503, ['disk busy']],
      [new Error('secret internals'), 500, ['internal error']],
    ];
    for (const [error, status, errors] of cases) {
      calls.length = 0;
      failWith.error = error;
      const res = await fetch(`${base}/arvados/v1/users/current`, { headers: AUTH });
      assert.equal(res.status, status);
      assert.match(String(res.headers.get('content-type')), /^application\/json/);
      assert.deepEqual(await res.json(), { errors });
    }
    delete failWith.error;
    assert.ok(unexpected.some((e) => e instanceof Error && e.message === 'secret internals'));
  });

  test('unknown paths are JSON 404s; a known path with the wrong method is 405 with Allow', async () => {
    for (const path of ['/nothing/here', '/arvados/v1/widgets', '/arvados/v1/collections/a/b/c']) {
      const r = await call('GET', path);
      assert.equal(r.status, 404, path);
      assert.match((r.body.errors as string[])[0]!, /not found/i);
    }
    const absolute = await new Promise<string>((done) => {
      const sock = connect(Number(new URL(base).port), '127.0.0.1', () => sock.end('GET http://elsewhere/arvados/v1/users/current HTTP/1.1\r\nHost: x\r\n\r\n'));
      let text = '';
      sock.on('data', (d) => (text += d.toString()));
      sock.on('close', () => done(text));
    });
    assert.match(absolute, /^HTTP\/1\.1 400 /);
    const r = await call('DELETE', '/arvados/v1/users/current');
    assert.equal(r.status, 405);
    assert.match(String(r.headers.get('allow')), /GET/);
  });

  test('oversized bodies are 413; every response carries X-Request-Id', async () => {
    const r = await call('POST', '/arvados/v1/collections', { headers: FORM, body: `collection=${'x'.repeat(5000)}` });
    assert.equal(r.status, 413);
    assert.equal(calls.length, 0);
    assert.match(String(r.headers.get('x-request-id')), /^req-[0-9a-f]{20}$/);
    const echoed = await fetch(`${base}/arvados/v1/users/current`, { headers: { ...AUTH, 'x-request-id': 'client-42' } });
    assert.equal(echoed.headers.get('x-request-id'), 'client-42');
    const replaced = await fetch(`${base}/arvados/v1/users/current`, { headers: { ...AUTH, 'x-request-id': 'a b<script>' } });
    assert.match(String(replaced.headers.get('x-request-id')), /^req-/);
  });

  test('extra routes are guarded by the management token unless opened', async () => {
    const ping = (auth?: string) => fetch(`${base}/_health/ping`, { headers: auth ? { authorization: auth } : {} });
    assert.equal((await ping()).status, 401);
    assert.equal((await ping('Bearer wrong')).status, 403);
    const ok = await ping('Bearer mgmt');
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { health: 'OK' });
    assert.equal((await fetch(`${base}/open`)).status, 204);
  });

  test('onResponse reports route labels (never ids) with the status', async () => {
    finished.length = 0;
    await call('GET', `/arvados/v1/collections/${UUID}`);
    await call('GET', '/nowhere');
    await fetch(`${base}/_health/ping`, { headers: { authorization: 'Bearer mgmt' } });
    while (finished.length < 3) await new Promise((r) => setImmediate(r));
    assert.deepEqual(finished.map((e) => [e.endpoint, e.status]), [['GET collections/:id', 200], ['unmatched', 404], ['/_health/ping', 200]]);
    assert.ok(finished.every((e) => e.durationMs >= 0 && e.requestId.startsWith('req-')));
  });
});
