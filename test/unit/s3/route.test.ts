import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseRequest, splitRequestUrl, type RouteOptions } from '../../../src/s3/route.js';
import { S3_OPERATIONS, UNSUPPORTED_OPERATIONS, type S3Op } from '../../../src/s3/ops.js';
import { S3Error, type S3ErrorCode } from '../../../src/s3/errors.js';
import { validateKey } from '../../../src/s3/route-target.js';
import { loadFixture } from '../keep/fixture.js';

type Headers = Record<string, string>;

function route(method: string, url: string, headers: Headers = {}, options: RouteOptions = {}): S3Op {
  const { rawPath, rawQuery } = splitRequestUrl(url);
  return parseRequest({ method, rawPath, rawQuery, headers: { host: 'localhost:9000', ...headers } }, options);
}

function routeError(method: string, url: string, headers: Headers = {}, options: RouteOptions = {}): S3Error {
  try {
    route(method, url, headers, options);
  } catch (err) {
    assert.ok(err instanceof S3Error, `expected an S3Error, got ${String(err)}`);
    return err;
  }
  assert.fail(`${method} ${url} was accepted`);
}

const bucketOf = (op: S3Op): string | undefined => ('bucket' in op ? op.bucket : undefined);
const keyOf = (op: S3Op): string | undefined => ('key' in op ? op.key : undefined);

interface ResolutionVector {
  host: string;
  path: string;
  style: 'path' | 'virtual-host';
  bucket: string;
  object_name_given: boolean;
  fspath: string;
}

test('s3-bucket-resolution.json vectors, adapted: virtual host only under the configured base domain', () => {
  const { vectors } = loadFixture<{ vectors: ResolutionVector[] }>('s3-bucket-resolution.json');
  const departures = new Map<string, (v: ResolutionVector) => void>([
    // keep-web also reads `<uuid>--<anything>` as a bucket label; keepgate takes the whole label under the base domain.
    [
      'zzzzz-4zz18-fy296fx3hot09f7--collections.example.com /dir/file.txt',
      (v) => assert.equal(bucketOf(route('GET', v.path, { host: v.host }, { baseDomain: 'example.com' })), 'zzzzz-4zz18-fy296fx3hot09f7--collections'),
    ],
    // keep-web collapses `//`; keepgate refuses a key with an empty component.
    ['localhost:9002 /zzzzz-j7d0g-v955i6s2oi1cbso/coll//boop', (v) => assert.equal(routeError('GET', v.path, { host: v.host }).code, 'InvalidArgument')],
  ]);
  let checked = 0;
  for (const v of vectors) {
    const departure = departures.get(`${v.host} ${v.path}`);
    if (departure) {
      departure(v);
      continue;
    }
    // Path-style vectors use hosts that are not under the base domain.
    const baseDomain = v.style === 'virtual-host' ? 'example.com' : 's3.example.com';
    const op = route('GET', encodeURI(v.path), { host: v.host }, { baseDomain });
    assert.equal(op.style, v.style, `${v.host} ${v.path}`);
    assert.equal(bucketOf(op) ?? '', v.bucket, `${v.host} ${v.path}`);
    assert.equal(keyOf(op) !== undefined, v.object_name_given, `${v.host} ${v.path}`);
    if (v.object_name_given) assert.equal(`/by_id/${v.bucket}/${keyOf(op)}`, v.fspath);
    checked++;
  }
  assert.equal(checked, vectors.length - departures.size);
});

test('virtual-host style needs a configured base domain and a Host under it', () => {
  const uuidHost = { host: 'zzzzz-4zz18-fy296fx3hot09f7.s3.example.com' };
  assert.equal(route('GET', '/k', uuidHost).name, 'ListObjects'); // no base domain: path style, bucket "k"
  assert.equal(bucketOf(route('GET', '/k', uuidHost)), 'k');
  const vhost = route('GET', '/k', uuidHost, { baseDomain: 's3.example.com' });
  assert.deepEqual([vhost.name, bucketOf(vhost), keyOf(vhost), vhost.style], ['GetObject', 'zzzzz-4zz18-fy296fx3hot09f7', 'k', 'virtual-host']);
  // Port ignored, case-insensitive domain, a dotted bucket label, a leading dot in the option.
  assert.equal(bucketOf(route('GET', '/', { host: 'My.Bucket.S3.Example.COM:8443' }, { baseDomain: '.s3.example.com' })), 'My.Bucket');
  // The base domain itself, and other domains, are path style.
  assert.equal(route('GET', '/', { host: 's3.example.com' }, { baseDomain: 's3.example.com' }).name, 'ListBuckets');
  assert.equal(route('GET', '/b', { host: 'x.example.org' }, { baseDomain: 's3.example.com' }).style, 'path');
  assert.equal(route('GET', '/b', { host: 'evil-s3.example.com' }, { baseDomain: 's3.example.com' }).style, 'path');
  // An explicit host wins over headers.host.
  const explicit = parseRequest({ method: 'GET', host: 'b1.s3.example.com', rawPath: '/', rawQuery: '', headers: { host: 'b2.s3.example.com' } }, { baseDomain: 's3.example.com' });
  assert.equal(bucketOf(explicit), 'b1');
});

