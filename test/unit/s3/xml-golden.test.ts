// Every response body against a golden file in test/fixtures/xml/, byte for byte.
// After an intended change: UPDATE_GOLDEN=1 node --import tsx --test test/unit/s3/xml-golden.test.ts,
// then review the diff of test/fixtures/xml/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import {
  listAllMyBucketsResultXml,
  listBucketResultV1Xml,
  listBucketResultV2Xml,
  listMultipartUploadsResultXml,
  listPartsResultXml,
} from '../../../src/s3/xml/list-responses.js';
import {
  accessControlPolicyXml,
  completeMultipartUploadResultXml,
  copyObjectResultXml,
  copyPartResultXml,
  deleteResultXml,
  errorXml,
  initiateMultipartUploadResultXml,
  locationConstraintXml,
  taggingXml,
  versioningConfigurationXml,
} from '../../../src/s3/xml/responses.js';
import type { ObjectSummary, Owner } from '../../../src/s3/xml/types.js';

const GOLDEN_DIR = resolve(import.meta.dirname, '..', '..', 'fixtures', 'xml');

const owner: Owner = { id: 'zzzzz-tpzed-xurymjxw79nv3jz', displayName: 'Active User' };
const t1 = new Date('2026-11-25T20:48:30.000Z');
const t2 = new Date('2026-11-25T20:48:31.457Z');
const objects: ObjectSummary[] = [
  { key: 'dir/a b+c%.txt', lastModified: t1, etag: '0cc175b9c0f1b6a831c399e269772661', size: 1, owner },
  { key: 'dir/sailboat ⛵ <&>".txt', lastModified: t2, etag: '3858f62230ac3c915f300c664312c63f-2', size: 16777216, owner },
];

const CASES: Record<string, () => string> = {
  'list-all-my-buckets': () =>
    listAllMyBucketsResultXml({
      owner,
      buckets: [
        { name: 'zzzzz-4zz18-fy296fx3hot09f7', creationDate: t1 },
        { name: 'my collection & co', creationDate: t2 },
      ],
    }),
  'list-bucket-v1': () =>
    listBucketResultV1Xml({
      bucket: 'zzzzz-4zz18-fy296fx3hot09f7',
      params: { prefix: 'dir/', delimiter: '/', marker: '', maxKeys: 2 },
      isTruncated: true,
      nextMarker: 'dir/sub/',
      contents: objects.slice(0, 1),
      commonPrefixes: ['dir/sub/'],
    }),
  'list-bucket-v1-url': () =>
    listBucketResultV1Xml({
      bucket: 'b',
      params: { prefix: 'dir/', delimiter: '/', marker: 'dir/a+', maxKeys: 1000, encodingType: 'url' },
      isTruncated: false,
      contents: objects,
      commonPrefixes: ['dir/ünï cødé/'],
    }),
  'list-bucket-v1-empty': () =>
    listBucketResultV1Xml({
      bucket: 'b',
      params: { prefix: 'asdfasdfasdf', delimiter: '/', marker: '', maxKeys: 1000 },
      isTruncated: false,
      contents: [],
      commonPrefixes: [],
    }),
  'list-bucket-v2': () =>
    listBucketResultV2Xml({
      bucket: 'b',
      params: { prefix: '', maxKeys: 2, continuationToken: 'ZGlyL2E=', startAfter: 'dir/', fetchOwner: false },
      isTruncated: true,
      nextContinuationToken: 'ZGlyL3NhaWxib2F0',
      contents: objects,
      commonPrefixes: [],
    }),
  'list-bucket-v2-url': () =>
    listBucketResultV2Xml({
      bucket: 'b',
      params: { prefix: 'dir/', delimiter: '/', maxKeys: 1000, encodingType: 'url', startAfter: 'dir/', fetchOwner: true },
      isTruncated: false,
      contents: objects,
      commonPrefixes: ['dir/sub/'],
    }),
  'list-multipart-uploads': () =>
    listMultipartUploadsResultXml({
      bucket: 'b',
      params: { prefix: '', keyMarker: '', uploadIdMarker: '', maxUploads: 1000 },
      isTruncated: false,
      uploads: [{ key: 'big file.bin', uploadId: 'zzzzz-4zz18-0123456789abcde', initiator: owner, owner, initiated: t1 }],
      commonPrefixes: [],
    }),
  'list-parts': () =>
    listPartsResultXml({
      bucket: 'b',
      key: 'big file.bin',
      uploadId: 'zzzzz-4zz18-0123456789abcde',
      initiator: owner,
      owner,
      params: { maxParts: 1000, partNumberMarker: 0 },
      isTruncated: false,
      parts: [
        { partNumber: 1, lastModified: t1, etag: '7ac66c0f148de9519b8bd264312c4d64', size: 8388608, checksums: { crc32: 'AAAAAA==' } },
        { partNumber: 2, lastModified: t2, etag: '0cc175b9c0f1b6a831c399e269772661', size: 1 },
      ],
    }),
  'location-constraint': () => locationConstraintXml('zzzzz'),
  'location-constraint-empty': () => locationConstraintXml(''),
  'versioning-configuration': () => versioningConfigurationXml(),
  'copy-object-result': () => copyObjectResultXml({ lastModified: t2, etag: '0cc175b9c0f1b6a831c399e269772661' }),
  'copy-part-result': () => copyPartResultXml({ lastModified: t1, etag: '0cc175b9c0f1b6a831c399e269772661', checksums: { crc32c: 'yZRlqg==' } }),
  'initiate-multipart-upload': () => initiateMultipartUploadResultXml({ bucket: 'b', key: 'dir/big & large.bin', uploadId: 'zzzzz-4zz18-0123456789abcde' }),
  'complete-multipart-upload': () =>
    completeMultipartUploadResultXml({
      location: 'http://127.0.0.1:9000/b/dir/big%20%26%20large.bin',
      bucket: 'b',
      key: 'dir/big & large.bin',
      etag: '3858f62230ac3c915f300c664312c63f-2',
      checksums: { crc64nvme: 'AAAAAAAAAAA=' },
      checksumType: 'FULL_OBJECT',
    }),
  'delete-result': () =>
    deleteResultXml({
      quiet: false,
      deleted: [{ key: 'a' }, { key: 'b <c>', versionId: 'null' }],
      errors: [{ key: 'a//b', code: 'InvalidArgument', message: 'Object key must not contain empty path components.' }],
    }),
  'delete-result-quiet': () =>
    deleteResultXml({ quiet: true, deleted: [{ key: 'a' }], errors: [{ key: 'x', code: 'AccessDenied', message: 'Access Denied' }] }),
  tagging: () => taggingXml([{ key: 'project', value: 'genomics' }, { key: 'empty', value: '' }]),
  'access-control-policy': () => accessControlPolicyXml(owner),
  error: () =>
    errorXml({
      code: 'NoSuchKey',
      message: 'The specified key does not exist.',
      resource: '/b/missing&file',
      requestId: '0123456789abcdef',
      extra: { Key: 'missing&file' },
    }),
  'error-minimal': () => errorXml({ code: 'InternalError', message: 'We encountered an internal error. Please try again.', requestId: 'r1' }),
};

