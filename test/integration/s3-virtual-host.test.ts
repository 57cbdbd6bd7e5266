// Virtual-host style addressing when a base domain is configured: `<bucket>.<domain>` names
// the bucket and the whole path is the key; path style keeps working beside it.

import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { errorCode, startS3Harness, xmlText, type S3Harness } from './s3-harness.js';

const DOMAIN = 's3.test';

describe('S3 virtual-host style', () => {
  let h: S3Harness;
  let host: (bucket: string) => string;
  before(async () => {
    h = await startS3Harness({ args: ['--s3-base-domain', DOMAIN] });
    const port = new URL(h.gateway.s3Endpoint).port;
    host = (bucket) => `${bucket}.${DOMAIN}:${port}`;
    await h.s3.send(new CreateBucketCommand({ Bucket: 'vhost' }));
  });
  after(() => h.close());

  test('PUT, GET and list through <bucket>.<domain>, read back path style', async () => {
    const put = await h.raw({ method: 'PUT', path: '/dir/file.txt', host: host('vhost'), body: 'via the host name' });
    assert.equal(put.status, 200);
    const got = await h.raw({ method: 'GET', path: '/dir/file.txt', host: host('vhost') });
    assert.equal(got.body, 'via the host name');
    const pathStyle = await h.s3.send(new GetObjectCommand({ Bucket: 'vhost', Key: 'dir/file.txt' }));
    assert.equal(await pathStyle.Body!.transformToString(), 'via the host name');
    const list = await h.raw({ method: 'GET', path: '/?list-type=2&prefix=dir/&delimiter=/', host: host('vhost') });
    assert.equal(xmlText(list.body, 'Name'), 'vhost');
    assert.ok(list.body.includes('<Key>dir/file.txt</Key>'), list.body);
  });

  test('an unknown bucket host is NoSuchBucket; a host outside the domain is path style', async () => {
    const unknown = await h.raw({ method: 'GET', path: '/', host: host('nope') });
    assert.equal(unknown.status, 404);
    assert.equal(errorCode(unknown), 'NoSuchBucket');
    const other = await h.raw({ method: 'GET', path: '/vhost/dir/file.txt', host: `elsewhere.example:1` });
    assert.equal(other.body, 'via the host name');
  });
});