const OPERATION_CASES: Array<[method: string, url: string, headers: Headers, name: string, operation?: string]> = [
  ['GET', '/', {}, 'ListBuckets'],
  ['PUT', '/b', {}, 'CreateBucket'],
  ['PUT', '/b/', { 'x-amz-acl': 'private' }, 'CreateBucket'],
  ['DELETE', '/b', {}, 'DeleteBucket'],
  ['HEAD', '/b', {}, 'HeadBucket'],
  ['GET', '/b?location', {}, 'GetBucketLocation'],
  ['GET', '/b?versioning', {}, 'GetBucketVersioning'],
  ['GET', '/b', {}, 'ListObjects'],
  ['GET', '/b/?delimiter=%2F', {}, 'ListObjects'],
  ['GET', '/b?list-type=2', {}, 'ListObjectsV2'],
  ['GET', '/b/k', {}, 'GetObject'],
  ['HEAD', '/b/k', {}, 'HeadObject'],
  ['PUT', '/b/k', {}, 'PutObject'],
  ['PUT', '/b/dir/', { 'content-type': 'application/x-directory' }, 'PutObject'],
  ['DELETE', '/b/k', {}, 'DeleteObject'],
  ['POST', '/b?delete', {}, 'DeleteObjects'],
  ['POST', '/b/?delete=', {}, 'DeleteObjects'],
  ['PUT', '/b/k', { 'x-amz-copy-source': '/a/b' }, 'CopyObject'],
  ['PUT', '/b/k?partNumber=1&uploadId=u', { 'x-amz-copy-source': 'a/b' }, 'UploadPartCopy'],
  ['POST', '/b/k?uploads', {}, 'CreateMultipartUpload'],
  ['PUT', '/b/k?partNumber=1&uploadId=u', {}, 'UploadPart'],
  ['POST', '/b/k?uploadId=u', {}, 'CompleteMultipartUpload'],
  ['DELETE', '/b/k?uploadId=u', {}, 'AbortMultipartUpload'],
  ['GET', '/b/k?uploadId=u', {}, 'ListParts'],
  ['GET', '/b?uploads', {}, 'ListMultipartUploads'],
  ['GET', '/b?tagging', {}, 'GetBucketTagging'],
  ['PUT', '/b?tagging', {}, 'PutBucketTagging'],
  ['DELETE', '/b?tagging', {}, 'DeleteBucketTagging'],
  ['GET', '/b/k?tagging', {}, 'GetObjectTagging'],
  ['GET', '/b/k?acl', {}, 'GetObjectAcl'],
  ['GET', '/b?acl', {}, 'GetBucketAcl'],
  ['GET', '/b?policy', {}, 'GetBucketPolicy'],
  ['GET', '/b?cors', {}, 'GetBucketCors'],
  // Unknown parameters are ignored.
  ['GET', '/b/k?x-id=GetObject', {}, 'GetObject'],
  ['PUT', '/b/k?x-id=PutObject&foo=bar&', {}, 'PutObject'],
  ['GET', '/b?list-type=2&x-id=ListObjectsV2&unknown', {}, 'ListObjectsV2'],
  // Known but unsupported sub-resources.
  ['GET', '/b?website', {}, 'NotImplemented', 'GetBucketWebsite'],
  ['PUT', '/b?website', {}, 'NotImplemented', 'PutBucketWebsite'],
  ['DELETE', '/b?website', {}, 'NotImplemented', 'DeleteBucketWebsite'],
  ['GET', '/b?lifecycle', {}, 'NotImplemented', 'GetBucketLifecycleConfiguration'],
  ['PUT', '/b?lifecycle', {}, 'NotImplemented', 'PutBucketLifecycleConfiguration'],
  ['PUT', '/b?policy', {}, 'NotImplemented', 'PutBucketPolicy'],
  ['DELETE', '/b?policy', {}, 'NotImplemented', 'DeleteBucketPolicy'],
  ['PUT', '/b?acl', {}, 'NotImplemented', 'PutBucketAcl'],
  ['PUT', '/b/k?acl', {}, 'NotImplemented', 'PutObjectAcl'],
  ['PUT', '/b?cors', {}, 'NotImplemented', 'PutBucketCors'],
  ['PUT', '/b?versioning', {}, 'NotImplemented', 'PutBucketVersioning'],
  ['GET', '/b?versions', {}, 'NotImplemented', 'ListObjectVersions'],
  ['PUT', '/b/k?tagging', {}, 'NotImplemented', 'PutObjectTagging'],
  ['DELETE', '/b/k?tagging', {}, 'NotImplemented', 'DeleteObjectTagging'],
  ['GET', '/b/k?attributes', {}, 'NotImplemented', 'GetObjectAttributes'],
  ['POST', '/b/k?restore', {}, 'NotImplemented', 'RestoreObject'],
  ['POST', '/b', {}, 'NotImplemented', 'PostObject'],
];

