import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import { parseRequest, splitRequestUrl } from '../../../src/s3/route.js';
import type { S3Op, S3OpOf, S3OperationName } from '../../../src/s3/ops.js';
import { S3Error, type S3ErrorCode } from '../../../src/s3/errors.js';

type Headers = Record<string, string>;

function op<N extends S3OperationName>(name: N, method: string, url: string, headers: Headers = {}): S3OpOf<N> {
  const { rawPath, rawQuery } = splitRequestUrl(url);
  const parsed: S3Op = parseRequest({ method, rawPath, rawQuery, headers });
  assert.equal(parsed.name, name, `${method} ${url}`);
  return parsed as S3OpOf<N>;
}

function fails(method: string, url: string, headers: Headers, code: S3ErrorCode): S3Error {
  const { rawPath, rawQuery } = splitRequestUrl(url);
  try {
    parseRequest({ method, rawPath, rawQuery, headers });
  } catch (err) {
    assert.ok(err instanceof S3Error);
    assert.equal(err.code, code, `${method} ${url}: ${err.message}`);
    return err;
  }
  assert.fail(`${method} ${url} was accepted`);
}

test('ListObjects v1: defaults, marker, max-keys capped at 1000, an empty delimiter means none', () => {
  assert.deepEqual(op('ListObjects', 'GET', '/b').list, { prefix: '', marker: '', maxKeys: 1000 });
  assert.deepEqual(op('ListObjects', 'GET', '/b/?delimiter=%2F&max-keys=1000&prefix=d%2Fe+f').list, {
    prefix: 'd/e f',
    delimiter: '/',
    marker: '',
    maxKeys: 1000,
  });
  // rclone's recursive listing: `delimiter=` is no delimiter.
  assert.equal(op('ListObjects', 'GET', '/b?delimiter=&max-keys=5000').list.delimiter, undefined);
  assert.equal(op('ListObjects', 'GET', '/b?delimiter=&max-keys=5000').list.maxKeys, 1000);
  assert.equal(op('ListObjects', 'GET', '/b?max-keys=0').list.maxKeys, 0);
  assert.equal(op('ListObjects', 'GET', '/b?max-keys=7&marker=a%2Bb').list.marker, 'a+b');
  assert.equal(op('ListObjects', 'GET', '/b?encoding-type=url').list.encodingType, 'url');
  assert.equal(op('ListObjects', 'GET', '/b?list-type=1').name, 'ListObjects');
  for (const bad of ['-1', 'abc', '1.5', '99999999999']) {
    const err = fails('GET', `/b?max-keys=${bad}`, {}, 'InvalidArgument');
    assert.equal(err.extra['ArgumentName'], 'max-keys');
  }
  fails('GET', '/b?encoding-type=base64', {}, 'InvalidArgument');
  fails('GET', '/b?list-type=3', {}, 'InvalidArgument');
  fails('GET', '/b?prefix=%zz', {}, 'InvalidURI');
});

test('ListObjectsV2: continuation-token, start-after, fetch-owner, encoding-type', () => {
  assert.deepEqual(op('ListObjectsV2', 'GET', '/b?list-type=2').list, { prefix: '', maxKeys: 1000, fetchOwner: false });
  assert.deepEqual(
    op('ListObjectsV2', 'GET', '/b?list-type=2&continuation-token=Zm9vL2E%3D&start-after=dir0%2Fz&fetch-owner=true&encoding-type=url&max-keys=15&delimiter=%2F&prefix=d').list,
    { prefix: 'd', delimiter: '/', maxKeys: 15, encodingType: 'url', continuationToken: 'Zm9vL2E=', startAfter: 'dir0/z', fetchOwner: true },
  );
  // The first value of a repeated parameter counts.
  assert.equal(op('ListObjectsV2', 'GET', '/b?list-type=2&prefix=a&prefix=b').list.prefix, 'a');
});

