// Property-based fuzzing through real HTTP: random methods, paths, queries, headers,
// Authorization values, aws-chunked framings, Range headers and XML bodies against a running
// gateway, unsigned and validly signed (so garbage reaches the handlers), and random JSON and
// filters against the embedded REST API. Every answer must be a clean 4xx (or 501) with an
// S3 XML / Arvados JSON error, never a 500, never a hang; the process stays up and serving.
// KEEPGATE_STRESS_SEED replays a run; KEEPGATE_FUZZ_RUNS sets the runs per property.

import fc from 'fast-check';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startGateway, type Gateway } from '../helpers/gateway.js';
import * as arb from '../helpers/faults/fuzz-arbitraries.js';
import * as op from '../helpers/faults/s3-ops.js';
import { s3, signHeaders, type RawS3Request, type RawS3Response, type S3Target } from '../helpers/faults/s3-raw.js';
import { payload, stressSeed } from '../helpers/faults/seed.js';

const RUNS = Number(process.env.KEEPGATE_FUZZ_RUNS ?? 400);
const seed = stressSeed('reliability-fuzz');
const content = payload('fuzz-existing', 256);

/** Why `res` is not a clean refusal or success, or undefined. */
function unclean(res: RawS3Response, method: string): string | undefined {
  if (res.status >= 500 && res.status !== 501) return `server error ${res.status}: ${res.text.slice(0, 300)}`;
  if (res.status >= 400 && method !== 'HEAD' && !/^<\?xml[^>]*\?>\s*<Error>\s*<Code>\w+<\/Code>/.test(res.text)) return `${res.status} without an S3 XML error: ${JSON.stringify(res.text.slice(0, 200))}`;
  return undefined;
}

