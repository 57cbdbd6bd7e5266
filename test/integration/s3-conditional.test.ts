// Conditional writes through the real gateway, as S3 answers them: If-Match on a key that
// does not exist is 404 NoSuchKey (not 412), on a key with another ETag 412, and a matching
// ETag lets the write through. The same for every write that takes If-Match (PutObject,
// CopyObject's destination, CompleteMultipartUpload) and for the copy-source conditions of
// CopyObject and UploadPartCopy on a missing source. A refused write stores nothing.

import { CreateBucketCommand, CreateMultipartUploadCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, startS3Harness, type RawResponse, type S3Harness } from './s3-harness.js';

const BUCKET = 'conditional';

function assertError(r: RawResponse, status: number, code: string, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.body}`);
  assert.equal(errorCode(r), code, what);
}

describe('S3 conditional writes', () => {
  let h: S3Harness;
  let etag: string;
  before(async () => {
    h = await startS3Harness();
    await h.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    etag = (await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'present', Body: 'present body' }))).ETag!;
  });
  after(() => h.close());

  const get = (key: string): Promise<RawResponse> => h.raw({ method: 'GET', path: `/${BUCKET}/${key}` });

  test('PutObject If-Match: missing key 404 NoSuchKey, other ETag 412, same ETag writes', async () => {
    for (const ifMatch of [etag, '*', '"0123456789abcdef0123456789abcdef"']) {
      const r = await h.raw({ method: 'PUT', path: `/${BUCKET}/absent`, headers: { 'if-match': ifMatch }, body: 'new' });
      assertError(r, 404, 'NoSuchKey', `If-Match ${ifMatch} on a missing key`);
    }
    assert.equal((await get('absent')).status, 404, 'nothing was created');

    const stale = await h.raw({ method: 'PUT', path: `/${BUCKET}/present`, headers: { 'if-match': '"0123456789abcdef0123456789abcdef"' }, body: 'lost' });
    assertError(stale, 412, 'PreconditionFailed', 'If-Match with another ETag');
    assert.equal((await get('present')).body, 'present body');

    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'swap', Body: 'one' }));
    const current = (await h.raw({ method: 'HEAD', path: `/${BUCKET}/swap` })).headers['etag'] as string;
    const swapped = await h.raw({ method: 'PUT', path: `/${BUCKET}/swap`, headers: { 'if-match': current }, body: 'two' });
    assert.equal(swapped.status, 200, swapped.body);
    assert.equal((await get('swap')).body, 'two');
  });

  test('PutObject If-Match with an ETag list: any match writes, none 412, `*` writes over an existing key', async () => {
    const other = '"0123456789abcdef0123456789abcdef"';
    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'listed', Body: 'v1' }));
    const putIfMatch = (ifMatch: string, body: string): Promise<RawResponse> =>
      h.raw({ method: 'PUT', path: `/${BUCKET}/listed`, headers: { 'if-match': ifMatch }, body });
    const v1 = (await h.raw({ method: 'HEAD', path: `/${BUCKET}/listed` })).headers['etag'] as string;

    assertError(await putIfMatch(`${other}, "fedcba9876543210fedcba9876543210"`, 'lost'), 412, 'PreconditionFailed', 'no ETag in the list matches');
    assert.equal((await get('listed')).body, 'v1');

    const second = await putIfMatch(`${other}, ${v1}`, 'v2');
    assert.equal(second.status, 200, `the second ETag of the list matches: ${second.body}`);
    assert.equal((await get('listed')).body, 'v2');

    const v2 = second.headers['etag'] as string;
    const weak = await putIfMatch(`W/${v2},${other}`, 'v3');
    assert.equal(weak.status, 200, `a weak first ETag matches: ${weak.body}`);
    assert.equal((await get('listed')).body, 'v3');

    const star = await putIfMatch('*', 'v4');
    assert.equal(star.status, 200, `* on an existing key: ${star.body}`);
    assert.equal((await get('listed')).body, 'v4');
  });

  test('CopyObject: If-Match on a missing destination 404, x-amz-copy-source-if-match on a missing source 404', async () => {
    const toMissing = await h.raw({
      method: 'PUT',
      path: `/${BUCKET}/copy-dest`,
      headers: { 'x-amz-copy-source': `/${BUCKET}/present`, 'if-match': etag },
    });
    assertError(toMissing, 404, 'NoSuchKey', 'If-Match on a missing destination');
    const fromMissing = await h.raw({
      method: 'PUT',
      path: `/${BUCKET}/copy-dest`,
      headers: { 'x-amz-copy-source': `/${BUCKET}/no-source`, 'x-amz-copy-source-if-match': etag },
    });
    assertError(fromMissing, 404, 'NoSuchKey', 'x-amz-copy-source-if-match on a missing source');
    assert.equal((await get('copy-dest')).status, 404, 'nothing was copied');

    const staleDest = await h.raw({
      method: 'PUT',
      path: `/${BUCKET}/present`,
      headers: { 'x-amz-copy-source': `/${BUCKET}/swap`, 'if-match': '"0123456789abcdef0123456789abcdef"' },
    });
    assertError(staleDest, 412, 'PreconditionFailed', 'If-Match with another destination ETag');
    assert.equal((await get('present')).body, 'present body');
  });

  test('UploadPartCopy: x-amz-copy-source-if-match on a missing source 404, no part stored', async () => {
    const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp-copy' }));
    const r = await h.raw({
      method: 'PUT',
      path: `/${BUCKET}/mp-copy?partNumber=1&uploadId=${UploadId}`,
      headers: { 'x-amz-copy-source': `/${BUCKET}/no-source`, 'x-amz-copy-source-if-match': etag },
    });
    assertError(r, 404, 'NoSuchKey', 'copy-source If-Match on a missing source');
    const parts = await h.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'mp-copy', UploadId }));
    assert.equal(parts.Parts?.length ?? 0, 0);
  });

  test('CompleteMultipartUpload If-Match on a missing key 404; the upload stays to be completed', async () => {
    const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'mp' }));
    const part = await h.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'mp', UploadId, PartNumber: 1, Body: 'only part' }));
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${part.ETag}</ETag></Part></CompleteMultipartUpload>`;
    const refused = await h.raw({ method: 'POST', path: `/${BUCKET}/mp?uploadId=${UploadId}`, headers: { 'if-match': etag }, body });
    assertError(refused, 404, 'NoSuchKey', 'If-Match on a missing key');
    assert.equal((await get('mp')).status, 404, 'nothing was committed');
    const done = await h.raw({ method: 'POST', path: `/${BUCKET}/mp?uploadId=${UploadId}`, body });
    assert.equal(done.status, 200, done.body);
    assert.equal((await get('mp')).body, 'only part');
  });
});
