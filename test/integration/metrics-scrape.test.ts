// /metrics of a real gateway after a mix of S3 requests as different clients send them (the JS
// SDK v3 with its default checksums, SigV4 with a signed payload hash, presigned URLs): a
// non-zero request counter for every operation used, Keep block I/O, throttle and process
// metrics, and no label value that names a bucket, key, user or token. With
// metrics.management_token set, the scrape needs that token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteBucketTaggingCommand, DeleteObjectCommand, DeleteObjectsCommand, GetBucketTaggingCommand, GetObjectCommand,
  GetObjectTaggingCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand, ListObjectsCommand, ListObjectsV2Command,
  PutBucketTaggingCommand, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { startS3Harness, type S3Harness } from './s3-harness.js';

const MANAGEMENT_TOKEN = 'scrape-token-7f3k2';
const BUCKET = 'metricsbucketqz';
const KEY = 'metricskeyqz/photo.bin';
const BLOCKS = { small: 'metricssmallqz.txt', copy: 'metricscopyqz.txt', multipart: 'metricsmpuqz.bin', aborted: 'metricsabortqz.bin' };

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition (comments skipped). */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(m, `unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

const total = (samples: readonly Sample[], name: string, match: Record<string, string> = {}): number =>
  samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

/** The S3 traffic; returns the operations it used (AWS names). */
async function runClientMix(h: S3Harness): Promise<Set<string>> {
  const used = new Set<string>();
  const sdk = h.s3;
  const send = async <T>(op: string, p: Promise<T>): Promise<T> => {
    used.add(op);
    return p;
  };
  await send('CreateBucket', sdk.send(new CreateBucketCommand({ Bucket: BUCKET })));
  await send('HeadBucket', sdk.send(new HeadBucketCommand({ Bucket: BUCKET })));
  await send('ListBuckets', sdk.send(new ListBucketsCommand({})));
  // Two blocks' worth of distinct bytes, so the object spans several Keep blocks.
  const big = createCipheriv('aes-128-ctr', Buffer.alloc(16, 3), Buffer.alloc(16)).update(Buffer.alloc(70 * 1024 * 1024));
  await send('PutObject', sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: big })));
  await send('PutObject', sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: BLOCKS.small, Body: 'small text' })));
  // A SigV4 client that hashes the payload (x-amz-content-sha256: <hex>), as boto3 and s3cmd do.
  const signed = await h.raw({ method: 'PUT', path: `/${BUCKET}/signed-payload.txt`, body: 'payload signed by hash' });
  assert.equal(signed.status, 200);
  const got = await send('GetObject', sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY })));
  assert.equal((await got.Body!.transformToByteArray()).length, big.length);
  // A presigned URL, as a browser or curl uses it.
  const presigned = await h.raw({ method: 'GET', path: `/${BUCKET}/${BLOCKS.small}`, presign: true });
  assert.equal(presigned.body, 'small text');
  await send('HeadObject', sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY })));
  await send('ListObjectsV2', sdk.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'metricskeyqz/' })));
  await send('ListObjects', sdk.send(new ListObjectsCommand({ Bucket: BUCKET })));
  await send('CopyObject', sdk.send(new CopyObjectCommand({ Bucket: BUCKET, Key: BLOCKS.copy, CopySource: `${BUCKET}/${BLOCKS.small}` })));
  const mpu = await send('CreateMultipartUpload', sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: BLOCKS.multipart })));
  const parts = [];
  for (const [n, size] of [[1, 5 * 1024 * 1024], [2, 1024]] as const) {
    const part = await send('UploadPart', sdk.send(new UploadPartCommand({
      Bucket: BUCKET, Key: BLOCKS.multipart, UploadId: mpu.UploadId, PartNumber: n, Body: Buffer.alloc(size, n),
    })));
    parts.push({ PartNumber: n, ETag: part.ETag! });
  }
  await send('CompleteMultipartUpload', sdk.send(new CompleteMultipartUploadCommand({
    Bucket: BUCKET, Key: BLOCKS.multipart, UploadId: mpu.UploadId, MultipartUpload: { Parts: parts },
  })));
  const aborted = await send('CreateMultipartUpload', sdk.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: BLOCKS.aborted })));
  await send('AbortMultipartUpload', sdk.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: BLOCKS.aborted, UploadId: aborted.UploadId })));
  await send('PutBucketTagging', sdk.send(new PutBucketTaggingCommand({ Bucket: BUCKET, Tagging: { TagSet: [{ Key: 'team', Value: 'ops' }] } })));
  await send('GetBucketTagging', sdk.send(new GetBucketTaggingCommand({ Bucket: BUCKET })));
  await send('DeleteBucketTagging', sdk.send(new DeleteBucketTaggingCommand({ Bucket: BUCKET })));
  await send('GetObjectTagging', sdk.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: KEY })));
  await send('DeleteObjects', sdk.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: BLOCKS.copy }, { Key: 'signed-payload.txt' }] } })));
  await send('DeleteObject', sdk.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: BLOCKS.small })));
  // A wrong secret: an auth failure by reason.
  const denied = await h.raw({ method: 'GET', path: `/${BUCKET}/${KEY}`, credentials: { accessKeyId: h.gateway.accessKey, secretAccessKey: 'wrong' } });
  assert.equal(denied.status, 403);
  return used;
}

async function scrape(h: S3Harness, token?: string): Promise<Response> {
  return fetch(`${h.gateway.apiEndpoint}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
}

