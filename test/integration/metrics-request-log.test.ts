// The access log of a real gateway: every S3 request, whoever sent it and however it ended,
// gives exactly one JSON line with the request id the client got in x-amz-request-id, the
// operation, status, bytes, duration and the caller's user uuid; and nothing keepgate
// writes (stdout or stderr) contains a token, a secret or a signature, whether the client
// signed in the Authorization header, in a presigned URL, or used the whole token as key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import {
  CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import aws4 from 'aws4';
import { send, startS3Harness, type RawResponse, type S3Harness } from './s3-harness.js';

const BUCKET = 'logged';

/** What the client saw of one request (one attempt, for the SDK). */
interface Seen {
  readonly operation: string;
  readonly status: number;
  readonly requestId: string;
  /** Request and response body sizes, where the test knows them. */
  readonly bytesIn?: number;
  readonly bytesOut?: number;
  /** False for a request refused before the caller was known. */
  readonly authenticated: boolean;
}

interface Capture {
  readonly seen: Seen[];
  /** Signatures and Authorization headers the clients sent: none may reach the log. */
  readonly secrets: Set<string>;
}

/** Records every attempt's Authorization header and the request id it got back. */
function instrument(client: S3Client, capture: Capture, operation: () => string): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers: Record<string, string> }).headers;
      const auth = headers['authorization'];
      if (auth) {
        capture.secrets.add(auth);
        capture.secrets.add(/Signature=([0-9a-f]+)/.exec(auth)![1]!);
      }
      const result = await next(args);
      const res = result.response as { statusCode: number; headers: Record<string, string> };
      capture.seen.push({ operation: operation(), status: res.statusCode, requestId: res.headers['x-amz-request-id']!, authenticated: true });
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'captureForLogTest' },
  );
}

/** A request signed with aws4 (header or query), its signature recorded. */
async function signedRaw(
  h: S3Harness,
  capture: Capture,
  r: { method: string; path: string; body?: string; presign?: boolean; credentials?: { accessKeyId: string; secretAccessKey: string } },
): Promise<RawResponse> {
  const endpoint = new URL(h.gateway.s3Endpoint);
  const opts = {
    host: endpoint.host, method: r.method, path: r.path, service: 's3', region: 'us-east-1',
    headers: {} as Record<string, string>,
    ...(r.presign && { signQuery: true }),
    ...(r.body !== undefined && { body: r.body }),
  };
  if (r.body !== undefined) opts.headers['content-length'] = String(Buffer.byteLength(r.body));
  aws4.sign(opts, r.credentials ?? { accessKeyId: h.gateway.accessKey, secretAccessKey: h.gateway.secretKey });
  const signature = /Signature=([0-9a-f]+)/.exec(r.presign ? opts.path : opts.headers['Authorization']!)![1]!;
  capture.secrets.add(signature);
  return send(endpoint, opts.method, opts.path, opts.headers, r.body);
}

const requestIdOf = (r: RawResponse): string => r.headers['x-amz-request-id'] as string;

