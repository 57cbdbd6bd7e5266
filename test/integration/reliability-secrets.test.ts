// No secret, token or signature in any log line or error body: a real gateway serves a mix
// of good and bad requests (SigV4 header and presigned, SigV2, signed aws-chunked bodies,
// multipart, the REST and Keep APIs with good and bad tokens); then its whole stdout/stderr
// and every S3 response and REST/Keep error body are searched for each secret that was
// involved: token secrets (all spellings), SigV4 signing keys, every signature sent, the
// blob signing key and the locator signatures it made.

import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signingKeyFor } from '../unit/s3/body/chunked-encoder.js';
import { startGateway, type Gateway } from '../helpers/gateway.js';
import { presign, sigV2Headers, signedChunkedPut } from '../helpers/faults/hostile-signing.js';
import * as op from '../helpers/faults/s3-ops.js';
import { objectPath, s3, signHeaders, type RawS3Request, type RawS3Response, type S3Target } from '../helpers/faults/s3-raw.js';
import { collectionNamed, createUser, type TestUser } from '../helpers/faults/users.js';

describe('secrets stay out of logs and error bodies', () => {
  let g: Gateway;
  let admin: S3Target;
  let bob: TestUser;
  /** Every S3 response (all of it) and every REST/Keep error body. */
  const haystack: string[] = [];
  /** Signatures sent, collected as requests are made. */
  const signatures = new Set<string>();

  before(async () => {
    g = await startGateway();
    admin = { endpoint: g.s3Endpoint, credentials: { accessKeyId: g.accessKey, secretAccessKey: g.secretKey } };
    bob = await createUser(g, 'bob');
  });
  after(() => g.close());

  function note(req: RawS3Request & { headers?: Record<string, string> }): void {
    const auth = req.headers?.['Authorization'] ?? req.headers?.['authorization'] ?? '';
    for (const m of `${auth} ${req.path}`.matchAll(/(?:Signature=|X-Amz-Signature=|AWS [^:]+:)([0-9a-zA-Z+/=%]{20,})/g)) signatures.add(decodeURIComponent(m[1]!));
  }

  async function send(t: S3Target, req: RawS3Request, sign = true): Promise<RawS3Response> {
    const headers = sign ? signHeaders(t, req) : (req.headers ?? {});
    note({ ...req, headers });
    const res = await s3(t, { ...req, headers, signing: 'none' });
    // SignatureDoesNotMatch echoes the caller's own signature back as <SignatureProvided>,
    // as AWS does (clients show it to debug signing); only that element is exempt.
    haystack.push(JSON.stringify(res.headers), res.text.replace(/<SignatureProvided>[^<]*<\/SignatureProvided>/, ''));
    return res;
  }

  async function rest(token: string, method: string, path: string, keep = false): Promise<void> {
    const res = await fetch(`${g.apiEndpoint}${keep ? '/' : '/arvados/v1/'}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    if (res.status >= 400) haystack.push(text);
  }

  test('a mix of good and hostile requests', async () => {
    const wrong = { ...admin, credentials: { ...admin.credentials, secretAccessKey: 'not-the-secret' } };
    assert.equal((await send(admin, { method: 'PUT', path: '/secrets' })).status, 200);
    assert.equal((await send(admin, { method: 'PUT', path: '/secrets/a.txt', body: 'hello' })).status, 200);
    assert.equal((await send(admin, { method: 'GET', path: '/secrets/a.txt' })).status, 200);
    assert.equal((await send(admin, { method: 'GET', path: '/secrets?list-type=2' })).status, 200);
    assert.equal((await send(wrong, { method: 'PUT', path: '/secrets/b.txt', body: 'x' })).status, 403);
    assert.equal((await send(bob.target, { method: 'GET', path: '/secrets/a.txt' })).status, 404);
    assert.equal((await send({ ...admin, credentials: { accessKeyId: g.token.replace(/\//g, '_'), secretAccessKey: g.token.replace(/\//g, '_') } }, { method: 'GET', path: '/secrets/a.txt' })).status, 200);
    assert.equal((await send({ ...admin, credentials: { accessKeyId: g.token.replace(/\//g, '_'), secretAccessKey: 'bad' } }, { method: 'GET', path: '/secrets/a.txt' })).status, 403);
    const presigned = presign(admin, 'GET', objectPath('secrets', 'a.txt'), { 'X-Amz-Expires': '300' });
    assert.equal((await send(admin, { method: 'GET', path: presigned }, false)).status, 200);
    assert.equal((await send(admin, { method: 'GET', path: presigned.replace('a.txt', 'b.txt') }, false)).status, 403);
    for (const secret of [g.secretKey, 'wrong']) {
      const headers = sigV2Headers(admin, 'GET', '/secrets/a.txt', secret);
      await send(admin, { method: 'GET', path: '/secrets/a.txt', headers }, false);
    }
    const chunked = signedChunkedPut(admin, '/secrets/chunked', Buffer.alloc(100_000, 5), 65_536);
    for (const m of chunked.body.toString('latin1').matchAll(/chunk-signature=([0-9a-f]{64})/g)) signatures.add(m[1]!);
    assert.equal((await send(admin, { method: 'PUT', path: '/secrets/chunked', headers: chunked.headers, body: chunked.body }, false)).status, 200);
    const bad = Buffer.from(chunked.body.toString('latin1').replace(/chunk-signature=([0-9a-f])/, (_, c: string) => `chunk-signature=${c === '0' ? '1' : '0'}`), 'latin1');
    assert.equal((await send(admin, { method: 'PUT', path: '/secrets/chunked2', headers: chunked.headers, body: bad }, false)).status, 403);
    const { uploadId } = await op.createUpload(admin, 'secrets', 'mp');
    await send(admin, { method: 'PUT', path: `/secrets/mp?partNumber=1&uploadId=${uploadId}`, body: 'part' });
    await send(admin, { method: 'POST', path: `/secrets/mp?uploadId=${uploadId}`, body: '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>wrong</ETag></Part></CompleteMultipartUpload>' });
    await rest(g.token, 'GET', 'users/current');
    await rest(`${g.token}x`, 'GET', 'users/current');
    await rest(bob.token, 'GET', `collections/${(await collectionNamed(g, (await userUuid()), 'secrets')).uuid}`);
    const manifest = await (await fetch(`${g.apiEndpoint}/arvados/v1/collections/${(await collectionNamed(g, await userUuid(), 'secrets')).uuid}`, { headers: { authorization: `Bearer ${g.token}` } })).json() as { manifest_text: string };
    const signed = /[0-9a-f]{32}\+\d+\+A[0-9a-f]+@[0-9a-f]+/.exec(manifest.manifest_text)![0];
    signatures.add(/\+A([0-9a-f]+)@/.exec(signed)![1]!);
    await rest(g.token, 'GET', signed, true);
    await rest(bob.token, 'GET', signed, true);
    await rest(g.token, 'GET', signed.replace(/\+A[0-9a-f]/, '+A0'), true);
  });

  test('none of the secrets appears in the logs or in any response', async () => {
    await g.stop('SIGTERM'); // flush the logs
    const db = new Database(join(g.dataDir, 'metadata.sqlite'), { readonly: true });
    const blobKey = (db.prepare(`SELECT value FROM meta WHERE key = 'blob_signing_key'`).get() as { value: string } | undefined)?.value;
    db.close();
    assert.ok(blobKey, 'the blob signing key was not found');
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const secrets = new Map<string, string>([
      ['admin secret key', g.secretKey],
      ['admin token', g.token],
      ['admin token, underscore form', g.token.replace(/\//g, '_')],
      ["bob's secret key", bob.target.credentials.secretAccessKey],
      ['blob signing key', blobKey],
    ]);
    for (const [who, secret] of [['admin', g.secretKey], ['bob', bob.target.credentials.secretAccessKey]] as const) {
      const key = signingKeyFor(secret, today, 'us-east-1', 's3');
      secrets.set(`${who} SigV4 signing key (hex)`, key.toString('hex'));
      secrets.set(`${who} SigV4 signing key (base64)`, key.toString('base64'));
    }
    assert.ok(signatures.size >= 15, `only ${signatures.size} signatures were collected`);
    for (const sig of signatures) secrets.set(`signature ${sig.slice(0, 12)}…`, sig);
    const logs = g.logs.join('\n');
    assert.ok(g.logs.length > 20, 'the server logged almost nothing');
    const leaks: string[] = [];
    for (const [name, secret] of secrets) {
      if (logs.includes(secret)) leaks.push(`${name} in the server log: ${g.logs.find((l) => l.includes(secret))!.slice(0, 300)}`);
      const body = haystack.find((h) => h.includes(secret));
      if (body !== undefined) leaks.push(`${name} in a response: ${body.slice(0, 300)}`);
    }
    assert.deepEqual(leaks, [], `${secrets.size} secrets checked against ${g.logs.length} log lines and ${haystack.length} responses`);
  });

  async function userUuid(): Promise<string> {
    const res = await fetch(`${g.apiEndpoint}/arvados/v1/users/current`, { headers: { authorization: `Bearer ${g.token}` } });
    return ((await res.json()) as { uuid: string }).uuid;
  }
});
