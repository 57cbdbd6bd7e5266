// ListObjects v1 and v2 through the real gateway: paging never skips or repeats a key,
// markers and tokens, delimiters, encoding-type=url, owners, limits and bad input.

import {
  CreateBucketCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { compareUtf8 } from '../../src/common/utf8-order.js';
import { errorCode, startS3Harness, xmlText, type S3Harness } from './s3-harness.js';

const KEYS = ['a/1', 'a/2', 'a/b/3', 'b', 'c/x', 'c/y', 'd e+f%g', 'z-ä', 'z/é', 'zz'];
const BUCKET = 'listing';

describe('S3 listings', () => {
  let h: S3Harness;
  /** Every key the gateway lists, placeholders of directories included, in one page. */
  let all: string[];

  before(async () => {
    h = await startS3Harness();
    await h.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    for (const key of KEYS) await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));
    const page = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    all = (page.Contents ?? []).map((o) => o.Key!);
  });
  after(() => h.close());

  test('one page holds every key, in UTF-8 byte order, with MaxKeys and KeyCount', async () => {
    for (const key of KEYS) assert.ok(all.includes(key), key);
    assert.deepEqual(all, [...all].sort(compareUtf8));
    const raw = await h.raw({ method: 'GET', path: `/${BUCKET}?list-type=2` });
    assert.equal(xmlText(raw.body, 'MaxKeys'), '1000');
    assert.equal(xmlText(raw.body, 'KeyCount'), String(all.length));
    assert.equal(xmlText(raw.body, 'IsTruncated'), 'false');
  });

  test('v2 pages of one key each: the same keys, none twice, tokens are base64url of the last key', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let page: ListObjectsV2CommandOutput;
    do {
      page = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1, ContinuationToken: token }));
      assert.equal(page.KeyCount, page.Contents?.length ?? 0);
      seen.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
      if (page.IsTruncated) assert.equal(Buffer.from(token!, 'base64url').toString('utf8'), seen.at(-1));
    } while (page.IsTruncated);
    assert.deepEqual(seen, all);
  });

  test('v1 with a delimiter: every truncated page has a NextMarker, and the pages add up', async () => {
    const full = await h.s3.send(new ListObjectsCommand({ Bucket: BUCKET, Delimiter: '/' }));
    const expected = [...(full.Contents ?? []).map((o) => o.Key!), ...(full.CommonPrefixes ?? []).map((p) => p.Prefix!)].sort(compareUtf8);
    assert.ok(full.CommonPrefixes?.some((p) => p.Prefix === 'a/'));
    const seen: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await h.s3.send(new ListObjectsCommand({ Bucket: BUCKET, Delimiter: '/', MaxKeys: 1, Marker: marker }));
      seen.push(...(page.Contents ?? []).map((o) => o.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      if (!page.IsTruncated) break;
      assert.ok(page.NextMarker, 'a truncated v1 page names where to go on');
      marker = page.NextMarker;
    }
    assert.deepEqual(seen.sort(compareUtf8), expected);
  });

  test('prefix, delimiter and start-after narrow the listing', async () => {
    const r = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'a/', Delimiter: '/' }));
    assert.deepEqual((r.Contents ?? []).map((o) => o.Key).filter((k) => k !== 'a/'), ['a/1', 'a/2']);
    assert.deepEqual((r.CommonPrefixes ?? []).map((p) => p.Prefix), ['a/b/']);
    assert.equal(r.Prefix, 'a/');
    assert.equal(r.Delimiter, '/');
    const after = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, StartAfter: 'c/x' }));
    assert.deepEqual((after.Contents ?? []).map((o) => o.Key), all.filter((k) => compareUtf8(k, 'c/x') > 0));
    assert.equal(after.StartAfter, 'c/x');
    const none = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'nothing/' }));
    assert.equal(none.KeyCount, 0);
  });

  test('encoding-type=url: keys and prefixes percent-encoded, EncodingType echoed', async () => {
    const r = await h.raw({ method: 'GET', path: `/${BUCKET}?list-type=2&encoding-type=url&prefix=d` });
    assert.equal(xmlText(r.body, 'EncodingType'), 'url');
    assert.equal(xmlText(r.body, 'Key'), 'd%20e%2Bf%25g');
    const v1 = await h.raw({ method: 'GET', path: `/${BUCKET}?encoding-type=url&delimiter=%2F&prefix=z` });
    assert.ok(v1.body.includes('<Prefix>z%2F</Prefix>'), v1.body);
    assert.ok(v1.body.includes('<Key>z-%C3%A4</Key>'), v1.body);
  });

  test('owners: always in v1, in v2 only with fetch-owner', async () => {
    const v1 = await h.s3.send(new ListObjectsCommand({ Bucket: BUCKET, MaxKeys: 1 }));
    assert.ok(v1.Contents?.[0]?.Owner?.ID);
    const plain = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1 }));
    assert.equal(plain.Contents?.[0]?.Owner, undefined);
    const owned = await h.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 1, FetchOwner: true }));
    assert.ok(owned.Contents?.[0]?.Owner?.ID);
  });

  test('max-keys: 0 gives an empty complete page, above 1000 is capped', async () => {
    const zero = await h.raw({ method: 'GET', path: `/${BUCKET}?list-type=2&max-keys=0` });
    assert.equal(xmlText(zero.body, 'KeyCount'), '0');
    assert.equal(xmlText(zero.body, 'IsTruncated'), 'false');
    const big = await h.raw({ method: 'GET', path: `/${BUCKET}?max-keys=5000` });
    assert.equal(xmlText(big.body, 'MaxKeys'), '1000');
  });

  test('bad input: a forged continuation token and a bad max-keys are 400 InvalidArgument', async () => {
    const token = await h.raw({ method: 'GET', path: `/${BUCKET}?list-type=2&continuation-token=%21%21not-base64` });
    assert.equal(token.status, 400);
    assert.equal(errorCode(token), 'InvalidArgument');
    const max = await h.raw({ method: 'GET', path: `/${BUCKET}?max-keys=-1` });
    assert.equal(max.status, 400);
    assert.equal(errorCode(max), 'InvalidArgument');
  });
});