test('one JSON access-log line per S3 request, with the id the client got; no secret or signature in the output', { timeout: 120_000 }, async () => {
  const h = await startS3Harness();
  const capture: Capture = { seen: [], secrets: new Set() };
  let closed = false;
  try {
    const user = (await h.api('GET', 'users/current'))['uuid'] as string;
    let current = '';
    const sdk = h.client();
    instrument(sdk, capture, () => current);
    const run = async <T>(operation: string, p: () => Promise<T>): Promise<T> => {
      current = operation;
      return p();
    };
    await run('CreateBucket', () => sdk.send(new CreateBucketCommand({ Bucket: BUCKET })));
    await run('PutObject', () => sdk.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a/one.txt', Body: 'x'.repeat(1000) })));
    await run('ListObjectsV2', () => sdk.send(new ListObjectsV2Command({ Bucket: BUCKET })));
    await run('HeadObject', () => sdk.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'a/one.txt' })));
    const got = await run('GetObject', () => sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a/one.txt' })));
    assert.equal((await got.Body!.transformToString()).length, 1000);
    await assert.rejects(run('GetObject', () => sdk.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing' }))), { name: 'NoSuchKey' });

    // Header auth with a hashed payload, and presigned URLs (the signature is in the query).
    const put = await signedRaw(h, capture, { method: 'PUT', path: `/${BUCKET}/b.txt`, body: 'twelve bytes' });
    capture.seen.push({ operation: 'PutObject', status: put.status, requestId: requestIdOf(put), bytesIn: 12, authenticated: true });
    const presigned = await signedRaw(h, capture, { method: 'GET', path: `/${BUCKET}/b.txt`, presign: true });
    assert.equal(presigned.body, 'twelve bytes');
    capture.seen.push({ operation: 'GetObject', status: presigned.status, requestId: requestIdOf(presigned), bytesOut: 12, authenticated: true });
    // The whole token as access key: that key is itself the secret.
    const tokenKey = h.gateway.token.replace(/\//g, '_');
    capture.secrets.add(tokenKey);
    const asToken = await signedRaw(h, capture, { method: 'GET', path: `/${BUCKET}/b.txt`, presign: true, credentials: { accessKeyId: tokenKey, secretAccessKey: tokenKey } });
    assert.equal(asToken.status, 200);
    capture.seen.push({ operation: 'GetObject', status: 200, requestId: requestIdOf(asToken), bytesOut: 12, authenticated: true });
    // Refused: a wrong secret, and no signature at all on a private object.
    const wrong = await signedRaw(h, capture, { method: 'GET', path: `/${BUCKET}/b.txt`, credentials: { accessKeyId: h.gateway.accessKey, secretAccessKey: 'not-it' } });
    assert.equal(wrong.status, 403);
    capture.seen.push({ operation: 'GetObject', status: 403, requestId: requestIdOf(wrong), authenticated: false });
    const anonymous = await h.raw({ method: 'GET', path: `/${BUCKET}/b.txt`, sign: false });
    assert.equal(anonymous.status, 403);
    capture.seen.push({ operation: 'GetObject', status: 403, requestId: requestIdOf(anonymous), authenticated: false });

    // The REST/Keep API listener logs its requests too (by route pattern); probes only at debug.
    const rest = await fetch(`${h.gateway.apiEndpoint}/arvados/v1/users/current`, { headers: { authorization: `Bearer ${h.gateway.token}` } });
    assert.equal(rest.status, 200);
    const restId = rest.headers.get('x-request-id');
    assert.equal((await fetch(`${h.gateway.apiEndpoint}/_health/ready`)).status, 200);

    // Stop the server so that its whole output has been read.
    await h.close();
    closed = true;
    const stdout = h.gateway.proc.stdout!;
    if (!stdout.closed) await once(stdout, 'close');

    const output = h.gateway.logs;
    const accessLog = output.filter((l) => l.includes('"msg":"s3 request"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(accessLog.length, capture.seen.length, 'one line per request, no more');
    for (const s of capture.seen) {
      const lines = accessLog.filter((l) => l['requestId'] === s.requestId);
      assert.equal(lines.length, 1, `exactly one line for request ${s.requestId} (${s.operation})`);
      const line = lines[0]!;
      assert.equal(line['operation'], s.operation);
      assert.equal(line['status'], s.status);
      assert.equal(line['level'], 30);
      assert.equal(typeof line['durationMs'], 'number');
      assert.equal(typeof line['bytesIn'], 'number');
      assert.equal(typeof line['bytesOut'], 'number');
      if (s.bytesIn !== undefined) assert.equal(line['bytesIn'], s.bytesIn);
      if (s.bytesOut !== undefined) assert.equal(line['bytesOut'], s.bytesOut);
      assert.equal(line['user'], s.authenticated ? user : undefined);
      if (s.status >= 400) assert.equal(typeof line['errorCode'], 'string');
    }
    const apiLog = output.filter((l) => l.includes('"msg":"api request"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const restLine = apiLog.find((l) => l['requestId'] === restId);
    assert.ok(restLine, 'the REST request is logged with the X-Request-Id it got');
    assert.equal(restLine['endpoint'], 'GET users/current');
    assert.equal(restLine['status'], 200);
    assert.equal(typeof restLine['durationMs'], 'number');
    assert.ok(!apiLog.some((l) => l['endpoint'] === '/_health/ready'), 'probes stay out of the info log');
    const sdkPut = accessLog.find((l) => l['operation'] === 'PutObject' && l['bytesIn'] === 1000);
    assert.ok(sdkPut, 'the SDK upload logs its decoded body size');

    const everything = output.join('\n');
    const secrets = [h.gateway.secretKey, h.gateway.token, ...capture.secrets];
    assert.ok(capture.secrets.size >= 10, 'signatures were collected');
    for (const secret of secrets) assert.ok(!everything.includes(secret), `the output contains a secret or signature: ${secret.slice(0, 12)}…`);
  } finally {
    if (!closed) await h.close();
  }
});