for (const [name, build] of Object.entries(CASES)) {
  test(`golden: ${name}.xml`, () => {
    const path = resolve(GOLDEN_DIR, `${name}.xml`);
    const body = build();
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, body);
    assert.ok(existsSync(path), `missing golden file ${path} (run with UPDATE_GOLDEN=1)`);
    assert.equal(body, readFileSync(path, 'utf8'));
    assert.equal(XMLValidator.validate(body), true);
    assert.ok(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<'));
  });
}

test('listings: NextMarker only on truncated v1 pages, CommonPrefixes only when there are some', () => {
  const base = { bucket: 'b', contents: [], commonPrefixes: [], params: { prefix: '', marker: '', maxKeys: 1 } };
  assert.ok(!listBucketResultV1Xml({ ...base, isTruncated: false, nextMarker: 'x' }).includes('NextMarker'));
  assert.ok(!listBucketResultV1Xml({ ...base, isTruncated: true, nextMarker: '' }).includes('<NextMarker'));
  assert.ok(listBucketResultV1Xml({ ...base, isTruncated: true, nextMarker: 'x' }).includes('<NextMarker>x</NextMarker>'));
  assert.ok(!listBucketResultV1Xml({ ...base, isTruncated: false }).includes('CommonPrefixes'));
  const v2 = listBucketResultV2Xml({ ...base, isTruncated: false, params: { prefix: '', maxKeys: 1000, fetchOwner: false } });
  assert.ok(!/ContinuationToken|StartAfter|EncodingType|Delimiter/.test(v2));
  assert.ok(v2.includes('<KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys>'));
});

test('timestamps are ISO 8601 with milliseconds and Z', () => {
  const xml = copyObjectResultXml({ lastModified: new Date(Date.UTC(2026, 10, 25, 20, 48, 30)), etag: 'e' });
  assert.ok(xml.includes('<LastModified>2026-11-25T20:48:30.000Z</LastModified>'));
});
