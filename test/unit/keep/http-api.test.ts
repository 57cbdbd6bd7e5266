import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { DomainError } from '../../../src/common/errors.js';
import { Throttle } from '../../../src/common/throttle.js';
import { EMPTY_BLOCK_LOCATOR, type BlockStore } from '../../../src/keep/block-store.js';
import { isKeepPath } from '../../../src/keep/http-api.js';
import { SigningBlockStore } from '../../../src/keep/signing-store.js';
import { verifySignature } from '../../../src/keep/signature.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';
import { storeContext, type StoreContext } from './dir-store-fixture.js';
import { startKeepServer, type KeepServer } from './http-fixture.js';

const KEY = 'test-signing-key';
const TOKEN = 'v2/zzzzz-gj3su-000000000000000/secret';
const TTL = 3600;
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

let ctx: StoreContext;
let srv: KeepServer;
const clock = { now: Date.UTC(2025, 0, 1) };

before(async () => {
  ctx = await storeContext();
  const dir = await ctx.open();
  const store = new SigningBlockStore(dir, { key: KEY, ttlSeconds: TTL, requireSignatures: true, clock: () => clock.now });
  srv = await startKeepServer({ store, maxBlockSize: 1 << 20 });
});
after(async () => {
  await srv.close();
  await ctx.dispose();
});

async function call(method: string, path: string, opts: { body?: Buffer | Readable; headers?: Record<string, string> } = {}) {
  const res = await request(`${srv.url}${path}`, { method: method as 'GET', body: opts.body, headers: opts.headers });
  const body = Buffer.from(await res.body.arrayBuffer());
  return { status: res.statusCode, headers: res.headers, body, text: body.toString() };
}
const auth = { authorization: `Bearer ${TOKEN}` };

async function putBlock(data: Buffer): Promise<string> {
  const r = await call('PUT', `/${md5(data)}`, { body: data, headers: auth });
  assert.equal(r.status, 200, r.text);
  return r.text.trim();
}

test('PUT stores the block and answers with the signed locator and replica headers', async () => {
  const data = randomBytes(5000);
  const r = await call('PUT', `/${md5(data)}`, { body: data, headers: { ...auth, 'x-keep-desired-replicas': '2', 'x-keep-storage-classes': ' default , ,x' } });
  assert.equal(r.status, 200);
  assert.match(r.text, new RegExp(`^${md5(data)}\\+5000\\+A[0-9a-f]{40}@[0-9a-f]{8}\\n$`));
  assert.equal(verifySignature(r.text.trim(), { key: KEY, token: TOKEN, ttlSeconds: TTL, now: clock.now / 1000 }), 'ok');
  assert.equal(r.headers['x-keep-replicas-stored'], '1');
  assert.equal(r.headers['x-keep-storage-classes-confirmed'], 'default=1');
  assert.equal(r.headers['access-control-allow-origin'], '*');
});

test('PUT refuses a body whose MD5 or length does not match the path', async () => {
  const data = randomBytes(100);
  const other = md5(randomBytes(8));
  const bad = await call('PUT', `/${other}`, { body: data, headers: auth });
  assert.equal(bad.status, 400);
  assert.match(bad.text, new RegExp(`^content hash ${md5(data)} did not match specified locator ${other}\\n$`));
  const badSize = await call('PUT', `/${md5(data)}+99`, { body: data, headers: auth });
  assert.equal(badSize.status, 400);
  assert.ok(!(await ctx.files()).some((f) => f.includes(md5(data))), 'nothing was stored');
});

test('PUT bodies above the block limit get 413, with or without Content-Length', async () => {
  const big = randomBytes((1 << 20) + 1);
  assert.equal((await call('PUT', `/${md5(big)}`, { body: big, headers: auth })).status, 413);
  const chunks = Array.from({ length: 5 }, (_, i) => big.subarray(i * 300_000, (i + 1) * 300_000));
  assert.equal((await call('PUT', `/${md5(big)}`, { body: Readable.from(chunks), headers: auth })).status, 413);
});

test('GET and HEAD with a signed locator; token from Bearer, OAuth2 or api_token', async () => {
  const data = randomBytes(70_000);
  const locator = await putBlock(data);
  for (const r of [
    await call('GET', `/${locator}`, { headers: auth }),
    await call('GET', `/${locator}`, { headers: { authorization: `OAuth2 ${TOKEN}` } }),
    await call('GET', `/${locator}?api_token=${encodeURIComponent(TOKEN)}`),
    await call('GET', `//${locator}`, { headers: auth }),
  ]) {
    assert.equal(r.status, 200);
    assert.ok(r.body.equals(data));
    assert.equal(r.headers['content-length'], '70000');
  }
  const head = await call('HEAD', `/${locator}`, { headers: auth });
  assert.equal(head.status, 200);
  assert.equal(head.headers['content-length'], '70000');
  assert.equal(head.body.length, 0);
});