test('each method and sub-resource maps to its AWS operation', () => {
  for (const [method, url, headers, name, operation] of OPERATION_CASES) {
    const op = route(method, url, headers);
    assert.equal(op.name, name, `${method} ${url}`);
    if (op.name === 'NotImplemented') assert.equal(op.operation, operation, `${method} ${url}`);
  }
  const covered = new Set(OPERATION_CASES.map((c) => c[3]));
  assert.deepEqual(S3_OPERATIONS.filter((n) => !covered.has(n)), []);
  const unsupported = new Set(OPERATION_CASES.map((c) => c[4]));
  for (const op of unsupported) if (op !== undefined) assert.ok((UNSUPPORTED_OPERATIONS as readonly string[]).includes(op), op);
});

test('NotImplemented ops carry bucket and key', () => {
  const op = route('PUT', '/b/some/key?retention');
  assert.deepEqual(op, { style: 'path', rawPath: '/b/some/key', name: 'NotImplemented', operation: 'PutObjectRetention', bucket: 'b', key: 'some/key' });
});

test('unsupported methods are MethodNotAllowed with the resource type', () => {
  for (const [method, url, type] of [
    ['OPTIONS', '/b/k', 'OBJECT'],
    ['PATCH', '/b', 'BUCKET'],
    ['get', '/b', 'BUCKET'],
    ['PUT', '/', 'SERVICE'],
    ['DELETE', '/', 'SERVICE'],
    ['HEAD', '/', 'SERVICE'],
    ['POST', '/b/k', 'OBJECT'],
  ] as const) {
    const err = routeError(method, url);
    assert.equal(err.code, 'MethodNotAllowed', `${method} ${url}`);
    assert.equal(err.status, 405);
    assert.deepEqual(err.extra, { Method: method, ResourceType: type });
  }
});

test('keys: percent-decoded, `+` literal, raw path kept; unstorable keys refused with clear errors', () => {
  const op = route('GET', '/b/a%20b+c/%E2%9B%B5%25.txt');
  assert.equal(keyOf(op), 'a b+c/⛵%.txt');
  assert.equal(op.rawPath, '/b/a%20b+c/%E2%9B%B5%25.txt');
  assert.equal(keyOf(route('PUT', '/b/dir/sub/')), 'dir/sub/');
  assert.equal(keyOf(route('GET', `/b/${'é'.repeat(512)}`)), 'é'.repeat(512)); // 1024 bytes
  const cases: Array<[string, S3ErrorCode]> = [
    ['/b//k', 'InvalidArgument'],
    ['/b/a//k', 'InvalidArgument'],
    ['/b/a//', 'InvalidArgument'],
    ['/b/%2Fk', 'InvalidArgument'],
    ['/b/./k', 'InvalidArgument'],
    ['/b/a/../k', 'InvalidArgument'],
    ['/b/..', 'InvalidArgument'],
    ['/b/a/.', 'InvalidArgument'],
    ['/b/a%00b', 'InvalidArgument'],
    [`/b/${'é'.repeat(512)}x`, 'KeyTooLongError'],
    [`/b/${'a'.repeat(1025)}`, 'KeyTooLongError'],
    ['/b/%zz', 'InvalidURI'],
    ['/b/%E2%9B', 'InvalidURI'],
    ['http://host/b/k', 'InvalidURI'],
    ['*', 'InvalidURI'],
  ];
  for (const [url, code] of cases) assert.equal(routeError('GET', url).code, code, url);
  assert.equal(routeError('GET', `/b/${'a'.repeat(2000)}`).status, 400);
});

