// DeleteObjects, tagging, and the bucket "configuration" reads clients make (location,
// versioning, ACLs, policy, CORS) through the real gateway.

import {
  CreateBucketCommand,
  DeleteBucketTaggingCommand,
  DeleteObjectsCommand,
  GetBucketAclCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectAclCommand,
  GetObjectTaggingCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  PutObjectCommand,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { errorCode, startS3Harness, xmlText, type S3Harness } from './s3-harness.js';

const BUCKET = 'config';

async function rejects(p: Promise<unknown>, code: string, status: number): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof S3ServiceException, String(err));
    assert.equal(err.name, code);
    assert.equal(err.$metadata.httpStatusCode, status);
    return true;
  });
}

const deleteXml = (keys: readonly string[], quiet = false): string =>
  `<Delete>${quiet ? '<Quiet>true</Quiet>' : ''}${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;

describe('S3 DeleteObjects, tagging and bucket configuration', () => {
  let h: S3Harness;
  before(async () => {
    h = await startS3Harness();
    await h.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });
  after(() => h.close());

  async function putKeys(keys: readonly string[]): Promise<void> {
    for (const Key of keys) await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }));
  }

  async function remaining(prefix: string): Promise<string[]> {
    const r = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (r.Contents ?? []).map((o) => o.Key!).filter((k) => !k.endsWith('/'));
  }

  test('DeleteObjects (the SDK sends a CRC32): verbose result, missing keys count as deleted', async () => {
    await putKeys(['del/a', 'del/b', 'del/c']);
    const r = await h.s3.send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'del/a' }, { Key: 'del/b' }, { Key: 'del/never' }] } }));
    assert.deepEqual(r.Deleted?.map((d) => d.Key).sort(), ['del/a', 'del/b', 'del/never']);
    assert.equal(r.Errors, undefined);
    assert.deepEqual(await remaining('del/'), ['del/c']);
  });

  test('DeleteObjects quiet mode lists only the failures, each with its own code', async () => {
    await putKeys(['quiet/a']);
    const r = await h.raw({ method: 'POST', path: `/${BUCKET}?delete`, body: deleteXml(['quiet/a', 'bad//key'], true) });
    assert.equal(r.status, 200);
    assert.ok(!r.body.includes('<Deleted>'), r.body);
    assert.equal(xmlText(r.body, 'Key'), 'bad//key');
    assert.equal(xmlText(r.body, 'Code'), 'InvalidArgument');
    assert.deepEqual(await remaining('quiet/'), []);
  });

  test('DeleteObjects integrity: Content-MD5 checked, neither accepted, a wrong one refused with nothing deleted', async () => {
    await putKeys(['md5/a', 'md5/b']);
    const good = deleteXml(['md5/a']);
    const withMd5 = await h.raw({ method: 'POST', path: `/${BUCKET}?delete`, headers: { 'content-md5': createHash('md5').update(good).digest('base64') }, body: good });
    assert.equal(withMd5.status, 200);
    const wrong = await h.raw({ method: 'POST', path: `/${BUCKET}?delete`, headers: { 'content-md5': createHash('md5').update('x').digest('base64') }, body: deleteXml(['md5/b']) });
    assert.equal(wrong.status, 400);
    assert.equal(errorCode(wrong), 'BadDigest');
    assert.deepEqual(await remaining('md5/'), ['md5/b']);
  });

  test('DeleteObjects refuses 1,001 keys and bad XML; an unknown bucket is NoSuchBucket', async () => {
    await putKeys(['many/keep']);
    const keys = Array.from({ length: 1001 }, (_, i) => `many/${i}`);
    const tooMany = await h.raw({ method: 'POST', path: `/${BUCKET}?delete`, body: deleteXml([...keys.slice(0, 1000), 'many/keep']) });
    assert.equal(tooMany.status, 400);
    assert.equal(errorCode(tooMany), 'MalformedXML');
    assert.deepEqual(await remaining('many/'), ['many/keep']);
    const bad = await h.raw({ method: 'POST', path: `/${BUCKET}?delete`, body: '<Delete><Object>' });
    assert.equal(errorCode(bad), 'MalformedXML');
    const unknown = await h.raw({ method: 'POST', path: '/no-such-bucket-x?delete', body: deleteXml(['a']) });
    assert.equal(unknown.status, 404);
    assert.equal(errorCode(unknown), 'NoSuchBucket');
  });

  test('a thousand keys are deleted in one request', async () => {
    await h.s3.send(new CreateBucketCommand({ Bucket: 'thousand' }));
    const keys = Array.from({ length: 1000 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((Key) => h.s3.send(new PutObjectCommand({ Bucket: 'thousand', Key, Body: '' }))));
    }
    const r = await h.s3.send(new DeleteObjectsCommand({ Bucket: 'thousand', Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
    assert.equal(r.Errors, undefined);
    const left = await h.s3.send(new ListObjectsV2Command({ Bucket: 'thousand' }));
    assert.equal(left.KeyCount, 0);
  });

  test('bucket tagging is the bucket properties; object tagging reads the collection properties', async () => {
    await rejects(h.s3.send(new GetBucketTaggingCommand({ Bucket: BUCKET })), 'NoSuchTagSet', 404);
    await h.s3.send(new PutBucketTaggingCommand({ Bucket: BUCKET, Tagging: { TagSet: [{ Key: 'team', Value: 'genomics' }, { Key: 'tier', Value: '1' }] } }));
    const tags = await h.s3.send(new GetBucketTaggingCommand({ Bucket: BUCKET }));
    assert.deepEqual(tags.TagSet?.map((t) => [t.Key, t.Value]).sort(), [['team', 'genomics'], ['tier', '1']]);
    const uuid = await h.bucketCollection(BUCKET);
    assert.deepEqual((await h.api('GET', `collections/${uuid}`))['properties'], { team: 'genomics', tier: '1' });
    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tagged', Body: 't' }));
    const objectTags = await h.s3.send(new GetObjectTaggingCommand({ Bucket: BUCKET, Key: 'tagged' }));
    assert.deepEqual(objectTags.TagSet?.map((t) => t.Key).sort(), ['team', 'tier']);
    const head = await h.raw({ method: 'HEAD', path: `/${BUCKET}/tagged` });
    assert.equal(head.headers['x-amz-meta-team'], 'genomics');
    await h.s3.send(new DeleteBucketTaggingCommand({ Bucket: BUCKET }));
    await rejects(h.s3.send(new GetBucketTaggingCommand({ Bucket: BUCKET })), 'NoSuchTagSet', 404);
    const badXml = await h.raw({ method: 'PUT', path: `/${BUCKET}?tagging`, body: '<Tagging><TagSet><Tag><Key>' });
    assert.equal(errorCode(badXml), 'MalformedXML');
  });

  test('location, versioning, ACLs, policy and CORS answer what clients can parse', async () => {
    const location = await h.s3.send(new GetBucketLocationCommand({ Bucket: BUCKET }));
    assert.equal(location.LocationConstraint, undefined, 'us-east-1 is an empty constraint');
    const versioning = await h.s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }));
    assert.equal(versioning.Status, undefined);
    const bucketAcl = await h.s3.send(new GetBucketAclCommand({ Bucket: BUCKET }));
    assert.equal(bucketAcl.Grants?.[0]?.Permission, 'FULL_CONTROL');
    assert.equal(bucketAcl.Grants?.[0]?.Grantee?.ID, bucketAcl.Owner?.ID);
    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'acl', Body: 'a' }));
    const objectAcl = await h.s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: 'acl' }));
    assert.equal(objectAcl.Grants?.[0]?.Permission, 'FULL_CONTROL');
    await rejects(h.s3.send(new GetObjectAclCommand({ Bucket: BUCKET, Key: 'missing' })), 'NoSuchKey', 404);
    const policy = await h.raw({ method: 'GET', path: `/${BUCKET}?policy` });
    assert.equal(policy.status, 404);
    assert.equal(errorCode(policy), 'NoSuchBucketPolicy');
    const cors = await h.raw({ method: 'GET', path: `/${BUCKET}?cors` });
    assert.equal(cors.status, 404);
    assert.equal(errorCode(cors), 'NoSuchCORSConfiguration');
    for (const sub of ['location', 'versioning', 'acl', 'policy', 'cors']) {
      const r = await h.raw({ method: 'GET', path: `/no-such-bucket-y?${sub}` });
      assert.equal(errorCode(r), 'NoSuchBucket', sub);
    }
  });
});
