// Failures through the real gateway: authentication, malformed requests, operations keepgate
// does not serve, server-side failures (logged, never described to the client; a read that
// fails mid-body cuts the connection), and clients that go away mid-upload (nothing stored).

import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import aws4 from 'aws4';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { corruptStoredBlock } from '../helpers/stored-blocks.js';
import { errorCode, REGION, startS3Harness, xmlText, type S3Harness } from './s3-harness.js';

const MiB = 1024 * 1024;
const BUCKET = 'errors';


describe('S3 errors', () => {
  let h: S3Harness;
  let endpoint: URL;
  before(async () => {
    h = await startS3Harness();
    endpoint = new URL(h.gateway.s3Endpoint);
    await h.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'present', Body: 'here' }));
  });
  after(() => h.close());

  test('authentication: anonymous, unknown key, wrong secret, skewed clock', async () => {
    const anonymous = await h.raw({ method: 'GET', path: `/${BUCKET}/present`, sign: false });
    assert.equal(anonymous.status, 403);
    assert.equal(errorCode(anonymous), 'AccessDenied');
    const unknown = await h.raw({ method: 'GET', path: '/', credentials: { accessKeyId: 'xxxxx-gj3su-000000000000000', secretAccessKey: 'nope' } });
    assert.equal(unknown.status, 403);
    assert.equal(errorCode(unknown), 'InvalidAccessKeyId');
    const wrong = await h.raw({ method: 'GET', path: '/', credentials: { accessKeyId: h.gateway.accessKey, secretAccessKey: 'wrong' } });
    assert.equal(wrong.status, 403);
    assert.equal(errorCode(wrong), 'SignatureDoesNotMatch');
    const old = await h.raw({ method: 'GET', path: '/', headers: { 'x-amz-date': '20200101T000000Z' } });
    assert.equal(old.status, 403);
    assert.equal(errorCode(old), 'RequestTimeTooSkewed');
    const headAnonymous = await h.raw({ method: 'HEAD', path: `/${BUCKET}/present`, sign: false });
    assert.equal(headAnonymous.status, 403);
    assert.equal(headAnonymous.body, '');
  });

  test('a presigned GET works without an Authorization header', async () => {
    const r = await h.raw({ method: 'GET', path: `/${BUCKET}/present`, presign: true });
    assert.equal(r.status, 200);
    assert.equal(r.body, 'here');
  });

  test('malformed requests: bad keys, unknown methods, unknown operations, unknown paths', async () => {
    const doubleSlash = await h.raw({ method: 'GET', path: `/${BUCKET}/a//b` });
    assert.equal(doubleSlash.status, 400);
    assert.equal(errorCode(doubleSlash), 'InvalidArgument');
    const patch = await h.raw({ method: 'PATCH', path: `/${BUCKET}/present` });
    assert.equal(patch.status, 405);
    assert.equal(errorCode(patch), 'MethodNotAllowed');
    const website = await h.raw({ method: 'PUT', path: `/${BUCKET}?website`, body: '<WebsiteConfiguration/>' });
    assert.equal(website.status, 501);
    assert.equal(errorCode(website), 'NotImplemented');
    assert.match(String(xmlText(website.body, 'Message')), /PutBucketWebsite/);
    const form = await h.raw({ method: 'POST', path: `/${BUCKET}`, body: 'key=x' });
    assert.equal(form.status, 501);
    const favicon = await h.raw({ method: 'GET', path: '/favicon.ico', sign: false });
    assert.equal(favicon.headers['content-type'], 'application/xml');
    assert.equal(errorCode(favicon), 'AccessDenied');
  });

  test('an object whose first block is corrupt: 500 InternalError without details; the cause is logged', async () => {
    const body = 'will be corrupted';
    await h.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'corrupt', Body: body }));
    corruptStoredBlock(h.gateway.dataDir, createHash('md5').update(body).digest('hex'));
    const r = await h.raw({ method: 'GET', path: `/${BUCKET}/corrupt` });
    assert.equal(r.status, 500);
    assert.equal(errorCode(r), 'InternalError');
    assert.equal(xmlText(r.body, 'Message'), 'We encountered an internal error. Please try again.');
    const requestId = String(r.headers['x-amz-request-id']);
    const logged = await h.waitForLog((l) => l.includes(requestId) && l.includes('"level":50'));
    assert.match(logged, /failed verification/);
  });

  test('a block that fails after the headers went out cuts the connection: never a complete success', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(MiB)];
    const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'cut' }));
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) {
      etags.push((await h.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'cut', UploadId, PartNumber: i + 1, Body }))).ETag!);
    }
    await h.s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'cut', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
    corruptStoredBlock(h.gateway.dataDir, createHash('md5').update(parts[1]!).digest('hex'));
    const signed = { host: endpoint.host, path: `/${BUCKET}/cut`, method: 'GET', service: 's3', region: REGION, headers: {} as Record<string, string> };
    aws4.sign(signed, { accessKeyId: h.gateway.accessKey, secretAccessKey: h.gateway.secretKey });
    const outcome = await new Promise<{ status: number; bytes: number; complete: boolean }>((resolve) => {
      const req = request({ host: endpoint.hostname, port: endpoint.port, path: signed.path, headers: signed.headers, agent: false }, (res) => {
        let bytes = 0;
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve({ status: res.statusCode!, bytes, complete: true }));
        res.on('error', () => resolve({ status: res.statusCode!, bytes, complete: false }));
      });
      req.on('error', () => resolve({ status: 0, bytes: 0, complete: false }));
      req.end();
    });
    assert.equal(outcome.status, 200);
    assert.equal(outcome.complete, false, 'the response must not end normally');
    assert.ok(outcome.bytes < 6 * MiB);
  });

  test('a client that goes away mid-GET stops the response (logged as cut short)', async () => {
    const parts = [randomBytes(5 * MiB), randomBytes(5 * MiB)];
    const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'abandoned' }));
    const etags: string[] = [];
    for (const [i, Body] of parts.entries()) {
      etags.push((await h.s3.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'abandoned', UploadId, PartNumber: i + 1, Body }))).ETag!);
    }
    await h.s3.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'abandoned', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
    const signed = { host: endpoint.host, path: `/${BUCKET}/abandoned`, method: 'GET', service: 's3', region: REGION, headers: {} as Record<string, string> };
    aws4.sign(signed, { accessKeyId: h.gateway.accessKey, secretAccessKey: h.gateway.secretKey });
    const requestId = await new Promise<string>((resolve, reject) => {
      const req = request({ host: endpoint.hostname, port: endpoint.port, path: signed.path, headers: signed.headers, agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve(String(res.headers['x-amz-request-id']));
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end();
    });
    const line = JSON.parse(await h.waitForLog((l) => l.includes(requestId) && l.includes('"s3 request"'))) as Record<string, unknown>;
    assert.equal(line['cut'], 'client-gone');
    assert.ok(Number(line['bytesOut']) < 10 * MiB);
  });

  /** Starts an upload of `declared` bytes, sends `sent` of them, and drops the connection. */
  async function abandonUpload(path: string, declared: number, sent: number): Promise<void> {
    const signed = {
      host: endpoint.host,
      path,
      method: 'PUT',
      service: 's3',
      region: REGION,
      headers: { 'content-length': String(declared), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } as Record<string, string>,
    };
    aws4.sign(signed, { accessKeyId: h.gateway.accessKey, secretAccessKey: h.gateway.secretKey });
    await new Promise<void>((resolve) => {
      const req = request({ host: endpoint.hostname, port: endpoint.port, method: 'PUT', path, headers: signed.headers, agent: false });
      req.on('error', () => resolve());
      req.write(randomBytes(sent), () => {
        req.destroy();
        resolve();
      });
    });
  }

  test('a client that disconnects mid-PutObject leaves nothing behind', async () => {
    await abandonUpload(`/${BUCKET}/half-put`, 8 * MiB, 3 * MiB);
    await h.waitForLog((l) => l.includes('"operation":"PutObject"') && l.includes('"errorCode":"IncompleteBody"'));
    assert.equal((await h.raw({ method: 'HEAD', path: `/${BUCKET}/half-put` })).status, 404);
    const list = await h.raw({ method: 'GET', path: `/${BUCKET}?list-type=2&prefix=half` });
    assert.equal(xmlText(list.body, 'KeyCount'), '0');
  });

  test('a client that disconnects mid-UploadPart leaves no part', async () => {
    const { UploadId } = await h.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'half-part' }));
    await abandonUpload(`/${BUCKET}/half-part?partNumber=1&uploadId=${UploadId}`, 6 * MiB, MiB);
    await h.waitForLog((l) => l.includes('"operation":"UploadPart"') && l.includes('"errorCode":"IncompleteBody"'));
    const parts = await h.s3.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'half-part', UploadId }));
    assert.deepEqual(parts.Parts ?? [], []);
  });

  test('after an error answered early, the connection still serves the next request', async () => {
    // A refused upload (unknown bucket) whose body was never read, then a request on the same socket.
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sendOn = (method: string, path: string, body?: Buffer) =>
      new Promise<number>((resolve, reject) => {
        const signed = { host: endpoint.host, path, method, service: 's3', region: REGION, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': String(body?.length ?? 0) } as Record<string, string> };
        aws4.sign(signed, { accessKeyId: h.gateway.accessKey, secretAccessKey: h.gateway.secretKey });
        const req = request({ host: endpoint.hostname, port: endpoint.port, method, path, headers: signed.headers, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(body);
      });
    assert.equal(await sendOn('PUT', '/no-such-bucket-anywhere/key', randomBytes(256 * 1024)), 404);
    assert.equal(await sendOn('GET', `/${BUCKET}/present`), 200);
    agent.destroy();
  });
});