describe(`fuzzing the S3 endpoint and REST API (${RUNS} runs per property, seed ${seed})`, () => {
  let g: Gateway;
  let t: S3Target;
  let total = 0;

  before(async () => {
    g = await startGateway();
    t = { endpoint: g.s3Endpoint, credentials: { accessKeyId: g.accessKey, secretAccessKey: g.secretKey } };
    for (const b of ['fuzz', 'fuzz-xml', 'ranges']) assert.equal((await op.createBucket(t, b)).status, 200);
    assert.equal((await op.putObject(t, 'fuzz', 'existing.txt', content)).status, 200);
    // Only the Range property reads this one; the others may overwrite anything under fuzz/.
    assert.equal((await op.putObject(t, 'ranges', 'object', content)).status, 200);
  });
  after(async () => {
    process.stdout.write(`# reliability-fuzz: ${total} requests\n`);
    await g.close();
  });

  async function send(req: RawS3Request, sign: boolean): Promise<RawS3Response> {
    total++;
    let headers = req.headers ?? {};
    if (sign) {
      try {
        headers = signHeaders(t, { ...req, signing: 'unsigned' });
      } catch {
        // aws4 cannot sign some malformed paths; they go unsigned
      }
    }
    return s3(t, { ...req, headers, signing: 'none', timeoutMs: 10_000 });
  }

  const generic = fc.record({ method: arb.methodArb, path: arb.pathArb, query: arb.queryArb, headers: arb.headersArb, auth: arb.authorizationArb('KEY'), body: arb.bodyArb });

  test('unsigned and forged requests: clean S3 errors', async () => {
    await fc.assert(
      fc.asyncProperty(generic, async (r) => {
        const headers = { ...r.headers, ...(r.auth !== undefined && { authorization: r.auth.replace('KEY', g.accessKey) }) };
        const res = await send({ method: r.method, path: r.query ? `${r.path}?${r.query}` : r.path, headers, body: r.body }, false);
        assert.equal(unclean(res, r.method), undefined);
        assert.ok(res.status >= 300 || r.method === 'OPTIONS', `an unauthenticated ${r.method} succeeded: ${res.status}`);
      }),
      { seed, numRuns: RUNS },
    );
  });

  test('validly signed garbage reaches the handlers: never a 500', async (ctx) => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.oneof(generic, arb.plausibleArb, arb.plausibleArb), async (r) => {
        const res = await send({ method: r.method, path: r.query ? `${r.path}?${r.query}` : r.path, headers: r.headers, body: r.body }, true);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        assert.equal(unclean(res, r.method), undefined);
      }),
      { seed: seed + 1, numRuns: RUNS },
    );
    ctx.diagnostic(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
    const handled = [...statuses].filter(([s]) => s < 300 || s === 404 || s === 409 || s === 412 || s === 416).reduce((n, [, c]) => n + c, 0);
    assert.ok(handled >= RUNS / 20, `only ${handled} of ${RUNS} signed requests got past authentication and routing`);
  });

  test('aws-chunked bodies: clean refusals; a stored object has the declared decoded length', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(arb.awsChunkedArb, fc.integer({ min: -2, max: 2 }), async (c, lengthDelta) => {
        const key = `chunked-${n++}`;
        const declared = Math.max(0, c.decoded + lengthDelta);
        const headers: Record<string, string> = {
          'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
          'content-encoding': 'aws-chunked',
          'x-amz-decoded-content-length': String(declared),
          ...(c.trailer && { 'x-amz-trailer': c.trailer }),
        };
        const res = await send({ method: 'PUT', path: `/fuzz/${key}`, headers, body: c.body }, true);
        assert.equal(unclean(res, 'PUT'), undefined);
        const head = await op.headObject(t, 'fuzz', key);
        if (res.status === 200) assert.equal(Number(head.headers['content-length']), declared, 'stored size differs from x-amz-decoded-content-length');
        else assert.equal(head.status, 404, `a refused chunked upload (${res.status}) left an object`);
      }),
      { seed: seed + 2, numRuns: RUNS },
    );
  });

  test('Range headers: 200, 206 with the right slice, or 416', async () => {
    await fc.assert(
      fc.asyncProperty(arb.rangeArb, async (range) => {
        const res = await send({ method: 'GET', path: '/ranges/object', headers: { range } }, true);
        assert.equal(unclean(res, 'GET'), undefined);
        assert.ok([200, 206, 416].includes(res.status), `Range ${JSON.stringify(range)} -> ${res.status}`);
        if (res.status === 200) assert.deepEqual(res.body, content);
        if (res.status === 206) {
          const m = /^bytes (\d+)-(\d+)\/256$/.exec(String(res.headers['content-range']));
          assert.ok(m, `Content-Range ${res.headers['content-range']}`);
          assert.deepEqual(res.body, content.subarray(Number(m[1]), Number(m[2]) + 1));
        }
      }),
      { seed: seed + 3, numRuns: RUNS },
    );
  });

  test('XML bodies for DeleteObjects, CompleteMultipartUpload, tagging and CreateBucket: clean answers', async () => {
    const { uploadId } = await op.createUpload(t, 'fuzz-xml', 'mp');
    await fc.assert(
      fc.asyncProperty(arb.xmlArb, fc.constantFrom('delete', 'complete', 'tagging', 'create'), async (xml, kind) => {
        const req: RawS3Request =
          kind === 'delete' ? { method: 'POST', path: '/fuzz-xml?delete', body: xml, headers: { 'content-md5': md5b64(xml) } }
          : kind === 'complete' ? { method: 'POST', path: `/fuzz-xml/mp?uploadId=${uploadId}`, body: xml }
          : kind === 'tagging' ? { method: 'PUT', path: '/fuzz-xml?tagging', body: xml, headers: { 'content-md5': md5b64(xml) } }
          : { method: 'PUT', path: '/fuzz-xml-new', body: xml };
        const res = await send(req, true);
        assert.equal(unclean(res, req.method), undefined);
      }),
      { seed: seed + 4, numRuns: RUNS },
    );
  });

  test('REST API: random filters, order, select, limit, offset and JSON bodies get clean Arvados answers', async () => {
    const rest = async (method: string, path: string, body?: string): Promise<void> => {
      total++;
      const res = await fetch(`${g.apiEndpoint}/arvados/v1/${path}`, {
        method,
        headers: { authorization: `Bearer ${g.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      assert.ok(res.status < 500, `${method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
      if (res.status >= 400) assert.ok(Array.isArray((JSON.parse(text) as { errors?: unknown }).errors), `not an Arvados error: ${text.slice(0, 200)}`);
    };
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('collections', 'groups', 'users', 'links', 'api_client_authorizations', 'groups/contents'), arb.restQueryArb, (resource, q) => rest('GET', `${resource}?${q}`)),
      { seed: seed + 5, numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('POST collections', 'POST groups', 'POST links', 'PATCH collections/zzzzz-4zz18-000000000000000', 'POST users', 'POST api_client_authorizations'),
        fc.oneof(fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.record({ collection: fc.dictionary(fc.constantFrom('name', 'manifest_text', 'owner_uuid', 'properties', 'trash_at', 'bogus'), fc.jsonValue({ maxDepth: 2 })) }).map((v) => JSON.stringify(v)), fc.string({ maxLength: 50 })),
        (target, body) => {
          const [method, path] = target.split(' ') as [string, string];
          return rest(method, path, body);
        },
      ),
      { seed: seed + 6, numRuns: RUNS },
    );
  });

  // Node's http server answers an Expect value other than 100-continue itself (417, empty
  // body) unless the server handles 'checkExpectation'; S3 clients get no S3 error document.
  test('an unsupported Expect value gets an S3 XML error like any other refusal', async () => {
    for (const sign of [false, true]) {
      const res = await send({ method: 'PUT', path: '/fuzz/expect', headers: { expect: 'bytes=0-0' }, body: 'x' }, sign);
      assert.equal(unclean(res, 'PUT'), undefined, `signed=${sign}`);
    }
    assert.equal((await op.headObject(t, 'fuzz', 'expect')).status, 404);
  });

  test('after all that the gateway is up and serves normally', async () => {
    assert.equal(g.proc.exitCode, null);
    // A fresh bucket: validly signed fuzz may have emptied and deleted the ones above.
    assert.equal((await op.createBucket(t, 'after-fuzz')).status, 200);
    const put = await op.putObject(t, 'after-fuzz', 'object', Buffer.from('still here'));
    assert.equal(put.status, 200, put.text);
    assert.equal((await op.getObject(t, 'after-fuzz', 'object')).text, 'still here');
  });
});

function md5b64(s: string): string {
  return createHash('md5').update(s).digest('base64');
}