test('after a mix of clients\' S3 requests, /metrics counts every operation, block I/O, throttle and process; no label names a bucket, key or user', { timeout: 300_000 }, async () => {
  const h = await startS3Harness({ args: ['--metrics-management-token', MANAGEMENT_TOKEN] });
  try {
    const used = await runClientMix(h);

    const anonymous = await scrape(h);
    assert.equal(anonymous.status, 401);
    assert.equal((await scrape(h, 'not-the-token')).status, 403);
    const res = await scrape(h, MANAGEMENT_TOKEN);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const text = await res.text();
    const samples = parseExposition(text);

    for (const op of used) assert.ok(total(samples, 'keepgate_s3_requests_total', { operation: op }) > 0, `no request counted for ${op}`);
    const counted = new Set(samples.filter((x) => x.name === 'keepgate_s3_requests_total' && x.value > 0).map((x) => x.labels['operation']));
    assert.deepEqual([...counted].sort(), [...used].sort(), 'exactly the operations used');
    assert.ok(total(samples, 'keepgate_s3_requests_total', { operation: 'GetObject', status_class: '2xx' }) >= 2, 'SDK and presigned GETs');
    assert.ok(total(samples, 'keepgate_s3_requests_total', { operation: 'PutObject', status_class: '2xx' }) >= 3, 'SDK and signed-payload PUTs');
    assert.ok(total(samples, 'keepgate_s3_request_duration_seconds_count', { operation: 'PutObject' }) >= 3);
    assert.ok(total(samples, 'keepgate_s3_time_to_first_byte_seconds_count', { operation: 'GetObject' }) >= 2);
    assert.ok(total(samples, 'keepgate_s3_received_bytes_total', { operation: 'PutObject' }) >= 70 * 1024 * 1024);
    assert.ok(total(samples, 'keepgate_s3_sent_bytes_total', { operation: 'GetObject' }) >= 70 * 1024 * 1024);
    assert.ok(total(samples, 'keepgate_s3_auth_failures_total', { reason: 'SignatureDoesNotMatch' }) >= 1);
    assert.ok(total(samples, 'keepgate_s3_payload_modes_total', { mode: 'sha256' }) >= 1, 'the hashed-payload client');
    assert.ok(total(samples, 'keepgate_s3_payload_modes_total') >= 5);
    assert.equal(total(samples, 'keepgate_s3_multipart_uploads_in_progress'), 0, 'one completed, one aborted');
    assert.equal(total(samples, 'keepgate_s3_requests_in_flight'), 0);

    // Keep block I/O: the 70 MiB object is two blocks written and read back, plus the small ones.
    assert.ok(total(samples, 'keepgate_keep_block_write_duration_seconds_count', { outcome: 'ok' }) >= 2);
    assert.ok(total(samples, 'keepgate_keep_block_read_duration_seconds_count', { outcome: 'ok' }) >= 2);
    assert.ok(total(samples, 'keepgate_keep_block_write_bytes_total') >= 70 * 1024 * 1024);
    assert.ok(total(samples, 'keepgate_keep_block_read_bytes_total') >= 70 * 1024 * 1024);

    // The write throttle (storage.write_throttle, default 4) and the memory it bounds.
    assert.equal(total(samples, 'keepgate_keep_write_throttle_limit'), 4);
    for (const name of ['keepgate_keep_write_throttle_active', 'keepgate_keep_write_throttle_waiting', 'keepgate_mem_segment_bytes']) {
      assert.ok(samples.some((s) => s.name === name), `${name} is exported`);
    }
    assert.match(text, /^# TYPE keepgate_keep_write_throttle_wait_seconds histogram$/m);

    // The REST/Keep API listener counts itself by route pattern.
    assert.ok(total(samples, 'keepgate_api_requests_total', { endpoint: '/metrics' }) >= 2, 'the refused scrapes');

    // Node's process and runtime metrics, under their usual names.
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      assert.ok(samples.some((s) => s.name === name), `${name} is exported`);
    }

    // No label value carries a bucket, a key (or a part of one), a user or token uuid, or a secret.
    const user = (await h.api('GET', 'users/current'))['uuid'] as string;
    const forbidden = [BUCKET, 'metricskeyqz', ...Object.values(BLOCKS).map((k) => k.replace(/\..*$/, '')), 'signed-payload', user, h.gateway.accessKey, h.gateway.secretKey, MANAGEMENT_TOKEN];
    const values = new Set(samples.flatMap((s) => Object.values(s.labels)));
    for (const v of values) for (const f of forbidden) assert.ok(!v.includes(f), `label value ${JSON.stringify(v)} carries ${f}`);
    for (const f of forbidden) assert.ok(!text.includes(f), `the scrape mentions ${f}`);
  } finally {
    await h.close();
  }
});
