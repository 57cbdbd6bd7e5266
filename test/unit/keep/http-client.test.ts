import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDomainError } from '../../../src/common/errors.js';
import { HashPool } from '../../../src/common/hash-pool.js';
import { EMPTY_BLOCK_LOCATOR } from '../../../src/keep/block-store.js';
import { createKeepHandler, type KeepHandler } from '../../../src/keep/http-api.js';
import { KeepHttpClient, type KeepHttpClientOptions } from '../../../src/keep/http-client.js';
import { probeOrder } from '../../../src/keep/rendezvous.js';
import { SignatureError } from '../../../src/keep/signature.js';
import { SigningBlockStore } from '../../../src/keep/signing-store.js';
import type { DirBlockStore } from '../../../src/keep/dir-store.js';
import { storeContext, type StoreContext } from './dir-store-fixture.js';

const KEY = 'client-test-key';
const TOKEN = 'v2/zzzzz-gj3su-000000000000001/secret';
const TTL = 3600;
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const uuid = (i: number): string => `zzzzz-bi6l4-${i.toString(16).padStart(15, '0')}`;

interface Node {
  readonly uuid: string;
  readonly url: string;
  readonly dir: DirBlockStore;
  requests: number;
  /** Runs before the real handler; returning true means it answered. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  close(): Promise<void>;
}

const clock = { now: Date.UTC(2025, 0, 1) };
let ctx: StoreContext;
let pool: HashPool;
const nodes: Node[] = [];

async function startNode(i: number): Promise<Node> {
  const c = await storeContext();
  const dir = await c.open();
  const handler: KeepHandler = createKeepHandler({
    store: new SigningBlockStore(dir, { key: KEY, ttlSeconds: TTL, requireSignatures: true, clock: () => clock.now }),
  });
  const node: Node = {
    uuid: uuid(i),
    url: '',
    dir,
    requests: 0,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await c.dispose();
    },
  };
  const server = createServer((req, res) => {
    node.requests++;
    if (!node.intercept?.(req, res)) handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (node as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return node;
}

function client(services: readonly Node[], extra: Partial<KeepHttpClientOptions> = {}): KeepHttpClient {
  return new KeepHttpClient({ services: services.map((n) => ({ url: n.url, uuid: n.uuid })), hashPool: pool, token: TOKEN, backoffMs: 1, ...extra });
}

/** The nodes in the order a client probes them for `hash`. */
const ordered = (hash: string): Node[] => probeOrder(hash, nodes);

before(async () => {
  ctx = await storeContext();
  pool = ctx.pool;
  for (let i = 0; i < 3; i++) nodes.push(await startNode(i));
});
after(async () => {
  for (const n of nodes) await n.close();
  await ctx.dispose();
});

function reset(): void {
  for (const n of nodes) {
    n.requests = 0;
    n.intercept = undefined;
  }
}

test('put stores on the first service in probe order; get and head read it back', async () => {
  reset();
  const c = client(nodes);
  const data = randomBytes(100_000);
  const r = await c.put(data);
  assert.match(r.locator, new RegExp(`^${md5(data)}\\+100000\\+A[0-9a-f]{40}@[0-9a-f]{8}$`));
  assert.equal(r.replicas, 1);
  assert.deepEqual(r.storageClasses, { default: 1 });
  const [first, ...rest] = ordered(md5(data));
  assert.equal(await first!.dir.head(md5(data)), data.length);
  for (const n of rest) await assert.rejects(n.dir.head(md5(data)), (e) => isDomainError(e, 'NotFound'));
  assert.ok((await c.get(r.locator)).equals(data));
  assert.equal(await c.head(r.locator), data.length);
});

test('get falls through 404s to the service that has the block', async () => {
  reset();
  const data = randomBytes(2000);
  const last = ordered(md5(data)).at(-1)!;
  await last.dir.put(data);
  const locator = (await client([last]).put(data)).locator; // a signed locator, same store
  assert.ok((await client(nodes).get(locator)).equals(data));
  assert.deepEqual(
    ordered(md5(data)).map((n) => n.requests),
    [1, 1, 2],
  );
});

test('a block missing everywhere is NotFound after one pass (404 is not retried)', async () => {
  reset();
  const c = client(nodes, { retries: 3 });
  const signed = (await client([nodes[0]!]).put(randomBytes(10))).locator;
  const hash = signed.slice(0, 32);
  await nodes[0]!.dir.delete(hash);
  for (const n of nodes) n.requests = 0;
  await assert.rejects(c.get(signed), (e) => isDomainError(e, 'NotFound'));
  assert.deepEqual(
    nodes.map((n) => n.requests),
    [1, 1, 1],
  );
});

test('503s are retried with backoff until the service answers', async () => {
  reset();
  const data = randomBytes(500);
  const first = ordered(md5(data))[0]!;
  let failuresLeft = 2;
  first.intercept = (_req, res) => {
    if (failuresLeft-- <= 0) return false;
    res.writeHead(503).end('busy\n');
    return true;
  };
  const r = await client([first], { retries: 2 }).put(data);
  assert.equal(r.locator.slice(0, 32), md5(data));
  assert.equal(first.requests, 3);
});

test('persistent 5xx and unreachable services end in Unavailable after the retries', async () => {
  reset();
  const data = randomBytes(500);
  for (const n of nodes) {
    n.intercept = (_req, res) => {
      res.writeHead(500).end('oops\n');
      return true;
    };
  }
  await assert.rejects(client(nodes, { retries: 1 }).put(data), (e) => isDomainError(e, 'Unavailable'));
  assert.deepEqual(
    nodes.map((n) => n.requests),
    [2, 2, 2],
  );
  reset();
  const closed = { url: 'http://127.0.0.1:1', uuid: uuid(9) };
  const c = new KeepHttpClient({ services: [closed, { url: nodes[0]!.url, uuid: nodes[0]!.uuid }], hashPool: pool, token: TOKEN, backoffMs: 1 });
  assert.equal((await c.put(data)).locator.slice(0, 32), md5(data), 'the reachable service takes the block');
  const dead = new KeepHttpClient({ services: [closed], hashPool: pool, retries: 1, backoffMs: 1 });
  await assert.rejects(dead.put(data), (e) => isDomainError(e, 'Unavailable'));
});

test('507 (full) drops that service without retrying it', async () => {
  reset();
  const data = randomBytes(700);
  const [full, ok] = ordered(md5(data));
  full!.intercept = (_req, res) => {
    res.writeHead(507).end('full\n');
    return true;
  };
  const r = await client([full!, ok!], { retries: 2 }).put(data);
  assert.equal(await ok!.dir.head(r.locator.slice(0, 32)), 700);
  assert.equal(full!.requests, 1);
  reset();
  full!.intercept = (_req, res) => {
    res.writeHead(507).end('full\n');
    return true;
  };
  await assert.rejects(client([full!], { retries: 2 }).put(data), (e) => isDomainError(e, 'Unavailable'));
  assert.equal(full!.requests, 1);
});

test('bodies with the wrong bytes or length are Corrupt unless another service has the block', async () => {
  reset();
  const data = randomBytes(3000);
  const [liar, honest] = ordered(md5(data));
  const locator = (await client([honest!]).put(data)).locator;
  for (const bad of [randomBytes(3000), data.subarray(0, 2999)]) {
    reset();
    liar!.intercept = (_req, res) => {
      res.writeHead(200, { 'content-length': String(bad.length) }).end(bad);
      return true;
    };
    await assert.rejects(client([liar!], { retries: 2 }).get(locator), (e) => isDomainError(e, 'Corrupt'));
    assert.equal(liar!.requests, 1, 'corruption is not retried on the same service');
    assert.ok((await client([liar!, honest!]).get(locator)).equals(data));
  }
});

test('signature and request errors are permanent and mapped', async () => {
  reset();
  const data = randomBytes(64);
  const c = client(nodes, { retries: 3 });
  const { locator } = await c.put(data);
  await assert.rejects(c.get(locator, { token: 'other-token' }), (e) => e instanceof SignatureError && e.reason === 'invalid');
  await assert.rejects(c.head(locator, { token: 'other-token' }), (e) => e instanceof SignatureError && e.reason === 'invalid');
  await assert.rejects(client(nodes, { token: undefined }).get(locator), (e) => isDomainError(e, 'Unauthorized'));
  await assert.rejects(c.put(data, { md5: md5(Buffer.from('not it')) }), (e) => isDomainError(e, 'InvalidArgument'));
  clock.now += (TTL + 1) * 1000;
  try {
    await assert.rejects(c.get(locator), (e) => e instanceof SignatureError && e.reason === 'expired');
  } finally {
    clock.now -= (TTL + 1) * 1000;
  }
  // Each refusal came from the first service asked: nothing was retried.
  assert.ok(nodes.reduce((n, x) => n + x.requests, 0) <= 6);
});

test('a service that never answers times out and counts as unavailable', async () => {
  reset();
  const data = randomBytes(100);
  const [slow] = ordered(md5(data));
  slow!.intercept = () => true; // never responds
  await assert.rejects(client([slow!], { retries: 0, timeoutMs: 100 }).put(data), (e) => isDomainError(e, 'Unavailable'));
});

test('+K@<uuid> hints are probed first', async () => {
  reset();
  const data = randomBytes(900);
  const last = ordered(md5(data)).at(-1)!;
  const { locator } = await client([last]).put(data);
  const hinted = `${locator}+K@${last.uuid}`;
  assert.ok((await client(nodes).get(hinted)).equals(data));
  assert.deepEqual(
    ordered(md5(data)).map((n) => n.requests),
    [0, 0, 2],
  );
});

test('the empty block needs no service', async () => {
  const c = new KeepHttpClient({ services: [{ url: 'http://127.0.0.1:1' }], hashPool: pool, retries: 0 });
  assert.equal((await c.put(new Uint8Array(0))).locator, EMPTY_BLOCK_LOCATOR);
  assert.equal((await c.get(EMPTY_BLOCK_LOCATOR)).length, 0);
  assert.equal(await c.head(EMPTY_BLOCK_LOCATOR), 0);
  assert.throws(() => new KeepHttpClient({ services: [], hashPool: pool }), RangeError);
});
