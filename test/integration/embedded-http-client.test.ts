// ArvadosHttpClient on the wire, against small scripted HTTP(S) servers: how it encodes
// parameters (as the Go SDK does), when it switches a GET to POST + method override, which
// failures it retries, and how error replies and unreachable servers surface.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { ArvadosApiError } from '../../src/arvados-api/api.js';
import { ArvadosHttpClient } from '../../src/arvados-api/http-client.js';
import { apiBaseUrl, encodeParams, MAX_QUERY_LENGTH } from '../../src/arvados-api/request-encoding.js';
import { isDomainError } from '../../src/common/errors.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Script = (seen: Seen, n: number, res: ServerResponse) => void;

/** A server that records every request and answers with the script (n = 0-based request count). */
async function scripted(script: Script): Promise<{ url: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(s);
      script(s, seen.length - 1, res);
    });
  });
  return { url: await listen(server, 'http'), seen, close: () => closeServer(server) };
}

async function listen(server: Server, scheme: string): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const okList = (res: ServerResponse) => json(res, 200, { kind: 'arvados#collectionList', offset: 0, limit: 100, items: [] });
const fast = { retryDelayMs: 1 };

describe('request encoding', () => {
  test('ARVADOS_API_HOST forms: host:port is https; full URLs keep scheme and path prefix', () => {
    assert.equal(apiBaseUrl('api.example:8443').href, 'https://api.example:8443/arvados/v1/');
    assert.equal(apiBaseUrl('http://127.0.0.1:9001').href, 'http://127.0.0.1:9001/arvados/v1/');
    assert.equal(apiBaseUrl('https://gw.example/prefix/').href, 'https://gw.example/prefix/arvados/v1/');
    assert.throws(() => apiBaseUrl('  '), TypeError);
  });

  test('params round-trip: strings verbatim, other values JSON, false and undefined left out', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.constant(true), fc.constant(null), fc.array(fc.string()), fc.dictionary(fc.string(), fc.integer(), { noNullPrototype: true }));
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(value, fc.constant(false), fc.constant(undefined))), (params) => {
      const decoded = new URLSearchParams(encodeParams(params));
      for (const [k, v] of Object.entries(params)) {
        if (v === false || v === undefined) assert.equal(decoded.has(k), false);
        else assert.deepEqual(typeof v === 'string' ? decoded.get(k) : JSON.parse(decoded.get(k)!), v);
      }
    }));
  });
});

