// Faults in remote mode: the cluster (the embedded REST + Keep API in its own process) is
// killed mid-upload and mid-download behind an in-process S3 gateway on openRemoteCluster.
// Clients get 503 ServiceUnavailable (or, once a download's headers are out, a cut
// connection), nothing partial is committed, no call waits past the configured timeout, and
// the gateway serves again as soon as the cluster is back on the same address.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import aws4 from 'aws4';
import { isDomainError } from '../../src/common/errors.js';
import { HashPool } from '../../src/common/hash-pool.js';
import { Throttle } from '../../src/common/throttle.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { openRemoteCluster, type RemoteCluster } from '../../src/cluster/arvados/remote-cluster.js';
import type { BlockStore } from '../../src/keep/block-store.js';
import { createS3App } from '../../src/s3/app.js';
import { Site } from '../../src/site/site.js';
import { startApiServerProcess, type ApiServerProcess } from '../contract/api-server-process.js';

const dataDir = mkdtempSync(join(tmpdir(), 'keepgate-remote-faults-'));
const pool = new HashPool({ threads: 2 });
let proc: ApiServerProcess;
let port: string;
let cluster: RemoteCluster;
let s3: Server;
let s3Port: number;
let credentials: { accessKeyId: string; secretAccessKey: string };
/** Runs before each block read the gateway makes (to stop the cluster at a chosen moment). */
let beforeBlockRead: (locator: string) => Promise<void> = async () => {};

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

async function startCluster(): Promise<void> {
  proc = await startApiServerProcess(['--data', dataDir, ...(port ? ['--port', port] : [])]);
  port = new URL(proc.url).port;
}

/** SIGKILL: the process dies without closing anything, as in a crash or a network cut. */
async function killCluster(): Promise<void> {
  proc.child.kill('SIGKILL');
  await proc.stop();
}

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Set when the connection broke before the body was complete. */
  error?: Error;
}

/** One signed S3 request; `body` chunks are written one by one, `between(i)` runs after chunk i. */
function s3Request(method: string, path: string, opts: { body?: Buffer[]; between?: (i: number) => Promise<void>; onHeaders?: (res: IncomingMessage) => Promise<void> } = {}): Promise<Reply> {
  const length = (opts.body ?? []).reduce((n, b) => n + b.length, 0);
  const signed = aws4.sign({
    host: `127.0.0.1:${s3Port}`, path, method, service: 's3', region: 'us-east-1',
    headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...(opts.body && { 'content-length': String(length) }) },
  }, credentials);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s3Port, method, path, headers: signed.headers as Record<string, string>, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const done = (error?: Error): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), ...(error && { error }) });
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.complete ? done() : done(new Error('response cut short'))));
      res.on('error', (e) => done(e));
      res.on('aborted', () => done(new Error('response aborted')));
      void opts.onHeaders?.(res);
    });
    req.on('error', reject);
    void (async () => {
      for (const [i, chunk] of (opts.body ?? []).entries()) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        await opts.between?.(i);
      }
      req.end();
    })().catch(reject);
  });
}

const errorCode = (r: Reply): string | undefined => /<Code>([^<]+)<\/Code>/.exec(r.body.toString())?.[1];

