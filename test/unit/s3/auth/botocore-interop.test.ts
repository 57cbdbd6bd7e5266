// Requests signed by botocore itself (python3 on PATH, as on every project machine): SigV4
// headers (checksum in a header over http, aws-chunked with a CRC32 trailer over https),
// SigV4 and SigV2 presigned URLs, SigV2 headers. Each must authenticate, its body decode and
// verify, and any tampering be caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { authenticate } from '../../../../src/s3/auth/authenticate.js';
import { openRequestBody } from '../../../../src/s3/body/payload.js';
import { authCode, request, secrets } from './helpers.js';

interface Captured {
  name: string;
  kind: 'request' | 'presigned';
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

// The whole token with '_' for '/', used as both access key and secret (ARVADOS.md f.2).
const KEY = 'v2_zzzzz-gj3su-077z32aux8dg2s1_3kg6k6lzmp9kj5cpkcoxie963cmvjahbt2fod9zru30k1jqdmi';
const OPTS = { resolveSecret: secrets({ [KEY]: KEY }), now: () => Date.now() };

const output = JSON.parse(
  execFileSync('python3', [resolve(import.meta.dirname, 'botocore-requests.py'), KEY, KEY], { encoding: 'utf8', timeout: 60_000 }),
) as { botocore: string; requests: Captured[] };

function toRequest(c: Captured) {
  const m = /^https?:\/\/([^/]+)([^?]*)(?:\?(.*))?$/s.exec(c.url);
  assert.ok(m, c.url);
  const [, host, rawPath, rawQuery = ''] = m as unknown as [string, string, string, string | undefined];
  return request({ method: c.method, rawPath, rawQuery, headers: { host: host!, ...c.headers } });
}

test(`botocore ${output.botocore}: every signed request and presigned URL authenticates`, async () => {
  const names = output.requests.map((r) => r.name);
  assert.ok(names.includes('put-https-0') && names.includes('presign-default-get_object') && names.includes('sigv2-header-0'), names.join());
  for (const c of output.requests) {
    const r = await authenticate(toRequest(c), OPTS);
    const expected = c.name.startsWith('sigv2') || c.name.startsWith('presign-default') ? 'v2' : 'v4';
    assert.equal(r.signatureVersion, expected, c.name);
    assert.equal(r.location, c.kind === 'presigned' ? 'query' : 'header', c.name);
  }
});

test('botocore: tampering with the method, path or query of any of them is SignatureDoesNotMatch', async () => {
  for (const c of output.requests) {
    const req = toRequest(c);
    assert.equal(await authCode({ ...req, method: req.method === 'GET' ? 'DELETE' : 'GET' }, OPTS), 'SignatureDoesNotMatch', `${c.name} method`);
    assert.equal(await authCode({ ...req, rawPath: req.rawPath.replace('bucket', 'bucker') }, OPTS), 'SignatureDoesNotMatch', `${c.name} path`);
  }
  const list = toRequest(output.requests.find((r) => r.name === 'put-http-1')!);
  assert.equal(await authCode({ ...list, rawQuery: list.rawQuery.replace('prefix=dir', 'prefix=dix') }, OPTS), 'SignatureDoesNotMatch');
});

test('botocore: PutObject bodies (CRC32 header over http, aws-chunked CRC32 trailer over https) and DeleteObjects decode and verify', async () => {
  const expected = Buffer.from('hello from botocore\n'.repeat(1000));
  for (const name of ['put-http-0', 'put-https-0', 'put-http-2', 'put-https-2']) {
    const c = output.requests.find((r) => r.name === name)!;
    const req = toRequest(c);
    const auth = await authenticate(req, OPTS);
    const encoded = Buffer.from(c.body, 'base64');
    async function* pieces(): AsyncGenerator<Buffer> {
      for (let at = 0; at < encoded.length; at += 777) yield encoded.subarray(at, at + 777);
    }
    const body = openRequestBody(pieces(), req.headers, auth);
    const chunks: Buffer[] = [];
    for await (const s of body.payload) chunks.push(s);
    const verified = await body.verify();
    assert.equal(verified.checksum?.algorithm, 'CRC32', name);
    if (name.endsWith('-0')) {
      assert.deepEqual(Buffer.concat(chunks), expected, name);
      assert.equal(auth.payload.kind, name === 'put-https-0' ? 'aws-chunked' : 'sha256');
    } else {
      assert.match(Buffer.concat(chunks).toString(), /^<Delete/);
    }
  }
});