describe('ArvadosHttpClient on the wire', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups) await c();
  });
  async function setup(script: Script, opts: { retries?: number; timeoutMs?: number } = {}) {
    const srv = await scripted(script);
    const client = new ArvadosHttpClient({ host: srv.url, ...fast, ...opts });
    cleanups.push(() => client.close(), srv.close);
    return { srv, client };
  }

  test('GET carries the token and JSON-encoded params in the query string', async () => {
    const { srv, client } = await setup((_s, _n, res) => okList(res));
    const list = await client.listCollections('v2/tok', { filters: [['name', '=', 'x y']], limit: 5, include_trash: false, order: ['name'] });
    assert.equal(list.kind, 'arvados#collectionList');
    const req = srv.seen[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.headers.authorization, 'Bearer v2/tok');
    const url = new URL(req.url, 'http://x');
    assert.equal(url.pathname, '/arvados/v1/collections');
    assert.deepEqual(JSON.parse(url.searchParams.get('filters')!), [['name', '=', 'x y']]);
    assert.equal(url.searchParams.get('limit'), '5');
    assert.equal(url.searchParams.has('include_trash'), false);
  });

  test('a long query becomes POST with X-Http-Method-Override: GET and a form body', async () => {
    const { srv, client } = await setup((_s, _n, res) => okList(res));
    const names = Array.from({ length: 200 }, (_, i) => `name-${i}`);
    await client.listCollections('t', { filters: [['name', 'in', names]] });
    const req = srv.seen[0]!;
    assert.ok(encodeParams({ filters: [['name', 'in', names]] }).length > MAX_QUERY_LENGTH);
    assert.equal(req.method, 'POST');
    assert.equal(req.headers['x-http-method-override'], 'GET');
    assert.match(String(req.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.deepEqual(JSON.parse(new URLSearchParams(req.body).get('filters')!)[0][2], names);
  });

  test('writes: POST/PATCH/DELETE with the resource object and options as form values', async () => {
    const { srv, client } = await setup((_s, _n, res) => json(res, 200, { kind: 'arvados#collection' }));
    await client.createCollection('t', { name: 'n' }, { ensure_unique_name: true, replace_files: { '/a': '' } });
    await client.updateCollection('t', 'zzzzz-4zz18-aaaaaaaaaaaaaaa', { properties: { k: 1 } });
    await client.trashCollection('t', 'zzzzz-4zz18-aaaaaaaaaaaaaaa');
    await client.getCollection('t', 'acbd18db4cc2f85cedef654fccc4a4d8+3');
    const [create, update, del, byPdh] = srv.seen;
    assert.equal(create!.method, 'POST');
    const form = new URLSearchParams(create!.body);
    assert.deepEqual(JSON.parse(form.get('collection')!), { name: 'n' });
    assert.equal(form.get('ensure_unique_name'), 'true');
    assert.deepEqual(JSON.parse(form.get('replace_files')!), { '/a': '' });
    assert.equal(update!.method, 'PATCH');
    assert.equal(update!.url, '/arvados/v1/collections/zzzzz-4zz18-aaaaaaaaaaaaaaa');
    assert.deepEqual(JSON.parse(new URLSearchParams(update!.body).get('collection')!), { properties: { k: 1 } });
    assert.equal(del!.method, 'DELETE');
    assert.equal(byPdh!.url, '/arvados/v1/collections/acbd18db4cc2f85cedef654fccc4a4d8%2B3');
  });

  test('idempotent calls retry 502/503/504 and then succeed', async () => {
    const { srv, client } = await setup((_s, n, res) => (n < 3 ? json(res, [502, 503, 504][n]!, { errors: ['busy'] }) : okList(res)));
    await client.listCollections('t');
    assert.equal(srv.seen.length, 4);
  });

  test('retries are bounded; the last error is reported with its Arvados messages', async () => {
    const { srv, client } = await setup((_s, _n, res) => json(res, 503, { errors: ['overloaded'] }), { retries: 2 });
    const err = await client.currentUser('t').catch((e: unknown) => e);
    assert.ok(err instanceof ArvadosApiError);
    assert.equal(err.status, 503);
    assert.deepEqual(err.errors, ['overloaded']);
    assert.equal(srv.seen.length, 3);
  });

  test('writes are not retried on 503 or a dropped connection', async () => {
    const { srv, client } = await setup((s, _n, res) => (s.method === 'PATCH' ? res.socket?.destroy() : json(res, 503, { errors: ['no'] })));
    await assert.rejects(client.createGroup('t', { name: 'g' }), (e: unknown) => e instanceof ArvadosApiError && e.status === 503);
    const dropped = await client.updateGroup('t', 'zzzzz-j7d0g-aaaaaaaaaaaaaaa', { name: 'x' }).catch((e: unknown) => e);
    assert.ok(isDomainError(dropped, 'Unavailable'), String(dropped));
    assert.equal(srv.seen.length, 2);
  });

  test('a dropped connection on a GET is retried', async () => {
    const { srv, client } = await setup((_s, n, res) => (n === 0 ? res.socket?.destroy() : json(res, 200, { kind: 'arvados#user' })));
    assert.equal((await client.currentUser('t')).kind, 'arvados#user');
    assert.equal(srv.seen.length, 2);
  });

  test('error replies map to ArvadosApiError; non-JSON bodies keep an excerpt', async () => {
    const { client } = await setup((s, _n, res) =>
      s.url.includes('users') ? json(res, 404, { errors: ['Not found', 'really'], error_token: '1+abc' })
        : res.writeHead(400, { 'content-type': 'text/html' }).end('<html>Bad   gateway page</html>'));
    const notFound = await client.getUser('t', 'zzzzz-tpzed-aaaaaaaaaaaaaaa').catch((e: unknown) => e);
    assert.ok(notFound instanceof ArvadosApiError);
    assert.deepEqual([notFound.status, notFound.errors], [404, ['Not found', 'really']]);
    const html = await client.keepServices('t').catch((e: unknown) => e);
    assert.ok(html instanceof ArvadosApiError);
    assert.equal(html.status, 400);
    assert.match(html.message, /Bad gateway page/);
  });

  test('an unreachable API is DomainError Unavailable after the retries', async () => {
    const srv = await scripted((_s, _n, res) => okList(res));
    await srv.close();
    const client = new ArvadosHttpClient({ host: srv.url, ...fast, retries: 2 });
    cleanups.push(() => client.close());
    const err = await client.listCollections('t').catch((e: unknown) => e);
    assert.ok(isDomainError(err, 'Unavailable'), String(err));
  });

  test('a server that never answers times out as Unavailable', async () => {
    const { client } = await setup(() => undefined, { timeoutMs: 100, retries: 0 });
    const err = await client.currentToken('t').catch((e: unknown) => e);
    assert.ok(isDomainError(err, 'Unavailable'), String(err));
  });
});

describe('TLS', () => {
  let dir: string | undefined;
  try {
    dir = mkdtempSync(join(tmpdir(), 'keepgate-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  } catch {
    dir = undefined;
  }
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  test('insecure skips certificate verification; without it a self-signed server is refused', { skip: dir ? false : 'openssl not available to make a self-signed certificate' }, async () => {
    const server = createHttpsServer({ key: readFileSync(join(dir!, 'key.pem')), cert: readFileSync(join(dir!, 'cert.pem')) }, (_req, res) =>
      json(res, 200, { kind: 'arvados#user', uuid: 'zzzzz-tpzed-aaaaaaaaaaaaaaa' }));
    const url = await listen(server as unknown as Server, 'https');
    const host = url.replace('https://', ''); // host:port alone means https
    const insecure = new ArvadosHttpClient({ host, insecure: true, ...fast });
    const strict = new ArvadosHttpClient({ host, retries: 0 });
    try {
      assert.equal((await insecure.currentUser('t')).uuid, 'zzzzz-tpzed-aaaaaaaaaaaaaaa');
      const err = await strict.currentUser('t').catch((e: unknown) => e);
      assert.ok(isDomainError(err, 'Unavailable'), String(err));
    } finally {
      await insecure.close();
      await strict.close();
      await closeServer(server as unknown as Server);
    }
  });
});