before(async () => {
  await startCluster();
  cluster = await openRemoteCluster({ apiHost: proc.url, timeoutMs: 3_000, cacheBytes: 0, hashPool: pool });
  const blocks: BlockStore = {
    put: (d, o) => cluster.blocks.put(d, o),
    head: (l, o) => cluster.blocks.head(l, o),
    get: async (l, o) => {
      await beforeBlockRead(l);
      return cluster.blocks.get(l, o);
    },
  };
  const instrumented: Cluster = { info: cluster.info, api: cluster.api, blocks, close: () => cluster.close() };
  const site = new Site({
    cluster: instrumented,
    throttle: new Throttle(4),
    md5Stream: () => {
      const h = pool.stream('md5');
      return { update: (b) => h.update(b), digest: async () => (await h.digest()).toString('hex') };
    },
    systemRootToken: proc.adminToken,
    folderObjects: true,
  });
  s3 = createServer(createS3App({ site, region: 'us-east-1', maxClockSkewSeconds: 900 }));
  await new Promise<void>((r) => s3.listen(0, '127.0.0.1', r));
  s3Port = (s3.address() as AddressInfo).port;
  const key = proc.adminToken.replace(/\//g, '_');
  credentials = { accessKeyId: key, secretAccessKey: key };
  assert.equal((await s3Request('PUT', '/faults')).status, 200);
});

after(async () => {
  s3.closeAllConnections();
  await new Promise((r) => s3.close(r));
  await cluster.close();
  await proc.stop();
  await pool.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test('cluster killed mid-upload: 503 ServiceUnavailable, nothing committed, uploads work again once it is back', async () => {
  const before = await s3Request('PUT', '/faults/kept.txt', { body: [Buffer.from('kept')] });
  assert.equal(before.status, 200);
  const chunks = Array.from({ length: 16 }, () => randomBytes(512 * 1024));
  const r = await s3Request('PUT', '/faults/big.bin', { body: chunks, between: async (i) => (i === 7 ? killCluster() : undefined) });
  assert.equal(r.status, 503, r.body.toString());
  assert.equal(errorCode(r), 'ServiceUnavailable');
  assert.ok(Number(r.headers['retry-after']) > 0, 'a 503 says when to retry');
  // While the cluster is down every request fails the same way, within the timeout.
  const down = await s3Request('GET', '/faults/kept.txt');
  assert.equal(down.status, 503);
  await assert.rejects(cluster.api.currentUser(proc.adminToken), (e) => isDomainError(e, 'Unavailable'));

  await startCluster();
  assert.equal((await s3Request('GET', '/faults/big.bin')).status, 404, 'the interrupted upload left nothing');
  const kept = await s3Request('GET', '/faults/kept.txt');
  assert.equal(kept.body.toString(), 'kept');
  const again = await s3Request('PUT', '/faults/big.bin', { body: chunks });
  assert.equal(again.status, 200);
  const got = await s3Request('GET', '/faults/big.bin');
  assert.equal(md5(got.body), md5(Buffer.concat(chunks)));
});

test('cluster killed mid-download: the transfer is cut (never a wrong body), then 503, then whole again after recovery', async () => {
  // A file of six blocks, written through the API so each block is separate: the gateway
  // reads ahead, so the last block is asked for only once the response is under way.
  const parts = Array.from({ length: 6 }, () => randomBytes(1 << 20));
  const locators = [];
  for (const p of parts) locators.push((await cluster.blocks.put(p, { token: proc.adminToken })).locator);
  const manifest = `. ${locators.join(' ')} 0:${6 << 20}:three.bin\n`;
  const c = await cluster.api.createCollection(proc.adminToken, { name: 'three-blocks', manifest_text: manifest }, { select: ['uuid'] });
  const whole = Buffer.concat(parts);

  // Stop the cluster just before the gateway asks for the last block.
  beforeBlockRead = async (locator) => {
    if (locator.startsWith(md5(parts[5]!))) {
      beforeBlockRead = async () => {};
      await killCluster();
    }
  };
  const cut = await s3Request('GET', `/${c.uuid}/three.bin`);
  assert.equal(cut.status, 200);
  assert.ok(cut.error, 'the client sees a broken transfer');
  assert.ok(cut.body.length < whole.length);
  assert.ok(whole.subarray(0, cut.body.length).equals(cut.body), 'what arrived is a correct prefix');

  const down = await s3Request('GET', `/${c.uuid}/three.bin`);
  assert.equal(down.status, 503);
  assert.equal(errorCode(down), 'ServiceUnavailable');

  await startCluster();
  const back = await s3Request('GET', `/${c.uuid}/three.bin`);
  assert.equal(back.status, 200);
  assert.ok(back.body.equals(whole));
});