test('bucket names: permissive (Arvados names, PDHs, UUIDs) but never empty, `/`, `.`/`..` or control characters', () => {
  for (const [url, bucket] of [
    ['/my%20collection', 'my collection'],
    ['/1f4b0bc7583c2a7f9102c395f4ffc5e3+45/k', '1f4b0bc7583c2a7f9102c395f4ffc5e3+45'],
    ['/1f4b0bc7583c2a7f9102c395f4ffc5e3%2B45/k', '1f4b0bc7583c2a7f9102c395f4ffc5e3+45'],
    ['/zzzzz-j7d0g-v955i6s2oi1cbso', 'zzzzz-j7d0g-v955i6s2oi1cbso'],
    ['/Donn%C3%A9es%20(2024)', 'Données (2024)'],
  ] as const) {
    assert.equal(bucketOf(route('GET', url)), bucket, url);
  }
  for (const url of ['/a%2Fb', '/a%2Fb/k', '/./k', '/..', '/%01b', '//k', `/${'x'.repeat(256)}`]) {
    assert.equal(routeError('GET', url).code, 'InvalidBucketName', url);
  }
  // An empty label is no bucket: path style.
  assert.equal(route('GET', '/', { host: '.s3.example.com' }, { baseDomain: 's3.example.com' }).name, 'ListBuckets');
});

// Arbitrary requests: the router answers an S3Op or throws an S3Error, nothing else, and
// what it accepts obeys its own rules.
const pathChar = fc.constantFrom('a', 'Z', '0', '/', '%', '2', 'F', 'E', '.', '+', ' ', '?', '#', '\0', 'é', '⛵', '%2F', '%00', '%C3', '%E2%9B%B5', '//', '..');
const rawPath = fc.oneof(
  fc.array(pathChar, { maxLength: 30 }).map((a) => `/${a.join('')}`),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 2000 }).map((s) => `/b/${s}`),
);
const queryName = fc.constantFrom('uploads', 'uploadId', 'partNumber', 'list-type', 'max-keys', 'delimiter', 'prefix', 'marker', 'encoding-type',
  'continuation-token', 'start-after', 'fetch-owner', 'tagging', 'acl', 'policy', 'cors', 'location', 'versioning', 'website', 'delete',
  'x-id', 'versionId', 'response-content-type', 'response-content-disposition', 'max-parts', 'part-number-marker', 'max-uploads', 'key-marker', '%', '+');
const queryValue = fc.oneof(fc.constantFrom('', '1', '2', '0', '-1', '1000', '10001', 'url', 'true', '%zz', '%E2%9B%B5', 'a+b', '%0A'), fc.string({ maxLength: 12 }));
const rawQuery = fc.array(fc.tuple(queryName, fc.option(queryValue)), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => (v === null ? k : `${k}=${v}`)).join('&'));
const headerName = fc.constantFrom('range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'x-amz-copy-source',
  'x-amz-copy-source-range', 'x-amz-metadata-directive', 'x-amz-acl', 'x-amz-meta-a', 'x-amz-meta-', 'content-type', 'content-encoding',
  'x-amz-checksum-algorithm', 'x-amz-checksum-type', 'x-amz-checksum-mode', 'x-amz-copy-source-if-match', 'host');
const headerValue = fc.oneof(fc.constantFrom('bytes=0-1', '*', '"abc"', '/b/k', 'b/%zz', 'REPLACE', 'private', 'bytes=1-0', 'CRC32', 'aws-chunked'),
  fc.string({ unit: 'binary', maxLength: 30 }));
const method = fc.oneof(fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'PATCH'), fc.string({ maxLength: 8 }));

test('property: any input gives an S3Op or an S3Error, and accepted buckets/keys obey the rules', () => {
  fc.assert(
    fc.property(method, rawPath, rawQuery, fc.dictionary(headerName, headerValue, { maxKeys: 6 }), fc.option(fc.constantFrom('s3.example.com', 'example.com')), (m, p, q, h, baseDomain) => {
      let op: S3Op;
      try {
        op = parseRequest({ method: m, rawPath: p, rawQuery: q, headers: h }, baseDomain === null ? {} : { baseDomain });
      } catch (err) {
        assert.ok(err instanceof S3Error, `not an S3Error: ${String(err)}`);
        return;
      }
      assert.ok((S3_OPERATIONS as readonly string[]).includes(op.name));
      assert.equal(op.rawPath, p);
      const bucket = bucketOf(op);
      if (bucket !== undefined) assert.ok(bucket !== '' && !bucket.includes('/'));
      const key = keyOf(op);
      if (key !== undefined) validateKey(key);
    }),
    { numRuns: 3000 },
  );
});