test('multipart parameters: partNumber 1..10000, uploadId, ListParts and ListMultipartUploads', () => {
  const part = op('UploadPart', 'PUT', '/b/k?partNumber=10000&uploadId=abc%2Bdef');
  assert.deepEqual([part.partNumber, part.uploadId, part.key], [10000, 'abc+def', 'k']);
  for (const bad of ['0', '10001', 'x', '', '1e3', '-1']) fails('PUT', `/b/k?partNumber=${bad}&uploadId=u`, {}, 'InvalidArgument');
  fails('PUT', '/b/k?uploadId=u', {}, 'InvalidArgument');
  assert.deepEqual(op('ListParts', 'GET', '/b/k?uploadId=u').list, { maxParts: 1000, partNumberMarker: 0 });
  assert.deepEqual(op('ListParts', 'GET', '/b/k?uploadId=u&max-parts=2000&part-number-marker=7').list, { maxParts: 1000, partNumberMarker: 7 });
  fails('GET', '/b/k?uploadId=u&part-number-marker=x', {}, 'InvalidArgument');
  assert.equal(op('ListParts', 'GET', '/b/k?uploadId=u&part-number-marker=0000007').list?.partNumberMarker, 7);
  fails('GET', '/b/k?uploadId=u&part-number-marker=10001', {}, 'InvalidArgument');
  fails('GET', '/b/k?uploadId=u&part-number-marker=-1', {}, 'InvalidArgument');
  assert.deepEqual(op('ListMultipartUploads', 'GET', '/b?uploads&prefix=p&delimiter=%2F&key-marker=k&upload-id-marker=u&max-uploads=5&encoding-type=url').list, {
    prefix: 'p',
    delimiter: '/',
    keyMarker: 'k',
    uploadIdMarker: 'u',
    maxUploads: 5,
    encodingType: 'url',
  });
  const create = op('CreateMultipartUpload', 'POST', '/b/k?uploads', {
    'x-amz-checksum-algorithm': 'crc32',
    'x-amz-checksum-type': 'COMPOSITE',
    'content-type': 'video/mp4',
    'x-amz-meta-md5chksum': 'abc',
  });
  assert.deepEqual([create.checksumAlgorithm, create.checksumType, create.content.contentType, create.metadata], ['CRC32', 'COMPOSITE', 'video/mp4', { md5chksum: 'abc' }]);
  fails('POST', '/b/k?uploads', { 'x-amz-checksum-algorithm': 'MD5' }, 'InvalidRequest');
  fails('POST', '/b/k?uploads', { 'x-amz-checksum-type': 'X' }, 'InvalidRequest');
  assert.deepEqual(op('CompleteMultipartUpload', 'POST', '/b/k?uploadId=u', { 'if-none-match': '*' }).conditions, { ifNoneMatch: '*' });
});

test('PutObject: content headers, aws-chunked removed, metadata, canned ACL, write conditions', () => {
  const put = op('PutObject', 'PUT', '/b/k', {
    'content-type': 'text/plain; charset=utf-8',
    'content-encoding': 'gzip,aws-chunked',
    'content-disposition': 'inline',
    'cache-control': 'no-cache',
    'content-language': 'fr',
    expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
    'x-amz-meta-Mtime': '1700000000.5',
    'x-amz-acl': 'private',
    'if-match': '"abc"',
  });
  assert.deepEqual(put.content, {
    contentType: 'text/plain; charset=utf-8',
    contentEncoding: 'gzip',
    contentDisposition: 'inline',
    cacheControl: 'no-cache',
    contentLanguage: 'fr',
    expires: 'Thu, 01 Dec 1994 16:00:00 GMT',
  });
  assert.deepEqual(put.metadata, { mtime: '1700000000.5' });
  assert.equal(put.acl, 'private');
  assert.deepEqual(put.conditions, { ifMatch: ['abc'] });
  assert.deepEqual(op('PutObject', 'PUT', '/b/k', { 'content-encoding': 'aws-chunked' }).content, {});
  fails('PUT', '/b/k', { 'x-amz-acl': 'world-writable' }, 'InvalidArgument');
  fails('PUT', '/b/k', { 'if-none-match': '"abc"' }, 'NotImplemented');
  fails('PUT', '/b/k', { 'x-amz-meta-big': 'x'.repeat(2048) }, 'MetadataTooLarge');
  assert.equal(op('CreateBucket', 'PUT', '/b', { 'x-amz-acl': 'Private' }).acl, 'private');
});

