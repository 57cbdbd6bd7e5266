// `keepgate serve --cluster-type arvados` as an operator runs it, twice, in front of one
// cluster (the embedded REST + Keep API in a third process, spoken to as a plain Arvados:
// keepgate's API extensions off). Each gateway is stateless: no data directory, no
// credentials file, users sign with their Arvados token. A multipart upload started through
// one gateway is completed through the other; concurrent PUTs through both into one bucket
// all survive; readiness follows the cluster; an expired upload is swept at start.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, ListObjectsV2Command,
  ListPartsCommand, PutObjectCommand, S3Client, S3ServiceException, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startApiServerProcess, type ApiServerProcess } from '../contract/api-server-process.js';
import { startGateway, type Gateway } from '../helpers/gateway.js';

const MiB = 1024 * 1024;
const BUCKET = 'shared';
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
/** As against a real Arvados cluster: per-file attributes derived, preconditions checked by the gateway. */
const PLAIN = ['--cluster-extensions', 'off'];

function s3(g: Gateway): S3Client {
  return new S3Client({
    endpoint: g.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: g.accessKey, secretAccessKey: g.secretKey },
    maxAttempts: 1,
  });
}

async function body(c: S3Client, bucket: string, key: string): Promise<Buffer> {
  const r = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

/** File keys under prefix (directory placeholders `dir/` left out). */
async function keys(c: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await c.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    out.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return out.filter((k) => !k.endsWith('/')).sort();
}

async function rest(cluster: ApiServerProcess, method: string, path: string, payload?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${cluster.url}/arvados/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${cluster.adminToken}`, ...(payload !== undefined && { 'content-type': 'application/json' }) },
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `${method} ${path}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Polls until `check` holds (each test has its own timeout; nothing here is a timed assertion). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const readyStatus = async (g: Gateway): Promise<number> => {
  const res = await fetch(`${g.apiEndpoint}/_health/ready`);
  await res.arrayBuffer();
  return res.status;
};

describe('two gateways in remote mode in front of one cluster', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepgate-two-gateways-'));
  let cluster: ApiServerProcess;
  let a: Gateway;
  let b: Gateway;
  let sa: S3Client;
  let sb: S3Client;

  before(async () => {
    cluster = await startApiServerProcess(['--data', dataDir]);
    [a, b] = await Promise.all([
      startGateway({ remote: { apiUrl: cluster.url, token: cluster.adminToken }, args: PLAIN }),
      startGateway({ remote: { apiUrl: cluster.url, token: cluster.adminToken }, args: PLAIN }),
    ]);
    sa = s3(a);
    sb = s3(b);
    await sa.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  after(async () => {
    sa?.destroy();
    sb?.destroy();
    await Promise.all([a?.close(), b?.close()]);
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('each gateway is stateless: ready line with both endpoints, no data directory, only health and metrics on its API listener', async () => {
    for (const g of [a, b]) {
      const ready = JSON.parse(g.logs.find((l) => l.includes('"keepgate ready"'))!) as Record<string, string>;
      assert.equal(ready.s3_endpoint, g.s3Endpoint);
      assert.equal(ready.api_endpoint, g.apiEndpoint);
      assert.equal(ready.cluster_type, 'arvados');
      assert.equal(ready.cluster_api_host, cluster.url);
      assert.equal(existsSync(g.dataDir), false, 'no data directory (nor credentials.json) is made in remote mode');
      assert.equal((await fetch(`${g.apiEndpoint}/_health/ping`)).status, 200);
      assert.equal(await readyStatus(g), 200);
      const metrics = await fetch(`${g.apiEndpoint}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /^# TYPE keepgate_s3_requests_total counter$/m);
      // The REST and Keep APIs are the cluster's: the gateway serves neither.
      for (const path of ['/arvados/v1/collections', `/${'d'.repeat(32)}+3`]) {
        const res = await fetch(`${g.apiEndpoint}${path}`, { headers: { authorization: `Bearer ${cluster.adminToken}` } });
        assert.equal(res.status, 404, path);
        assert.ok(Array.isArray(((await res.json()) as { errors?: unknown }).errors), 'a JSON error body');
      }
    }
  });

  test('a multipart upload started through one gateway is completed through the other', { timeout: 120_000 }, async () => {
    const key = 'mp/across gateways.bin';
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(MiB + 17)];
    const { UploadId } = await sa.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const etags: string[] = [];
    for (const [i, part] of parts.entries()) {
      const via = i % 2 === 0 ? sa : sb; // parts 1 and 3 through A, part 2 through B
      const r = await via.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: i + 1, Body: part }));
      assert.equal(r.ETag?.replaceAll('"', ''), md5(part), `part ${i + 1} ETag`);
      etags.push(r.ETag!);
    }
    const listed = await sb.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    assert.deepEqual(listed.Parts?.map((p) => [p.PartNumber, p.Size]), parts.map((p, i) => [i + 1, p.length]), 'B lists the parts A and B took');
    await sb.send(new CompleteMultipartUploadCommand({
      Bucket: BUCKET, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }));
    const whole = Buffer.concat(parts);
    for (const c of [sa, sb]) assert.equal(md5(await body(c, BUCKET, key)), md5(whole), 'the whole object through either gateway');
    await assert.rejects(sa.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId })), (e: unknown) => e instanceof S3ServiceException && e.name === 'NoSuchUpload');
  });

  test('concurrent PUTs through both gateways into one bucket all survive', { timeout: 120_000 }, async () => {
    const objects = Array.from({ length: 40 }, (_, i) => ({ key: `race/${i % 2 ? 'b' : 'a'}/${String(i).padStart(2, '0')}`, data: randomBytes(1000 + i) }));
    await Promise.all(objects.map(({ key, data }, i) => (i % 2 ? sb : sa).send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: data }))));
    const want = objects.map((o) => o.key).sort();
    assert.deepEqual(await keys(sa, BUCKET, 'race/'), want, 'A lists every key');
    assert.deepEqual(await keys(sb, BUCKET, 'race/'), want, 'B lists every key');
    for (const [i, { key, data }] of objects.entries()) assert.equal(md5(await body(i % 3 ? sa : sb, BUCKET, key)), md5(data), key);
  });

  test('a third gateway with the system root token sweeps an expired upload at start and leaves a young one', { timeout: 120_000 }, async () => {
    const { UploadId: old } = await sa.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'sweep/old' }));
    const { UploadId: young } = await sa.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'sweep/young' }));
    // Made "eight days ago", as far as its staging collection says.
    const staged = await rest(cluster, 'GET', `collections/${old}`);
    const properties = { ...(staged.properties as Record<string, unknown>), 'keepgate:upload_initiated': new Date(Date.now() - 8 * 24 * 3_600_000).toISOString() };
    await rest(cluster, 'PATCH', `collections/${old}`, { collection: { properties } });

    const c = await startGateway({
      remote: { apiUrl: cluster.url, token: cluster.adminToken },
      args: [...PLAIN, '--cluster-system-root-token', cluster.adminToken, '--multipart-expiry-hours', '168', '--log-level', 'debug'],
    });
    try {
      await eventually(async () => c.logs.some((l) => l.includes('"multipart expiry sweep"')));
      const line = JSON.parse(c.logs.find((l) => l.includes('"multipart expiry sweep"'))!) as { trashed: number; failed: number };
      assert.deepEqual({ trashed: line.trashed, failed: line.failed }, { trashed: 1, failed: 0 });
      const noSuchUpload = (e: unknown): boolean => e instanceof S3ServiceException && e.name === 'NoSuchUpload';
      await assert.rejects(sb.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'sweep/old', UploadId: old })), noSuchUpload);
      const parts = await sb.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'sweep/young', UploadId: young }));
      assert.deepEqual(parts.Parts ?? [], [], 'the young upload is still there');
    } finally {
      await c.close();
    }
  });

  test('readiness follows the cluster: 503 while it is down (S3 requests too), ready again when it is back', { timeout: 120_000 }, async () => {
    const port = new URL(cluster.url).port;
    await sa.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'before-outage', Body: 'still here' }));
    await cluster.stop();
    await eventually(async () => (await readyStatus(a)) === 503);
    const res = await fetch(`${a.apiEndpoint}/_health/ready`);
    assert.match(((await res.json()) as { error: string }).error, /^cluster: /);
    await assert.rejects(sa.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'during-outage', Body: 'x' })), (e: unknown) =>
      e instanceof S3ServiceException && e.$metadata.httpStatusCode === 503);

    cluster = await startApiServerProcess(['--data', dataDir, '--port', port]);
    await eventually(async () => (await readyStatus(a)) === 200);
    assert.equal((await body(sb, BUCKET, 'before-outage')).toString(), 'still here');
    assert.deepEqual(await keys(sa, BUCKET, 'during-outage'), [], 'nothing from the refused PUT');
  });
});
