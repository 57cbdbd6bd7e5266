// RemoteBlockStore against several loopback Keep services (createKeepHandler over its own
// DirBlockStore in a temp dir, all signing with one cluster key, as keepstores do): replicas
// spread over services, failover, retries, 507, timeouts, proxies, tokens, and the block
// cache in front.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDomainError } from '../../src/common/errors.js';
import { HashPool } from '../../src/common/hash-pool.js';
import type { BlockPutOptions, BlockStore } from '../../src/keep/block-store.js';
import { CachingBlockStore } from '../../src/keep/block-cache.js';
import { DirBlockStore } from '../../src/keep/dir-store.js';
import { KeepServiceDiscovery, type KeepServiceRecord } from '../../src/keep/discovery.js';
import { createKeepHandler } from '../../src/keep/http-api.js';
import { RemoteBlockStore, type RemoteBlockStoreOptions } from '../../src/keep/remote-block-store.js';
import { probeOrder } from '../../src/keep/rendezvous.js';
import { SigningBlockStore } from '../../src/keep/signing-store.js';

const KEY = 'remote-keep-test-key';
const TOKEN = 'v2/zzzzz-gj3su-000000000000001/secret';
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

interface Node {
  readonly record: KeepServiceRecord;
  readonly dir: DirBlockStore;
  readonly server: Server;
  /** PUT/GET/HEAD requests seen, with their headers. */
  readonly seen: Array<{ method: string; headers: IncomingMessage['headers'] }>;
  /** Runs before the real handler; returning true means it answered. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

const pool = new HashPool({ threads: 2 });
const root = mkdtempSync(join(tmpdir(), 'keepgate-remote-keep-'));
const nodes: Node[] = [];

/** A store that reports the replicas asked for, as a keepproxy fanning out would. */
function proxyLike(inner: BlockStore): BlockStore {
  return {
    put: async (data: Uint8Array, opts?: BlockPutOptions) => ({ ...(await inner.put(data, opts)), replicas: opts?.replicas ?? 1 }),
    get: (l, o) => inner.get(l, o),
    head: (l, o) => inner.head(l, o),
  };
}

async function startNode(i: number, type: 'disk' | 'proxy' = 'disk'): Promise<Node> {
  const dir = await DirBlockStore.open({ dataDir: join(root, `node${i}`), hashPool: pool });
  const signing = new SigningBlockStore(dir, { key: KEY, ttlSeconds: 3600, requireSignatures: true, clock: Date.now });
  const handler = createKeepHandler({ store: type === 'proxy' ? proxyLike(signing) : signing });
  const seen: Node['seen'] = [];
  const node: Node = {
    dir, seen,
    record: { uuid: `zzzzz-bi6l4-${String(i).padStart(15, '0')}`, url: '', type, readOnly: false },
    server: createServer((req, res) => {
      seen.push({ method: req.method ?? '', headers: req.headers });
      if (!node.intercept?.(req, res)) handler(req, res);
    }),
  };
  await new Promise<void>((r) => node.server.listen(0, '127.0.0.1', r));
  (node.record as { url: string }).url = `http://127.0.0.1:${(node.server.address() as AddressInfo).port}`;
  return node;
}

function reset(): void {
  for (const n of nodes) {
    n.seen.length = 0;
    n.intercept = undefined;
  }
}

function store(services: readonly KeepServiceRecord[], extra: Partial<RemoteBlockStoreOptions> = {}): RemoteBlockStore {
  return new RemoteBlockStore({
    services: new KeepServiceDiscovery({ list: async () => services, now: Date.now }),
    hashPool: pool, defaultReplicas: 1, timeoutMs: 10_000, backoffMs: 1, ...extra,
  });
}

const disk = (): KeepServiceRecord[] => nodes.slice(0, 4).map((n) => n.record);
const holders = async (hash: string): Promise<number[]> => {
  const out: number[] = [];
  for (const [i, n] of nodes.entries()) if (await n.dir.head(hash).then(() => true, () => false)) out.push(i);
  return out;
};
const inProbeOrder = (hash: string): Node[] => probeOrder(hash, disk()).map((r) => nodes.find((n) => n.record === r)!);
const answer = (status: number) => (_req: IncomingMessage, res: ServerResponse): boolean => {
  res.writeHead(status).end(`status ${status}\n`);
  return true;
};

before(async () => {
  for (let i = 0; i < 4; i++) nodes.push(await startNode(i));
  nodes.push(await startNode(4, 'proxy'));
});
after(async () => {
  for (const n of nodes) {
    n.server.closeAllConnections();
    await new Promise((r) => n.server.close(r));
  }
  await pool.close();
  rmSync(root, { recursive: true, force: true });
});

test('replicas: one PUT per replica on the first services in probe order; signed locator; reads verify', async () => {
  reset();
  const data = randomBytes(200_000);
  const r = await store(disk()).put(data, { token: TOKEN, replicas: 2 });
  assert.equal(r.replicas, 2);
  assert.match(r.locator, new RegExp(`^${md5(data)}\\+200000\\+A[0-9a-f]{40}@[0-9a-f]{8}$`));
  const order = inProbeOrder(md5(data));
  assert.deepEqual(await holders(md5(data)), order.slice(0, 2).map((n) => nodes.indexOf(n)).sort());
  for (const n of order.slice(0, 2)) {
    assert.equal(n.seen[0]!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(n.seen[0]!.headers['x-keep-desired-replicas'], '2');
  }
  assert.ok((await store(disk()).get(r.locator, { token: TOKEN })).equals(data));
  // The default applies when the caller names no replication.
  const three = await store(disk(), { defaultReplicas: 3 }).put(randomBytes(10), { token: TOKEN });
  assert.equal(three.replicas, 3);
});

test('storage classes: confirmations are summed per class', async () => {
  reset();
  const r = await store(disk()).put(randomBytes(100), { token: TOKEN, replicas: 2, storageClasses: ['default'] });
  assert.deepEqual(r.storageClasses, { default: 2 });
  await assert.rejects(
    store(disk()).put(randomBytes(100), { token: TOKEN, replicas: 1, storageClasses: ['archive'] }),
    (e) => isDomainError(e, 'Unavailable') && /storage classes archive/.test(e.message),
  );
});

test('writes move on from a full or busy service and come back to the busy one in a later pass', async () => {
  reset();
  const data = randomBytes(5000);
  const [first, second, third, fourth] = inProbeOrder(md5(data));
  first!.intercept = answer(507);
  let busy = 2;
  second!.intercept = (req, res) => busy-- > 0 && answer(503)(req, res);
  const r = await store(disk(), { retries: 2 }).put(data, { token: TOKEN, replicas: 3 });
  assert.equal(r.replicas, 3);
  assert.deepEqual(await holders(md5(data)), [second!, third!, fourth!].map((n) => nodes.indexOf(n)).sort());
  assert.equal(second!.seen.filter((s) => s.method === 'PUT').length, 3, 'two 503s, then stored');
  assert.ok(first!.seen.length <= 3, 'never more attempts than passes');
  // An unreachable service in the list costs nothing but a refused connection.
  reset();
  const gone: KeepServiceRecord = { uuid: 'zzzzz-bi6l4-00000000000dead', url: 'http://127.0.0.1:1', type: 'disk', readOnly: false };
  assert.equal((await store([gone, ...disk()]).put(randomBytes(5000), { token: TOKEN, replicas: 4 })).replicas, 4);
});

test('a write that cannot reach the wanted replicas is Unavailable', async () => {
  reset();
  for (const n of nodes.slice(0, 3)) n.intercept = answer(503);
  await assert.rejects(
    store(disk(), { retries: 1 }).put(randomBytes(100), { token: TOKEN, replicas: 2 }),
    (e) => isDomainError(e, 'Unavailable') && /wanted 2 replicas, stored 1/.test(e.message),
  );
});

test('reads fail over: 503s, a dead service and a missing copy are skipped', async () => {
  reset();
  const data = randomBytes(8000);
  const order = inProbeOrder(md5(data));
  const { locator } = await store([order[3]!.record]).put(data, { token: TOKEN });
  order[0]!.intercept = answer(503);
  const gone: KeepServiceRecord = { uuid: order[1]!.record.uuid, url: 'http://127.0.0.1:1', type: 'disk', readOnly: false };
  const services = [order[0]!.record, gone, order[2]!.record, order[3]!.record];
  assert.ok((await store(services).get(locator, { token: TOKEN })).equals(data));
  assert.equal(await store(services).head(locator, { token: TOKEN }), data.length);
});

test('a service that never answers is Unavailable once the call\'s time is up', async () => {
  reset();
  const data = randomBytes(100);
  const [first] = inProbeOrder(md5(data));
  first!.intercept = () => true; // holds the request open
  await assert.rejects(
    store([first!.record], { timeoutMs: 300 }).put(data, { token: TOKEN }),
    (e) => isDomainError(e, 'Unavailable') && /no answer within 0.3 s/.test(e.message),
  );
  await assert.rejects(
    store([first!.record], { timeoutMs: 300 }).get(`${md5(data)}+100`, { token: TOKEN }),
    (e) => isDomainError(e, 'Unavailable'),
  );
});

test('a proxy gets one PUT asking for all replicas and is trusted for the count', async () => {
  reset();
  const proxy = nodes[4]!;
  const r = await store([proxy.record]).put(randomBytes(1000), { token: TOKEN, replicas: 3 });
  assert.equal(r.replicas, 3);
  assert.equal(proxy.seen.length, 1);
  assert.equal(proxy.seen[0]!.headers['x-keep-desired-replicas'], '3');
});

test('each call acts with its own token: a locator signed for another token is refused', async () => {
  reset();
  const { locator } = await store(disk()).put(randomBytes(64), { token: TOKEN });
  await assert.rejects(store(disk()).get(locator, { token: 'v2/zzzzz-gj3su-000000000000002/other' }), (e) => isDomainError(e, 'PermissionDenied'));
});

test('with the block cache in front, repeated and ranged reads fetch a block once', async () => {
  reset();
  const data = randomBytes(300_000);
  const remote = store(disk());
  const { locator } = await remote.put(data, { token: TOKEN, replicas: 1 });
  reset();
  const cached = new CachingBlockStore(remote, { maxBytes: 1_000_000 });
  const reads = await Promise.all([cached.get(locator, { token: TOKEN }), cached.get(locator, { token: TOKEN })]);
  assert.ok(reads[0].subarray(1000, 2000).equals(data.subarray(1000, 2000)));
  assert.ok((await cached.get(locator, { token: TOKEN })).equals(data));
  const gets = nodes.flatMap((n) => n.seen).filter((s) => s.method === 'GET');
  assert.equal(gets.length, 1);
  assert.deepEqual(cached.stats(), { blocks: 1, bytes: 300_000, hits: 1, misses: 2 });
});