test('CopyObject: URL-encoded x-amz-copy-source with versionId, directive, source conditions', () => {
  const copy = op('CopyObject', 'PUT', '/b/k', {
    'x-amz-copy-source': '/src%20bucket/dir/a%2Bb%20c%E2%9B%B5.txt?versionId=v1',
    'x-amz-metadata-directive': 'replace',
    'x-amz-meta-mtime': '1',
    'x-amz-copy-source-if-match': '"e1"',
    'x-amz-copy-source-if-unmodified-since': 'Wed, 21 Oct 2015 07:28:00 GMT',
  });
  assert.deepEqual(copy.source, { bucket: 'src bucket', key: 'dir/a+b c⛵.txt', versionId: 'v1' });
  assert.equal(copy.directive, 'REPLACE');
  assert.deepEqual(copy.metadata, { mtime: '1' });
  assert.deepEqual(copy.sourceConditions, { ifMatch: ['e1'], ifUnmodifiedSince: new Date('2015-10-21T07:28:00Z') });
  assert.deepEqual(op('CopyObject', 'PUT', '/b/k', { 'x-amz-copy-source': 'b/k2' }).source, { bucket: 'b', key: 'k2' });
  assert.equal(op('CopyObject', 'PUT', '/b/k', { 'x-amz-copy-source': 'b/k2' }).directive, 'COPY');
  // rclone's mtime update: a copy onto itself with REPLACE is allowed; with COPY it is not.
  assert.equal(op('CopyObject', 'PUT', '/b/k', { 'x-amz-copy-source': '/b/k', 'x-amz-metadata-directive': 'REPLACE' }).name, 'CopyObject');
  fails('PUT', '/b/k', { 'x-amz-copy-source': '/b/k' }, 'InvalidRequest');
  for (const bad of ['b', 'b/', '/b', '', '/']) fails('PUT', '/b/k', { 'x-amz-copy-source': bad }, 'InvalidArgument');
  fails('PUT', '/b/k', { 'x-amz-copy-source': 'b/a//c' }, 'InvalidArgument');
  fails('PUT', '/b/k', { 'x-amz-copy-source': 'b/%zz' }, 'InvalidURI');
  fails('PUT', '/b/k', { 'x-amz-copy-source': 'b/k2', 'x-amz-metadata-directive': 'MERGE' }, 'InvalidArgument');
});

test('UploadPart and UploadPartCopy: a partNumber that is no integer in 1..10000 is InvalidArgument with the AWS message', () => {
  const PART_MESSAGE = 'Part number must be an integer between 1 and 10000, inclusive';
  // Integers written plainly or zero-padded, and strings that are no plain integer at all.
  const given = fc.oneof(
    fc.integer({ min: -20_000, max: 20_000 }).map(String),
    fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 20_000 })).map(([zeros, n]) => '0'.repeat(zeros) + String(n)),
    fc.constantFrom('1.5', '1e3', '+1', ' 1', '0x10', '', 'one', '10000.0', '99999999999999999999', '000001', '0010000', '0010001', '-01', '+01'),
    fc.string({ maxLength: 8 }).filter((v) => !/^\d+$/.test(v)),
  );
  fc.assert(
    fc.property(given, fc.boolean(), (value, copy) => {
      const url = `/b/k?partNumber=${encodeURIComponent(value)}&uploadId=u`;
      const headers: Headers = copy ? { 'x-amz-copy-source': 'a/b' } : {};
      const n = Number(value);
      if (/^\d+$/.test(value) && n >= 1 && n <= 10000) {
        assert.equal(op(copy ? 'UploadPartCopy' : 'UploadPart', 'PUT', url, headers).partNumber, n);
        return;
      }
      const err = fails('PUT', url, headers, 'InvalidArgument');
      assert.equal(err.status, 400);
      assert.equal(err.message, PART_MESSAGE);
      assert.deepEqual([err.extra['ArgumentName'], err.extra['ArgumentValue']], ['partNumber', value]);
    }),
  );
});

