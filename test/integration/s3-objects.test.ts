// Buckets and single objects through the real gateway: the JS SDK for the common paths, raw
// requests where headers or statuses must be seen exactly.

import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { errorCode, startS3Harness, xmlText, type S3Harness } from './s3-harness.js';

const md5 = (b: string | Buffer): string => createHash('md5').update(b).digest('hex');

async function rejects(p: Promise<unknown>, code: string, status: number): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof S3ServiceException, String(err));
    assert.equal(err.name, code);
    assert.equal(err.$metadata.httpStatusCode, status);
    return true;
  });
}

describe('S3 buckets and objects', () => {
  let h: S3Harness;
  before(async () => {
    h = await startS3Harness();
    await h.s3.send(new CreateBucketCommand({ Bucket: 'objects' }));
  });
  after(() => h.close());

  test('every response carries x-amz-request-id and x-amz-id-2; errors are XML naming them', async () => {
    const ok = await h.raw({ method: 'GET', path: '/' });
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['x-amz-request-id']), /^[0-9A-F]{16}$/);
    assert.ok(ok.headers['x-amz-id-2']);
    const missing = await h.raw({ method: 'GET', path: '/no-such-bucket-here' });
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-type'], 'application/xml');
    assert.equal(errorCode(missing), 'NoSuchBucket');
    assert.equal(xmlText(missing.body, 'Resource'), '/no-such-bucket-here');
    assert.equal(xmlText(missing.body, 'RequestId'), missing.headers['x-amz-request-id']);
  });

  test('bucket lifecycle: create, list, head, already owned, not empty, delete', async () => {
    await h.s3.send(new CreateBucketCommand({ Bucket: 'life' }));
    const listed = await h.s3.send(new ListBucketsCommand({}));
    assert.ok(listed.Buckets?.some((b) => b.Name === 'life'));
    assert.ok(listed.Owner?.ID);
    const head = await h.raw({ method: 'HEAD', path: '/life' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['x-amz-bucket-region'], 'us-east-1');
    await rejects(h.s3.send(new CreateBucketCommand({ Bucket: 'life' })), 'BucketAlreadyOwnedByYou', 409);
    await h.s3.send(new PutObjectCommand({ Bucket: 'life', Key: 'f', Body: 'x' }));
    await rejects(h.s3.send(new DeleteBucketCommand({ Bucket: 'life' })), 'BucketNotEmpty', 409);
    await h.s3.send(new DeleteObjectCommand({ Bucket: 'life', Key: 'f' }));
    const deleted = await h.s3.send(new DeleteBucketCommand({ Bucket: 'life' }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
    await rejects(h.s3.send(new HeadBucketCommand({ Bucket: 'life' })), 'NotFound', 404);
    await rejects(h.s3.send(new ListObjectsV2Command({ Bucket: 'life' })), 'NoSuchBucket', 404);
  });

  test('HeadBucket returns the collection properties as x-amz-meta-*', async () => {
    await h.s3.send(new CreateBucketCommand({ Bucket: 'props' }));
    const uuid = await h.bucketCollection('props');
    await h.api('PATCH', `collections/${uuid}`, { collection: { properties: { color: 'blue', size: 3, 'bad key': 'x' } } });
    const head = await h.raw({ method: 'HEAD', path: '/props' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['x-amz-meta-color'], 'blue');
    assert.equal(head.headers['x-amz-meta-size'], '3');
    assert.equal(Object.keys(head.headers).filter((k) => k.startsWith('x-amz-meta-bad')).length, 0);
  });

  test('ETag, size and LastModified agree across PUT, HEAD, GET and the listing', async () => {
    const body = 'hello, keepgate\n';
    const put = await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'same/everywhere.txt', Body: body }));
    assert.equal(put.ETag, `"${md5(body)}"`);
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'same/everywhere.txt' }));
    const get = await h.s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'same/everywhere.txt' }));
    assert.equal(await get.Body!.transformToString(), body);
    const list = await h.s3.send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'same/everywhere' }));
    const entry = list.Contents?.[0];
    assert.equal(list.Contents?.length, 1);
    for (const etag of [head.ETag, get.ETag, entry?.ETag]) assert.equal(etag, put.ETag);
    for (const size of [head.ContentLength, get.ContentLength, entry?.Size]) assert.equal(size, body.length);
    // Headers have whole seconds; the listing has milliseconds of the same instant.
    const second = Math.floor(entry!.LastModified!.getTime() / 1000) * 1000;
    assert.equal(head.LastModified?.getTime(), second);
    assert.equal(get.LastModified?.getTime(), second);
    const again = await h.s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'same/everywhere.txt' }));
    assert.equal(again.LastModified?.getTime(), second);
  });

  test('stored representation headers and user metadata come back; Content-Type falls back to the extension', async () => {
    await h.s3.send(
      new PutObjectCommand({
        Bucket: 'objects',
        Key: 'meta.bin',
        Body: 'm',
        ContentType: 'text/x-custom; charset=utf-8',
        CacheControl: 'max-age=60',
        ContentDisposition: 'attachment; filename="m.bin"',
        Metadata: { mtime: '1700000000.5', greeting: 'grüß dich' },
      }),
    );
    const head = await h.s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'meta.bin' }));
    assert.equal(head.ContentType, 'text/x-custom; charset=utf-8');
    assert.equal(head.CacheControl, 'max-age=60');
    assert.equal(head.ContentDisposition, 'attachment; filename="m.bin"');
    assert.equal(head.AcceptRanges, 'bytes');
    // Non-ASCII values go out RFC 2047-encoded, as keep-web sends properties.
    const encoded = `=?UTF-8?b?${Buffer.from('grüß dich').toString('base64')}?=`;
    assert.deepEqual(head.Metadata, { mtime: '1700000000.5', greeting: encoded });
    const raw = await h.raw({ method: 'PUT', path: '/objects/data.json', headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: '{}' });
    assert.equal(raw.status, 200);
    const json = await h.raw({ method: 'HEAD', path: '/objects/data.json' });
    assert.equal(json.headers['content-type'], 'application/json');
  });

  test('Range: 206 with Content-Range, suffix and open ranges; 416 with bytes */size', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'digits', Body: '0123456789' }));
    const cases: Array<[string, string, string]> = [
      ['bytes=2-4', '234', 'bytes 2-4/10'],
      ['bytes=7-', '789', 'bytes 7-9/10'],
      ['bytes=-2', '89', 'bytes 8-9/10'],
      ['bytes=8-100', '89', 'bytes 8-9/10'],
    ];
    for (const [range, body, contentRange] of cases) {
      const r = await h.s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'digits', Range: range }));
      assert.equal(r.$metadata.httpStatusCode, 206, range);
      assert.equal(r.ContentRange, contentRange);
      assert.equal(await r.Body!.transformToString(), body);
    }
    const bad = await h.raw({ method: 'GET', path: '/objects/digits', headers: { range: 'bytes=10-' } });
    assert.equal(bad.status, 416);
    assert.equal(errorCode(bad), 'InvalidRange');
    assert.equal(bad.headers['content-range'], 'bytes */10');
    const ignored = await h.raw({ method: 'GET', path: '/objects/digits', headers: { range: 'bytes=0-1,4-5' } });
    assert.equal(ignored.status, 200);
    assert.equal(ignored.body, '0123456789');
  });

  test('conditional reads: 304 and 412, evaluated before the range', async () => {
    const put = await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'cond', Body: 'conditional' }));
    const notModified = await h.raw({ method: 'GET', path: '/objects/cond', headers: { 'if-none-match': put.ETag! } });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers['etag'], put.ETag);
    const future = new Date(Date.now() + 3_600_000).toUTCString();
    assert.equal((await h.raw({ method: 'GET', path: '/objects/cond', headers: { 'if-modified-since': future } })).status, 304);
    const failed = await h.raw({ method: 'GET', path: '/objects/cond', headers: { 'if-match': '"nope"', range: 'bytes=100-' } });
    assert.equal(failed.status, 412);
    assert.equal(errorCode(failed), 'PreconditionFailed');
    const matched = await h.s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'cond', IfMatch: put.ETag, Range: 'bytes=0-3' }));
    assert.equal(await matched.Body!.transformToString(), 'cond');
  });

  test('response-* parameters override the stored headers', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'override.txt', Body: 'o', ContentType: 'text/plain' }));
    const r = await h.s3.send(
      new GetObjectCommand({ Bucket: 'objects', Key: 'override.txt', ResponseContentType: 'application/x-test', ResponseContentDisposition: 'inline' }),
    );
    assert.equal(r.ContentType, 'application/x-test');
    assert.equal(r.ContentDisposition, 'inline');
  });

  test('a missing key: GET 404 NoSuchKey with an XML body, HEAD 404 with none', async () => {
    const get = await h.raw({ method: 'GET', path: '/objects/not/here' });
    assert.equal(get.status, 404);
    assert.equal(errorCode(get), 'NoSuchKey');
    const head = await h.raw({ method: 'HEAD', path: '/objects/not/here' });
    assert.equal(head.status, 404);
    assert.equal(head.body, '');
    assert.ok(head.headers['x-amz-request-id']);
  });

  test('x-amz-checksum-mode is accepted and no checksum is returned', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'cm', Body: 'checksum mode' }));
    const r = await h.raw({ method: 'GET', path: '/objects/cm', headers: { 'x-amz-checksum-mode': 'ENABLED' } });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'checksum mode');
    assert.deepEqual(Object.keys(r.headers).filter((k) => k.startsWith('x-amz-checksum')), []);
  });

  test('If-None-Match: * creates only', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    await rejects(h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'once', Body: 'second', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
    const r = await h.s3.send(new GetObjectCommand({ Bucket: 'objects', Key: 'once' }));
    assert.equal(await r.Body!.transformToString(), 'first');
  });

  test('dir/ placeholders need an empty body and application/x-directory', async () => {
    const wrongType = await h.raw({ method: 'PUT', path: '/objects/folder/', headers: { 'content-type': 'text/plain' }, body: '' });
    assert.equal(wrongType.status, 400);
    assert.equal(errorCode(wrongType), 'InvalidArgument');
    const withBody = await h.raw({ method: 'PUT', path: '/objects/folder/', headers: { 'content-type': 'application/x-directory' }, body: 'x' });
    assert.equal(withBody.status, 400);
    const ok = await h.raw({ method: 'PUT', path: '/objects/folder/', headers: { 'content-type': 'application/x-directory' }, body: '' });
    assert.equal(ok.status, 200);
    const head = await h.raw({ method: 'HEAD', path: '/objects/folder/' });
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-type'], 'application/x-directory');
    assert.equal((await h.raw({ method: 'HEAD', path: '/objects/folder' })).status, 404);
  });

  test('DeleteObject answers 204 whether or not the key exists', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'doomed', Body: 'd' }));
    for (let i = 0; i < 2; i++) {
      const r = await h.raw({ method: 'DELETE', path: '/objects/doomed' });
      assert.equal(r.status, 204);
    }
    await rejects(h.s3.send(new HeadObjectCommand({ Bucket: 'objects', Key: 'doomed' })), 'NotFound', 404);
  });

  test('payload checks: a verified checksum is echoed; bad MD5, checksum or SHA-256 is refused and nothing is stored', async () => {
    const put = await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'crc', Body: 'checked', ChecksumAlgorithm: 'CRC32' }));
    assert.ok(put.ChecksumCRC32, 'the verified CRC32 is echoed');
    const badMd5 = await h.raw({ method: 'PUT', path: '/objects/bad-md5', headers: { 'content-md5': createHash('md5').update('other').digest('base64') }, body: 'data' });
    assert.equal(errorCode(badMd5), 'BadDigest');
    const badCrc = await h.raw({ method: 'PUT', path: '/objects/bad-crc', headers: { 'x-amz-checksum-crc32': 'AAAAAA==' }, body: 'data' });
    assert.equal(errorCode(badCrc), 'BadDigest');
    const badSha = await h.raw({
      method: 'PUT',
      path: '/objects/bad-sha',
      headers: { 'x-amz-content-sha256': createHash('sha256').update('other').digest('hex') },
      body: 'data',
    });
    assert.equal(badSha.status, 400);
    assert.match(String(errorCode(badSha)), /XAmzContentSHA256Mismatch|SignatureDoesNotMatch/);
    for (const key of ['bad-md5', 'bad-crc', 'bad-sha']) {
      assert.equal((await h.raw({ method: 'HEAD', path: `/objects/${key}` })).status, 404, key);
    }
  });

  test('an aws-chunked upload (JS SDK streaming body with a CRC32 trailer) is stored without its framing', async () => {
    const data = Buffer.alloc(200_000, 'abcdefghij');
    await h.s3.send(
      new PutObjectCommand({ Bucket: 'objects', Key: 'streamed', Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length }),
    );
    const r = await h.raw({ method: 'GET', path: '/objects/streamed' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(data.length));
    assert.equal(r.headers['content-encoding'], undefined);
    assert.equal(md5(Buffer.from(r.body)), md5(data));
  });

  test('requests are counted in the metrics by operation, with auth failures and checksum mismatches', async () => {
    await h.s3.send(new PutObjectCommand({ Bucket: 'objects', Key: 'counted', Body: 'c' }));
    await h.raw({ method: 'GET', path: '/objects/counted', sign: false });
    await h.raw({ method: 'GET', path: '/objects/not-counted' });
    await h.raw({ method: 'PUT', path: '/objects/m', headers: { 'content-md5': createHash('md5').update('x').digest('base64') }, body: 'y' });
    await h.raw({ method: 'PUT', path: '/objects/c', headers: { 'x-amz-checksum-crc32': 'AAAAAA==' }, body: 'y' });
    const text = await (await fetch(`${h.gateway.apiEndpoint}/metrics`)).text();
    const value = (series: string): number => Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
    assert.ok(value('keepgate_s3_requests_total{operation="PutObject",status_class="2xx"}') >= 1);
    assert.ok(value('keepgate_s3_requests_total{operation="GetObject",status_class="4xx"}') >= 1);
    assert.ok(value('keepgate_s3_auth_failures_total{reason="AccessDenied"}') >= 1);
    assert.ok(value('keepgate_s3_checksum_mismatches_total{algorithm="MD5"}') >= 1);
    assert.ok(value('keepgate_s3_checksum_mismatches_total{algorithm="CRC32"}') >= 1);
  });
});