test('signature failures: no token 401, missing/invalid 400, expired 401', async () => {
  const data = randomBytes(10);
  const locator = await putBlock(data);
  const noToken = await call('GET', `/${locator}`);
  assert.deepEqual([noToken.status, noToken.text], [401, 'no token provided in Authorization header\n']);
  const unsigned = await call('GET', `/${md5(data)}+10`, { headers: auth });
  assert.deepEqual([unsigned.status, unsigned.text], [400, 'invalid signature\n']);
  const wrongToken = await call('GET', `/${locator}`, { headers: { authorization: 'Bearer someone-else' } });
  assert.deepEqual([wrongToken.status, wrongToken.text], [400, 'invalid signature\n']);
  clock.now += (TTL + 5) * 1000;
  try {
    const expired = await call('GET', `/${locator}`, { headers: auth });
    assert.deepEqual([expired.status, expired.text], [401, 'expired signature\n']);
    assert.equal(expired.headers['access-control-allow-origin'], '*');
  } finally {
    clock.now -= (TTL + 5) * 1000;
  }
});

test('GET: 404 for an absent block, 405 without a size hint, 502 for corrupt data, empty block free', async () => {
  const absent = (await call('PUT', `/${md5(Buffer.from('x'))}`, { body: Buffer.from('x'), headers: auth })).text.trim();
  await fsp.rm(join(ctx.dataDir, 'keep', absent.slice(0, 3), absent.slice(0, 32)));
  assert.equal((await call('GET', `/${absent}`, { headers: auth })).status, 404);
  assert.equal((await call('GET', `/${md5(Buffer.from('x'))}`, { headers: auth })).status, 405);
  const empty = await call('GET', `/${EMPTY_BLOCK_LOCATOR.slice(0, 32)}`);
  assert.deepEqual([empty.status, empty.body.length], [200, 0]);

  const data = randomBytes(4000);
  const locator = await putBlock(data);
  const path = join(ctx.dataDir, 'keep', locator.slice(0, 3), locator.slice(0, 32));
  const bytes = await fsp.readFile(path);
  bytes[7] = bytes[7]! ^ 1;
  await fsp.writeFile(path, bytes);
  const corrupt = await call('GET', `/${locator}`, { headers: auth });
  assert.deepEqual([corrupt.status, corrupt.text], [502, 'checksum mismatch in stored data\n']);
});

test('other paths and methods: 400 Bad Request, invalid locator, 405; OPTIONS preflight', async () => {
  assert.deepEqual([(await call('GET', '/index')).status, (await call('GET', '/index')).text], [400, 'Bad Request\n']);
  assert.equal((await call('GET', `/${'a'.repeat(32)}++1`, { headers: auth })).status, 400);
  assert.equal((await call('DELETE', `/${'a'.repeat(32)}+1`, { headers: auth })).status, 405);
  const pre = await call('OPTIONS', `/${'a'.repeat(32)}`);
  assert.equal(pre.status, 200);
  assert.match(String(pre.headers['access-control-allow-methods']), /PUT/);
});

test('isKeepPath routes block paths only', () => {
  assert.ok(isKeepPath(`/${'a'.repeat(32)}`));
  assert.ok(isKeepPath(`//${'a'.repeat(32)}+3+A${'b'.repeat(40)}@12345678`));
  for (const p of ['/arvados/v1/collections', `/${'a'.repeat(31)}`, `/${'A'.repeat(32)}`, `/${'a'.repeat(32)}/x`, '/', `/${'a'.repeat(33)}`]) {
    assert.equal(isKeepPath(p), false, p);
  }
});

test('store errors: Unavailable 503, unexpected 500 reported to onError', async () => {
  const errors: unknown[] = [];
  const failing: BlockStore = {
    put: () => Promise.reject(new DomainError('Unavailable', 'disk full')),
    get: () => Promise.reject(new Error('boom')),
    head: () => Promise.reject(new Error('boom')),
  };
  const s = await startKeepServer({ store: failing, onError: (e) => errors.push(e) });
  try {
    const put = await request(`${s.url}/${md5(Buffer.from('a'))}`, { method: 'PUT', body: 'a' });
    assert.equal(put.statusCode, 503);
    await put.body.dump();
    const get = await request(`${s.url}/${md5(Buffer.from('a'))}+1`);
    assert.deepEqual([get.statusCode, await get.body.text()], [500, 'internal error\n']);
    assert.equal(errors.length, 2);
  } finally {
    await s.close();
  }
});

test('putThrottle bounds concurrent PUTs', async () => {
  const mem = new MemoryBlockStore({ onPut: () => new Promise((r) => setTimeout(r, 5)) });
  const s = await startKeepServer({ store: mem, putThrottle: new Throttle(2) });
  try {
    const blocks = Array.from({ length: 8 }, () => randomBytes(1000));
    const res = await Promise.all(blocks.map((b) => request(`${s.url}/${md5(b)}`, { method: 'PUT', body: b })));
    for (const r of res) {
      assert.equal(r.statusCode, 200);
      await r.body.dump();
    }
    assert.equal(mem.counters.puts, 8);
    assert.equal(mem.counters.maxPutsInFlight, 2);
  } finally {
    await s.close();
  }
});
