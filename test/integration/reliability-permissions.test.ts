// Permissions through S3 on a real gateway with several users: a stranger can neither see
// nor touch another user's buckets (by name, uuid or PDH; list, read, write, copy from or
// into, delete, multipart, tagging); a can_read permission link allows reads only; a
// read-only scoped token cannot write; a PDH bucket is read-only; trashed collections are
// unreachable. Every refusal is checked to have changed nothing.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startGateway, type Gateway } from '../helpers/gateway.js';
import * as op from '../helpers/faults/s3-ops.js';
import { errorCode, objectPath, s3, type RawS3Request, type RawS3Response, type S3Target } from '../helpers/faults/s3-raw.js';
import { collectionNamed, createToken, createUser, restOk, type TestUser } from '../helpers/faults/users.js';

const SECRET = 'alice only: do not leak';
const md5b64 = (s: string): string => createHash('md5').update(s).digest('base64');

describe('permissions through S3', () => {
  let g: Gateway;
  let alice: TestUser;
  let bob: TestUser;
  let aliceBucket: { uuid: string; pdh: string };
  let upload: { id: string; etag: string };
  let bobUpload: string;

  before(async () => {
    g = await startGateway();
    alice = await createUser(g, 'alice');
    bob = await createUser(g, 'bob');
    assert.equal((await op.createBucket(alice.target, 'alice-data')).status, 200);
    assert.equal((await op.putObject(alice.target, 'alice-data', 'secret.txt', Buffer.from(SECRET))).status, 200);
    assert.equal((await op.putObject(alice.target, 'alice-data', 'dir/inner.txt', Buffer.from(SECRET))).status, 200);
    aliceBucket = await collectionNamed(g, alice.uuid, 'alice-data');
    const { uploadId } = await op.createUpload(alice.target, 'alice-data', 'mp');
    const part = await op.uploadPart(alice.target, 'alice-data', 'mp', uploadId!, 1, Buffer.alloc(5 * 1024 * 1024, 3));
    upload = { id: uploadId!, etag: String(part.headers.etag).replace(/"/g, '') };
    assert.equal((await op.createBucket(bob.target, 'bob-data')).status, 200);
    assert.equal((await op.putObject(bob.target, 'bob-data', 'mine.txt', Buffer.from('bob'))).status, 200);
    bobUpload = (await op.createUpload(bob.target, 'bob-data', 'stolen-part')).uploadId!;
  });
  after(() => g.close());

  /** Alice's bucket as alice sees it: listing, contents, the open upload's parts, tags. */
  async function aliceState(): Promise<string[]> {
    const t = alice.target;
    const texts = await Promise.all([
      s3(t, { method: 'GET', path: '/alice-data?list-type=2' }).then((r) => r.text),
      op.getObject(t, 'alice-data', 'secret.txt').then((r) => `${r.status}:${r.text}`),
      op.listParts(t, 'alice-data', 'mp', upload.id).then((r) => r.res.text),
      s3(t, { method: 'GET', path: '/alice-data?tagging' }).then((r) => `${r.status}:${r.text}`),
      s3(t, { method: 'GET', path: '/' }).then((r) => r.text),
    ]);
    return texts.map((x) => x.replace(/<RequestId>\w+<\/RequestId>/, ''));
  }

  /** Every kind of access to bucket `ref`, as (label, request). */
  function attempts(ref: string, opts: { writesOnly?: boolean; copySource?: string } = {}): Array<[string, RawS3Request]> {
    const del = op.deleteObjectsXml(['secret.txt']);
    const tags = '<Tagging><TagSet><Tag><Key>owner</Key><Value>mallory</Value></Tag></TagSet></Tagging>';
    const reads: Array<[string, RawS3Request]> = [
      ['ListObjectsV2', { method: 'GET', path: `/${ref}?list-type=2` }],
      ['ListObjects', { method: 'GET', path: `/${ref}` }],
      ['HeadBucket', { method: 'HEAD', path: `/${ref}` }],
      ['GetObject', { method: 'GET', path: `/${ref}/secret.txt` }],
      ['HeadObject', { method: 'HEAD', path: `/${ref}/secret.txt` }],
      ['GetObjectTagging', { method: 'GET', path: `/${ref}/secret.txt?tagging` }],
      ['GetBucketTagging', { method: 'GET', path: `/${ref}?tagging` }],
      ['ListMultipartUploads', { method: 'GET', path: `/${ref}?uploads` }],
      ['ListParts', { method: 'GET', path: objectPath('x', 'mp', `uploadId=${upload.id}`).replace('/x/', `/${ref}/`) }],
      ['CopyObject from it', { method: 'PUT', path: '/bob-data/stolen', headers: { 'x-amz-copy-source': `/${ref}/secret.txt` } }],
      ['UploadPartCopy from it', { method: 'PUT', path: `/bob-data/stolen-part?partNumber=1&uploadId=${bobUpload}`, headers: { 'x-amz-copy-source': `/${ref}/secret.txt` } }],
    ];
    const writes: Array<[string, RawS3Request]> = [
      ['PutObject', { method: 'PUT', path: `/${ref}/planted`, body: 'mallory was here' }],
      ['PutObject over an existing key', { method: 'PUT', path: `/${ref}/secret.txt`, body: 'overwritten' }],
      ['PutObject dir/ placeholder', { method: 'PUT', path: `/${ref}/newdir/`, body: '', headers: { 'content-type': 'application/x-directory' } }],
      ['DeleteObject', { method: 'DELETE', path: `/${ref}/secret.txt` }],
      ['DeleteObjects', { method: 'POST', path: `/${ref}?delete`, body: del, headers: { 'content-md5': md5b64(del) } }],
      ['CopyObject into it', { method: 'PUT', path: `/${ref}/planted`, headers: { 'x-amz-copy-source': opts.copySource ?? '/bob-data/mine.txt' } }],
      ['CreateMultipartUpload', { method: 'POST', path: `/${ref}/planted?uploads` }],
      ['UploadPart to its upload', { method: 'PUT', path: `/${ref}/mp?partNumber=2&uploadId=${upload.id}`, body: 'x' }],
      ['CompleteMultipartUpload of its upload', { method: 'POST', path: `/${ref}/mp?uploadId=${upload.id}`, body: op.completeXml([{ part: 1, etag: upload.etag }]) }],
      ['AbortMultipartUpload of its upload', { method: 'DELETE', path: `/${ref}/mp?uploadId=${upload.id}` }],
      ['PutBucketTagging', { method: 'PUT', path: `/${ref}?tagging`, body: tags, headers: { 'content-md5': md5b64(tags) } }],
      ['DeleteBucketTagging', { method: 'DELETE', path: `/${ref}?tagging` }],
      ['DeleteBucket', { method: 'DELETE', path: `/${ref}` }],
    ];
    return opts.writesOnly ? writes : [...reads, ...writes];
  }

  async function expectRefused(t: S3Target, label: string, req: RawS3Request, codes: readonly string[]): Promise<RawS3Response> {
    const res = await s3(t, req);
    if (res.status === 200 && label.includes('DeleteObjects')) {
      // S3 answers a multi-delete 200 and refuses per key.
      assert.match(res.text, /<Error><Key>secret\.txt<\/Key><Code>AccessDenied<\/Code>/, `${label}: ${res.text.slice(0, 300)}`);
      assert.doesNotMatch(res.text, /<Deleted>/, `${label} reports a deletion`);
      return res;
    }
    // Emptiness is checked before permission (S3 checks permission first); nothing is lost
    // either way, and the empty-bucket case has its own test.
    if (label.endsWith('DeleteBucket') && errorCode(res) === 'BucketNotEmpty') return res;
    assert.ok([403, 404].includes(res.status), `${label}: ${res.status} ${res.text.slice(0, 300)}`);
    if (req.method !== 'HEAD') assert.ok(codes.includes(errorCode(res) ?? ''), `${label}: code ${errorCode(res)}`);
    assert.doesNotMatch(res.text, /alice only/, `${label} leaked the content`);
    return res;
  }

  test("a stranger can neither see nor touch another user's bucket, by name, uuid or PDH", async () => {
    const before = await aliceState();
    const refused = ['AccessDenied', 'NoSuchBucket', 'NoSuchKey', 'NoSuchUpload'];
    for (const ref of ['alice-data', aliceBucket.uuid, encodeURIComponent(aliceBucket.pdh)]) {
      for (const [label, req] of attempts(ref)) await expectRefused(bob.target, `bob ${label} on ${ref}`, req, refused);
    }
    // Alice's upload id under bob's own bucket is no handle on it either.
    await expectRefused(bob.target, 'completing alice\'s upload through bob-data', { method: 'POST', path: `/bob-data/mp?uploadId=${upload.id}`, body: op.completeXml([{ part: 1, etag: upload.etag }]) }, ['NoSuchUpload', 'AccessDenied']);
    await expectRefused(bob.target, 'listing alice\'s parts through bob-data', { method: 'GET', path: `/bob-data/mp?uploadId=${upload.id}` }, ['NoSuchUpload', 'AccessDenied']);
    const buckets = await s3(bob.target, { method: 'GET', path: '/' });
    assert.doesNotMatch(buckets.text, /alice-data/);
    assert.equal((await op.headObject(bob.target, 'bob-data', 'stolen')).status, 404, 'a copy of alice\'s object landed in bob-data');
    assert.deepEqual(await aliceState(), before);
  });

  test('a can_read permission link allows list, GET and HEAD, and refuses every write', async () => {
    await restOk(g, alice.token, 'POST', 'links', { link: { link_class: 'permission', name: 'can_read', tail_uuid: bob.uuid, head_uuid: aliceBucket.uuid } });
    const ref = aliceBucket.uuid;
    const list = await s3(bob.target, { method: 'GET', path: `/${ref}?list-type=2` });
    assert.equal(list.status, 200, list.text);
    assert.match(list.text, /<Key>secret.txt<\/Key>/);
    assert.equal((await op.getObject(bob.target, ref, 'secret.txt')).text, SECRET);
    assert.equal((await op.headObject(bob.target, ref, 'secret.txt')).status, 200);
    assert.equal((await s3(bob.target, { method: 'HEAD', path: `/${ref}` })).status, 200);
    const before = await aliceState();
    const writes = attempts(ref, { writesOnly: true }).filter(([label]) => label !== 'CreateMultipartUpload'); // its own test below
    for (const [label, req] of writes) await expectRefused(bob.target, `reader ${label}`, req, ['AccessDenied', 'NoSuchUpload']);
    assert.deepEqual(await aliceState(), before);
    // Reading is what was granted: a copy out of the shared bucket into bob's own works.
    const copy = await op.copyObject(bob.target, 'bob-data', 'copied', { bucket: ref, key: 'secret.txt' });
    assert.equal(copy.status, 200, copy.text);
  });

  test('a can_read reader cannot delete an empty shared bucket', async () => {
    assert.equal((await op.createBucket(alice.target, 'alice-empty')).status, 200);
    const empty = await collectionNamed(g, alice.uuid, 'alice-empty');
    await restOk(g, alice.token, 'POST', 'links', { link: { link_class: 'permission', name: 'can_read', tail_uuid: bob.uuid, head_uuid: empty.uuid } });
    assert.equal((await s3(bob.target, { method: 'HEAD', path: `/${empty.uuid}` })).status, 200);
    await expectRefused(bob.target, 'reader DeleteBucket (empty)', { method: 'DELETE', path: `/${empty.uuid}` }, ['AccessDenied']);
    assert.equal((await s3(alice.target, { method: 'HEAD', path: '/alice-empty' })).status, 200, 'the reader deleted the bucket');
  });

  // Multipart.create (src/site/multipart.ts) checks only the token's read-only scope, not the
  // caller's write permission on the destination, so a reader can start uploads into a
  // bucket shared with it read-only (the staging collection lands in the reader's own project).
  test('a can_read reader cannot start a multipart upload into the shared bucket, let alone complete one', async () => {
    const ref = aliceBucket.uuid;
    const before = await aliceState();
    const created = await op.createUpload(bob.target, ref, 'sneaky');
    if (created.uploadId) {
      const part = await op.uploadPart(bob.target, ref, 'sneaky', created.uploadId, 1, Buffer.from('mallory'));
      const done = await op.completeUpload(bob.target, ref, 'sneaky', created.uploadId, [{ part: 1, etag: String(part.headers.etag).replace(/"/g, '') }]);
      assert.ok([403, 404].includes(done.status), `a reader completed an upload into a read-only share: ${done.status} ${done.text.slice(0, 200)}`);
      assert.equal((await op.headObject(alice.target, 'alice-data', 'sneaky')).status, 404);
      assert.deepEqual(await aliceState(), before);
    }
    assert.equal(created.res.status, 403, `CreateMultipartUpload by a reader -> ${created.res.status} ${created.res.text.slice(0, 200)}`);
    assert.equal(errorCode(created.res), 'AccessDenied');
  });

  test('a read-only scoped token cannot write, even to its own user\'s buckets', async () => {
    const ro = await createToken(g, alice.uuid, ['GET /', 'HEAD /']);
    assert.equal((await op.getObject(ro.target, 'alice-data', 'secret.txt')).text, SECRET);
    const before = await aliceState();
    for (const [label, req] of attempts('alice-data', { writesOnly: true, copySource: '/alice-data/dir/inner.txt' })) await expectRefused(ro.target, `read-only token ${label}`, req, ['AccessDenied']);
    await expectRefused(ro.target, 'read-only token CreateBucket', { method: 'PUT', path: '/ro-new-bucket' }, ['AccessDenied']);
    assert.deepEqual(await aliceState(), before);
    assert.equal((await s3(alice.target, { method: 'HEAD', path: '/ro-new-bucket' })).status, 404);
  });

  test('a PDH bucket is read-only, even for the owner', async () => {
    const ref = encodeURIComponent(aliceBucket.pdh);
    assert.equal((await op.getObject(alice.target, aliceBucket.pdh, 'secret.txt')).text, SECRET);
    const before = await aliceState();
    const writes = attempts(ref, { writesOnly: true, copySource: '/alice-data/dir/inner.txt' }).filter(([label]) => !/DeleteBucket$|Tagging/.test(label));
    for (const [label, req] of writes) await expectRefused(alice.target, `PDH ${label}`, req, ['AccessDenied', 'NoSuchUpload']);
    assert.deepEqual(await aliceState(), before);
  });

  test('a trashed collection is unreachable by name, uuid and PDH, and cannot be written back to life', async () => {
    assert.equal((await op.createBucket(alice.target, 'doomed')).status, 200);
    assert.equal((await op.putObject(alice.target, 'doomed', 'x', Buffer.from('doomed bytes, unique 7f3a'))).status, 200);
    const doomed = await collectionNamed(g, alice.uuid, 'doomed');
    await restOk(g, alice.token, 'POST', `collections/${doomed.uuid}/trash`);
    for (const ref of ['doomed', doomed.uuid, encodeURIComponent(doomed.pdh)]) {
      const got = await op.getObject(alice.target, ref, 'x');
      assert.equal(got.status, 404, `GET ${ref}/x -> ${got.status}`);
      assert.equal((await s3(alice.target, { method: 'HEAD', path: `/${ref}` })).status, 404, `HEAD ${ref}`);
      assert.equal((await s3(alice.target, { method: 'GET', path: `/${ref}?list-type=2` })).status, 404, `list ${ref}`);
    }
    const put = await op.putObject(alice.target, doomed.uuid, 'y', Buffer.from('y'));
    assert.ok([403, 404].includes(put.status), `PUT into a trashed collection -> ${put.status}`);
    assert.doesNotMatch((await s3(alice.target, { method: 'GET', path: '/' })).text, /<Name>doomed<\/Name>/);
    const trashed = await restOk(g, alice.token, 'GET', `collections/${doomed.uuid}?include_trash=true`);
    assert.equal(trashed.is_trashed, true);
    assert.doesNotMatch(String(trashed.manifest_text), / 0:1:y\n/, 'a write reached the trashed collection');
  });
});
