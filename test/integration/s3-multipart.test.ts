// Multipart uploads and copies through the real gateway: the whole lifecycle, the S3 ETag,
// paging of parts and uploads, every refusal of a bad Complete (and that nothing is written
// then), and that Complete, CopyObject and UploadPartCopy reuse blocks instead of copying.

import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3ServiceException,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { errorCode, startS3Harness, xmlText, type S3Harness } from './s3-harness.js';

const MiB = 1024 * 1024;
const BUCKET = 'uploads';
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

/** Block hashes (with sizes) a manifest references, signatures and other hints dropped. */
function blocks(manifest: string): Set<string> {
  return new Set([...manifest.matchAll(/\b([0-9a-f]{32}\+\d+)(?:\+\S*)?/g)].map((m) => m[1]!));
}

async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof S3ServiceException, String(err));
    assert.equal(err.name, code);
    return true;
  });
}

describe('S3 multipart uploads and copies', () => {
  let h: S3Harness;
  before(async () => {
    h = await startS3Harness();
    await h.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => h.close());

  async function upload(key: string, parts: readonly Buffer[]): Promise<{ uploadId: string; etags: string[] }> {
    const created = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    const uploadId = created.UploadId!;
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const r = await h.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: i + 1, Body: body }));
      etags.push(r.ETag!);
    }
    return { uploadId, etags };
  }

  test('create, upload, list, complete: the S3 ETag, the bytes, and the parts blocks reused', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB), randomBytes(1000)];
    const created = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'big/file.bin', ChecksumAlgorithm: 'CRC32', ContentType: 'application/x-big' }));
    assert.equal(created.ChecksumAlgorithm, 'CRC32');
    const uploadId = created.UploadId!;
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      const r = await h.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'big/file.bin', UploadId: uploadId, PartNumber: i + 1, Body: body, ChecksumAlgorithm: 'CRC32' }));
      assert.equal(r.ETag, `"${md5(body)}"`);
      assert.ok(r.ChecksumCRC32, 'the verified part checksum is echoed');
      etags.push(r.ETag!);
    }
    const page = await h.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'big/file.bin', UploadId: uploadId, MaxParts: 2 }));
    assert.deepEqual(page.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size]), [[1, etags[0], 5 * MiB], [2, etags[1], 5 * MiB]]);
    assert.equal(page.IsTruncated, true);
    const rest = await h.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'big/file.bin', UploadId: uploadId, PartNumberMarker: page.NextPartNumberMarker }));
    assert.deepEqual(rest.Parts?.map((p) => p.PartNumber), [3]);
    const uploads = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    assert.ok(uploads.Uploads?.some((u) => u.UploadId === uploadId && u.Key === 'big/file.bin'));
    const staged = blocks(await h.manifest(uploadId));

    const done = await h.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'big/file.bin',
        UploadId: uploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
    const expectedEtag = `"${md5(Buffer.concat(etags.map((e) => Buffer.from(e.slice(1, -1), 'hex'))))}-3"`;
    assert.equal(done.ETag, expectedEtag);
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'big/file.bin' }));
    assert.equal(head.ETag, expectedEtag);
    assert.equal(head.ContentLength, 10 * MiB + 1000);
    assert.equal(head.ContentType, 'application/x-big');
    const got = await h.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'big/file.bin' }));
    assert.equal(md5(await got.Body!.transformToByteArray()), md5(Buffer.concat(parts)));
    const listed = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'big/file' }));
    assert.equal(listed.Contents?.[0]?.ETag, expectedEtag);
    const dest = blocks(await h.manifest(await h.bucketCollection(BUCKET)));
    for (const b of staged) assert.ok(dest.has(b), `block ${b} of a part is referenced by the completed file`);
    const gone = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }));
    assert.ok(!gone.Uploads?.some((u) => u.UploadId === uploadId));
  });

  test('lib-storage (streamed parts with CRC32 checksums, then Complete with them) round-trips', async () => {
    const data = randomBytes(11 * MiB + 5);
    const upload = new Upload({ client: h.s3, params: { Bucket: BUCKET, Key: 'lib-storage', Body: Readable.from([data]) }, partSize: 5 * MiB });
    const done = await upload.done();
    assert.match(String(done.ETag), /^"[0-9a-f]{32}-3"$/);
    const got = await h.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lib-storage' }));
    assert.equal(md5(await got.Body!.transformToByteArray()), md5(data));
  });

  test('a bad Complete is refused and writes nothing: part order, small parts, wrong ETag, bad XML, bad part numbers, unknown upload', async () => {
    const key = 'refused/file';
    const { uploadId, etags } = await upload(key, [randomBytes(1000), randomBytes(1000)]);
    const path = `/${BUCKET}/${key}?uploadId=${uploadId}`;
    const completeXml = (parts: Array<[number, string]>): string =>
      `<CompleteMultipartUpload>${parts.map(([n, e]) => `<Part><PartNumber>${n}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const cases: Array<[string, string, string]> = [
      ['order', completeXml([[2, etags[1]!], [1, etags[0]!]]), 'InvalidPartOrder'],
      ['duplicate', completeXml([[1, etags[0]!], [1, etags[0]!]]), 'InvalidPartOrder'],
      ['small', completeXml([[1, etags[0]!], [2, etags[1]!]]), 'EntityTooSmall'],
      ['etag', completeXml([[1, '"0123456789abcdef0123456789abcdef"']]), 'InvalidPart'],
      ['missing part', completeXml([[7, etags[0]!]]), 'InvalidPart'],
      ['xml', '<CompleteMultipartUpload><Part>', 'MalformedXML'],
      ['part number 0', completeXml([[0, etags[0]!]]), 'InvalidArgument'],
      ['part number 10001', completeXml([[1, etags[0]!], [10001, etags[1]!]]), 'InvalidPart'],
      ['part number 1.5', completeXml([[1.5, etags[0]!]]), 'MalformedXML'],
    ];
    for (const [what, body, code] of cases) {
      const r = await h.raw({ method: 'POST', path, body });
      assert.equal(r.status, 400, what);
      assert.equal(errorCode(r), code, what);
    }
    const unknown = await h.raw({ method: 'POST', path: `/${BUCKET}/${key}?uploadId=xxxxx-4zz18-000000000000000`, body: completeXml([[1, etags[0]!]]) });
    assert.equal(unknown.status, 404);
    assert.equal(errorCode(unknown), 'NoSuchUpload');
    assert.equal((await h.raw({ method: 'HEAD', path: `/${BUCKET}/${key}` })).status, 404, 'nothing was committed');
    const parts = await h.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId }));
    assert.equal(parts.Parts?.length, 2, 'the upload is still there to be completed properly');
  });

  test('UploadPart and UploadPartCopy refuse a partNumber outside 1..10000 or not an integer: 400 InvalidArgument, no part stored', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'part-source', Body: 'source bytes' }));
    const key = 'bad-part-number';
    const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    for (const partNumber of ['0', '10001', '-1', '1.5', 'x', '']) {
      for (const copy of [false, true]) {
        const r = await h.raw({
          method: 'PUT',
          path: `/${BUCKET}/${key}?partNumber=${encodeURIComponent(partNumber)}&uploadId=${UploadId}`,
          ...(copy ? { headers: { 'x-amz-copy-source': `/${BUCKET}/part-source` } } : { body: 'part body' }),
        });
        const what = `${copy ? 'UploadPartCopy' : 'UploadPart'} partNumber=${JSON.stringify(partNumber)}`;
        assert.equal(r.status, 400, what);
        assert.equal(errorCode(r), 'InvalidArgument', what);
        assert.equal(xmlText(r.body, 'Message'), 'Part number must be an integer between 1 and 10000, inclusive', what);
        assert.equal(xmlText(r.body, 'ArgumentName'), 'partNumber', what);
      }
    }
    const parts = await h.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: key, UploadId }));
    assert.equal(parts.Parts?.length ?? 0, 0);
    const last = await h.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId, PartNumber: 10000, Body: 'the last part number' }));
    assert.ok(last.ETag, 'part 10000 is accepted');
    await h.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId }));
  });

  test('abort: 204, then the upload is gone', async () => {
    const { uploadId } = await upload('aborted', [randomBytes(10)]);
    const r = await h.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: uploadId }));
    assert.equal(r.$metadata.httpStatusCode, 204);
    await rejects(h.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'aborted', UploadId: uploadId })), 'NoSuchUpload');
    assert.equal((await h.raw({ method: 'HEAD', path: `/${BUCKET}/aborted` })).status, 404);
  });

  test('ListMultipartUploads pages with key and upload-id markers', async () => {
    const ids: string[] = [];
    for (const key of ['lmu/a', 'lmu/b', 'lmu/b', 'lmu/c']) {
      ids.push((await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }))).UploadId!);
    }
    const seen: string[] = [];
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: 'lmu/', MaxUploads: 1, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
      seen.push(...(page.Uploads ?? []).map((u) => u.UploadId!));
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
    assert.deepEqual([...seen].sort(), [...ids].sort());
    const rolled = await h.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Delimiter: '/' }));
    assert.ok(rolled.CommonPrefixes?.some((p) => p.Prefix === 'lmu/'));
    for (const [i, id] of ids.entries()) await h.s3.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: ['lmu/a', 'lmu/b', 'lmu/b', 'lmu/c'][i], UploadId: id }));
  });

  test('UploadPartCopy takes byte ranges of an object without copying its blocks', async () => {
    const source = randomBytes(6 * MiB + 123);
    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'copy/source', Body: source }));
    await h.s3.send(new CreateBucketCommand({ Bucket: 'ranged' }));
    const created = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: 'ranged', Key: 'copy' }));
    const uploadId = created.UploadId!;
    const ranges: Array<[number, number]> = [[0, 5 * MiB - 1], [5 * MiB, source.length - 1]];
    const etags: string[] = [];
    for (const [i, [start, end]] of ranges.entries()) {
      const r = await h.s3.send(
        new UploadPartCopyCommand({ Bucket: 'ranged', Key: 'copy', UploadId: uploadId, PartNumber: i + 1, CopySource: `${BUCKET}/copy/source`, CopySourceRange: `bytes=${start}-${end}` }),
      );
      assert.ok(r.CopyPartResult?.ETag);
      etags.push(r.CopyPartResult!.ETag!);
    }
    const outside = await h.raw({
      method: 'PUT',
      path: `/ranged/copy?partNumber=3&uploadId=${uploadId}`,
      headers: { 'x-amz-copy-source': `/${BUCKET}/copy/source`, 'x-amz-copy-source-range': `bytes=0-${source.length}` },
    });
    assert.equal(errorCode(outside), 'InvalidRequest');
    await h.s3.send(
      new CompleteMultipartUploadCommand({ Bucket: 'ranged', Key: 'copy', UploadId: uploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
    );
    const got = await h.s3.send(new GetObjectCommand({ Bucket: 'ranged', Key: 'copy' }));
    assert.equal(md5(await got.Body!.transformToByteArray()), md5(source));
    const sourceBlocks = blocks(await h.manifest(await h.bucketCollection(BUCKET)));
    const copyBlocks = blocks(await h.manifest(await h.bucketCollection('ranged')));
    assert.ok(copyBlocks.size > 0);
    for (const b of copyBlocks) assert.ok(sourceBlocks.has(b), `${b} is a block of the source`);
  });

  test('CopyObject: COPY keeps headers and metadata, REPLACE changes them, both reuse the source blocks', async () => {
    const put = await h.s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'orig.txt', Body: 'original', ContentType: 'text/x-orig', Metadata: { mtime: '1' } }),
    );
    await h.s3.send(new CreateBucketCommand({ Bucket: 'other' }));
    const copied = await h.s3.send(new CopyObjectCommand({ Bucket: 'other', Key: 'dup.txt', CopySource: `${BUCKET}/orig.txt` }));
    assert.equal(copied.CopyObjectResult?.ETag, put.ETag);
    const dup = await h.s3.send(new HeadObjectCommand({ Bucket: 'other', Key: 'dup.txt' }));
    assert.equal(dup.ContentType, 'text/x-orig');
    assert.deepEqual(dup.Metadata, { mtime: '1' });
    const otherBlocks = blocks(await h.manifest(await h.bucketCollection('other')));
    const ownBlocks = blocks(await h.manifest(await h.bucketCollection(BUCKET)));
    assert.ok([...otherBlocks].every((b) => ownBlocks.has(b)), 'the copy references the source block');

    // rclone's mtime update: a copy onto itself with REPLACE.
    await h.s3.send(
      new CopyObjectCommand({ Bucket: BUCKET, Key: 'orig.txt', CopySource: `${BUCKET}/orig.txt`, MetadataDirective: 'REPLACE', Metadata: { mtime: '2' }, ContentType: 'text/x-new' }),
    );
    const replaced = await h.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'orig.txt' }));
    assert.deepEqual(replaced.Metadata, { mtime: '2' });
    assert.equal(replaced.ContentType, 'text/x-new');
    assert.equal(replaced.ETag, put.ETag);
    const body = await h.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'orig.txt' }));
    assert.equal(await body.Body!.transformToString(), 'original');
  });

  test('CopyObject refusals: onto itself unchanged, failed source condition, missing source', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'self', Body: 's' }));
    await rejects(h.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'self', CopySource: `${BUCKET}/self` })), 'InvalidRequest');
    await rejects(
      h.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'self-2', CopySource: `${BUCKET}/self`, CopySourceIfMatch: '"0123"' })),
      'PreconditionFailed',
    );
    await rejects(h.s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'self-3', CopySource: `${BUCKET}/nothing` })), 'NoSuchKey');
    for (const key of ['self-2', 'self-3']) assert.equal((await h.raw({ method: 'HEAD', path: `/${BUCKET}/${key}` })).status, 404);
  });
});
