// The site and S3 app built in-process on an embedded cluster whose block store injects
// faults (src/serve.ts' composition, with a FaultyBlockStore between site and Keep): the
// throttle bounds what a stalled store can pile up, failed block writes give clean errors
// and commit nothing, abandoned uploads give their slots back, and retries never leave two
// files or a doubled one.

import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { DomainError } from '../../src/common/errors.js';
import { MAX_BLOCK_SIZE } from '../../src/keep/block-store.js';
import { parseManifest } from '../../src/manifest/index.js';
import { FaultyBlockStore } from '../helpers/faults/faulty-block-store.js';
import { startInProcessGateway, type InProcessGateway } from '../helpers/faults/in-process-gateway.js';
import { digestOf } from '../helpers/faults/object-model.js';
import * as op from '../helpers/faults/s3-ops.js';
import { errorCode } from '../helpers/faults/s3-raw.js';
import { md5, payload } from '../helpers/faults/seed.js';
import { streamUpload } from '../helpers/faults/streaming-client.js';
import { settledValue, waitFor } from '../helpers/faults/wait.js';

const MiB = 1024 * 1024;
const THROTTLE = 2;

describe('faulty block store under the site and S3 app', () => {
  let gw: InProcessGateway;
  let store!: FaultyBlockStore;
  let bucketUuid: string;

  before(async () => {
    gw = await startInProcessGateway({ throttle: THROTTLE, wrapBlocks: (inner) => (store = new FaultyBlockStore(inner)) });
    assert.equal((await op.createBucket(gw.target, 'faults')).status, 200);
    const list = await gw.cluster.api.listCollections(gw.adminToken, { filters: [['name', '=', 'faults']] });
    bucketUuid = list.items[0]!.uuid;
  });
  after(() => gw.close());
  beforeEach(() => {
    store.plan = {};
    store.release();
  });

  /** The files of the bucket's collection, path -> size, straight from the manifest. */
  async function files(): Promise<Map<string, number>> {
    const c = await gw.cluster.api.getCollection(gw.adminToken, bucketUuid, { select: ['unsigned_manifest_text'] });
    return new Map(parseManifest(c.unsigned_manifest_text!).files.map((f) => [f.path, f.segments.reduce((n, s) => n + s.length, 0)]));
  }

  test('a stalled store: block writes in flight never exceed the throttle and uploaders are held back', async (t) => {
    store.hold();
    const perClient = 3 * MAX_BLOCK_SIZE;
    const uploads = [0, 1, 2].map((i) => streamUpload(gw.target, { bucket: 'faults', key: `held-${i}`, bytes: perClient }));
    await waitFor(() => store.counters.putsInFlight >= THROTTLE, 'the throttle to fill');
    const accepted = await Promise.all(uploads.map((u) => settledValue(() => u.accepted())));
    assert.equal(store.counters.maxPutsInFlight, THROTTLE, 'more block writes in flight than the throttle allows');
    // Each writer may have one block in flight and fill one more before it waits for a slot,
    // plus what loopback socket and stream buffers hold (autotuned TCP buffers reach ~10 MiB).
    for (const [i, n] of accepted.entries()) assert.ok(n <= 2 * MAX_BLOCK_SIZE + 32 * MiB, `uploader ${i} got ${n} bytes in while the store was stalled`);
    t.diagnostic(`bytes taken in per uploader while the store was stalled: ${accepted.map((n) => `${(n / MiB).toFixed(0)} MiB`).join(', ')}`);
    store.release();
    for (const [i, u] of uploads.entries()) {
      const res = await u.done;
      assert.ok(!(res instanceof Error), String(res));
      assert.equal(res.status, 200, res.text);
      assert.equal(String(res.headers.etag).replace(/"/g, ''), u.md5(), `held-${i} ETag`);
    }
    assert.ok(store.counters.maxPutsInFlight <= THROTTLE);
    assert.equal((await files()).get(`held-0`), perClient);
    for (const i of [0, 1, 2]) await op.deleteObject(gw.target, 'faults', `held-${i}`);
  });

  test('uploaders together stay within the process-wide upload memory budget, however long the store stalls', async (t) => {
    store.hold();
    const budget = (THROTTLE + 2) * MAX_BLOCK_SIZE; // Site's default upload memory
    const uploads = [0, 1, 2, 3].map((i) => streamUpload(gw.target, { bucket: 'faults', key: `budget-${i}`, bytes: 100 * MiB }));
    const total = (): number => uploads.reduce((n, u) => n + u.accepted(), 0);
    await settledValue(total);
    // Past the site's longest wait for memory (5 s): a stall must not let uploads go on buffering.
    await new Promise((r) => setTimeout(r, 6000));
    const held = await settledValue(total);
    t.diagnostic(`4 uploaders, store stalled: ${(held / MiB).toFixed(0)} MiB taken in, budget ${budget / MiB} MiB`);
    assert.ok(held <= budget + uploads.length * 16 * MiB, `${(held / MiB).toFixed(0)} MiB taken in against a ${budget / MiB} MiB budget`);
    store.release();
    for (const u of uploads) {
      const res = await u.done;
      assert.ok(!(res instanceof Error), String(res));
      assert.equal(res.status, 200, res.text);
      assert.equal(String(res.headers.etag).replace(/"/g, ''), u.md5());
    }
    for (const i of [0, 1, 2, 3]) await op.deleteObject(gw.target, 'faults', `budget-${i}`);
  });

  test('an unavailable store: 503 ServiceUnavailable, nothing committed, no detail leaked', async () => {
    store.plan = { failPut: () => new DomainError('Unavailable', 'volume /srv/keep0 is read-only') };
    const res = await op.putObject(gw.target, 'faults', 'unavailable', payload('u', 100_000));
    assert.equal(res.status, 503, res.text);
    assert.equal(errorCode(res), 'ServiceUnavailable');
    assert.doesNotMatch(res.text, /srv\/keep0|read-only/);
    assert.equal((await files()).has('unavailable'), false);
  });

  test('an unexpected store failure: 500 InternalError with no detail, nothing committed', async () => {
    store.plan = { failPut: () => Object.assign(new Error('EIO: i/o error, write /secret/path'), { code: 'EIO' }) };
    const res = await op.putObject(gw.target, 'faults', 'eio', payload('e', 100_000));
    assert.ok(res.status === 500 || res.status === 503, `${res.status} ${res.text}`);
    assert.doesNotMatch(res.text, /secret\/path|EIO/);
    assert.equal((await files()).has('eio'), false);
  });

  test('the second block of a large upload fails for good: clean error, no partial file, slots returned', async () => {
    const firstPut = store.counters.puts;
    store.plan = { failPut: (n) => (n > firstPut + 1 ? new DomainError('Unavailable', 'gone') : undefined) };
    const upload = streamUpload(gw.target, { bucket: 'faults', key: 'half', bytes: 3 * MAX_BLOCK_SIZE });
    const res = await upload.done;
    if (!(res instanceof Error)) {
      assert.ok(res.status >= 500, `a PUT whose blocks could not be stored answered ${res.status}`);
      assert.match(res.text, /<Error>/);
    }
    assert.equal((await files()).has('half'), false, 'a partial file was committed');
    await waitFor(() => gw.throttle.stats().active === 0 && gw.throttle.stats().waiting === 0, 'the throttle to drain');
  });

  test('a transient failure of one block: the PUT either succeeds whole or fails clean', async (t) => {
    const firstPut = store.counters.puts;
    store.plan = { failPut: (n) => (n === firstPut + 1 ? new DomainError('Unavailable', 'blip') : undefined) };
    const upload = streamUpload(gw.target, { bucket: 'faults', key: 'blip', bytes: 2 * MAX_BLOCK_SIZE + 12345 });
    const res = await upload.done;
    // A server that gives up mid-body answers and closes; the client may see that as EPIPE.
    t.diagnostic(`PUT after one failed block write -> ${res instanceof Error ? res.message : res.status}`);
    if (!(res instanceof Error) && res.status === 200) {
      assert.equal(String(res.headers.etag).replace(/"/g, ''), upload.md5());
      assert.equal((await files()).get('blip'), 2 * MAX_BLOCK_SIZE + 12345);
      const got = await op.getObject(gw.target, 'faults', 'blip');
      assert.equal(md5(got.body), upload.md5(), 'the stored bytes differ from the sent ones');
    } else {
      if (!(res instanceof Error)) assert.ok(res.status >= 500, res.text);
      assert.equal((await files()).has('blip'), false);
    }
  });

  test('a client that gives up while its blocks wait: slots come back, nothing is committed', async () => {
    store.hold();
    const upload = streamUpload(gw.target, { bucket: 'faults', key: 'abandoned', bytes: 4 * MAX_BLOCK_SIZE });
    await waitFor(() => store.counters.putsInFlight > 0, 'a block write to start');
    upload.abort();
    await upload.done;
    store.release();
    await waitFor(() => gw.throttle.stats().active === 0 && gw.throttle.stats().waiting === 0 && store.counters.putsInFlight === 0, 'the throttle to drain');
    assert.equal((await files()).has('abandoned'), false);
  });

  test('SDK retries after 503s store one file, whole (PutObject, UploadPart, CompleteMultipartUpload)', async () => {
    let failNext = 0;
    store.plan = { failPut: () => (failNext-- > 0 ? new DomainError('Unavailable', 'flaky') : undefined) };
    const sdk = new S3Client({ endpoint: gw.target.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: gw.target.credentials, maxAttempts: 4, retryMode: 'standard' });
    try {
      const body = payload('retried', 3 * MiB);
      failNext = 2;
      await sdk.send(new PutObjectCommand({ Bucket: 'faults', Key: 'retried', Body: body }));
      const { UploadId } = await sdk.send(new CreateMultipartUploadCommand({ Bucket: 'faults', Key: 'retried-mp' }));
      const parts = [payload('rp1', 5 * MiB), payload('rp2', MiB)];
      const etags: string[] = [];
      for (const [i, part] of parts.entries()) {
        failNext = 1;
        etags.push((await sdk.send(new UploadPartCommand({ Bucket: 'faults', Key: 'retried-mp', UploadId, PartNumber: i + 1, Body: part }))).ETag!);
      }
      const complete = { Bucket: 'faults', Key: 'retried-mp', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } };
      await sdk.send(new CompleteMultipartUploadCommand(complete));
      // A retried Complete (the first answer lost) must not append the parts again.
      const again = await op.completeUpload(gw.target, 'faults', 'retried-mp', UploadId!, etags.map((e, i) => ({ part: i + 1, etag: e.replace(/"/g, '') })));
      assert.ok(again.status === 200 || errorCode(again) === 'NoSuchUpload', `${again.status} ${again.text}`);
      const f = await files();
      assert.equal(f.get('retried'), body.length);
      assert.equal(f.get('retried-mp'), 6 * MiB);
      assert.equal([...f.keys()].filter((k) => k.startsWith('retried')).length, 2);
      assert.equal(digestOf((await op.getObject(gw.target, 'faults', 'retried')).body), digestOf(body));
      assert.equal(digestOf((await op.getObject(gw.target, 'faults', 'retried-mp')).body), digestOf(Buffer.concat(parts)));
    } finally {
      sdk.destroy();
    }
  });
});