test('UploadPartCopy: source range must be bytes=first-last', () => {
  const upc = op('UploadPartCopy', 'PUT', '/b/k?partNumber=3&uploadId=u', { 'x-amz-copy-source': 'a/b', 'x-amz-copy-source-range': 'bytes=5-9' });
  assert.deepEqual([upc.sourceRange, upc.partNumber, upc.source], [{ start: 5, end: 9 }, 3, { bucket: 'a', key: 'b' }]);
  assert.equal(op('UploadPartCopy', 'PUT', '/b/k?partNumber=3&uploadId=u', { 'x-amz-copy-source': 'a/b' }).sourceRange, undefined);
  for (const bad of ['bytes=9-5', 'bytes=5-', 'bytes=-5', '5-9', 'bytes=0-1,3-4']) {
    fails('PUT', '/b/k?partNumber=3&uploadId=u', { 'x-amz-copy-source': 'a/b', 'x-amz-copy-source-range': bad }, 'InvalidArgument');
  }
});

test('GetObject/HeadObject: range, partNumber, conditions, checksum mode, response-* overrides', () => {
  const get = op('GetObject', 'GET', '/b/k?versionId=null&response-content-type=text%2Fcsv&response-content-disposition=attachment%3B%20filename%3D%22%C3%A9t%C3%A9.txt%22', {
    range: 'bytes=-10',
    'if-none-match': 'W/"abc", "def"',
    'if-modified-since': 'Wed, 21 Oct 2015 07:28:00 GMT',
    'x-amz-checksum-mode': 'ENABLED',
  });
  assert.deepEqual(get.range, { kind: 'suffix', length: 10 });
  assert.equal(get.rangeHeader, 'bytes=-10');
  assert.equal(get.versionId, 'null');
  assert.deepEqual(get.conditions, { ifNoneMatch: ['abc', 'def'], ifModifiedSince: new Date('2015-10-21T07:28:00Z') });
  assert.equal(get.checksumMode, true);
  assert.equal(get.overrides.contentType, 'text/csv');
  // Non-ASCII goes on the wire as UTF-8 bytes (Node writes header strings as Latin-1).
  const disposition = get.overrides.contentDisposition!;
  assert.equal(Buffer.from(disposition, 'latin1').toString('utf8'), 'attachment; filename="été.txt"');
  validateHeaderValue('content-disposition', disposition);
  assert.equal(op('HeadObject', 'HEAD', '/b/k?partNumber=2').partNumber, 2);
  assert.equal(op('GetObject', 'GET', '/b/k?partNumber=0002').partNumber, 2);
  assert.equal(op('HeadObject', 'HEAD', '/b/k', { range: 'bytes=0-1,4-5' }).range, undefined);
  fails('GET', '/b/k?partNumber=1', { range: 'bytes=0-1' }, 'InvalidRequest');
  fails('GET', '/b/k?response-content-type=a%0D%0AX-Injected%3A%201', {}, 'InvalidArgument');
  fails('GET', '/b/k?partNumber=0', {}, 'InvalidArgument');
});

test('DeleteObject carries a versionId when sent', () => {
  assert.equal(op('DeleteObject', 'DELETE', '/b/k?versionId=v').versionId, 'v');
  assert.equal('versionId' in op('DeleteObject', 'DELETE', '/b/k?versionId='), false);
});
