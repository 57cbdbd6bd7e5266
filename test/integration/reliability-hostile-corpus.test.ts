// A corpus of named hostile requests against a real gateway (test/helpers/faults/
// hostile-corpus.ts): forged, replayed, expired and tampered signatures, payload and
// checksum mismatches, bad chunk signatures, truncated bodies, XML bombs and oversized XML,
// 1,001-key deletes, key and bucket-name tricks, oversized headers, unsupported methods and
// subresources. Each gets its expected status and S3 error code, and changes nothing.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type Gateway } from '../helpers/gateway.js';
import { HOSTILE_CORPUS, type CorpusContext } from '../helpers/faults/hostile-corpus.js';
import * as op from '../helpers/faults/s3-ops.js';
import { errorCode, s3, type S3Target } from '../helpers/faults/s3-raw.js';

describe(`hostile request corpus (${HOSTILE_CORPUS.length} entries)`, () => {
  let g: Gateway;
  let t: S3Target;
  let ctx: CorpusContext;

  before(async () => {
    g = await startGateway();
    t = { endpoint: g.s3Endpoint, credentials: { accessKeyId: g.accessKey, secretAccessKey: g.secretKey } };
    assert.equal((await op.createBucket(t, 'corpus')).status, 200);
    assert.equal((await op.putObject(t, 'corpus', 'existing.txt', Buffer.from('precious bytes'))).status, 200);
    const { uploadId } = await op.createUpload(t, 'corpus', 'mp-target');
    const part = await op.uploadPart(t, 'corpus', 'mp-target', uploadId!, 1, Buffer.alloc(5 * 1024 * 1024, 1));
    const coll = await api(`collections?filters=${encodeURIComponent(JSON.stringify([['name', '=', 'corpus']]))}`);
    const pdh = (coll.items as Array<{ portable_data_hash: string }>)[0]!.portable_data_hash;
    ctx = { t, bucket: 'corpus', key: 'existing.txt', uploadKey: 'mp-target', uploadId: uploadId!, partEtag: String(part.headers.etag).replace(/"/g, ''), pdh };
  });
  after(() => g.close());

  async function api(path: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${g.apiEndpoint}/arvados/v1/${path}`, { headers: { authorization: `Bearer ${g.token}` } });
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  }

  /** Everything a hostile request might have changed, as comparable text. */
  async function snapshot(): Promise<Record<string, unknown>> {
    const list = await s3(t, { method: 'GET', path: '/corpus?list-type=2' });
    const parts = await op.listParts(t, 'corpus', 'mp-target', ctx.uploadId);
    const buckets = await s3(t, { method: 'GET', path: '/' });
    const content = await op.getObject(t, 'corpus', 'existing.txt');
    const collections = await api('collections?limit=0&count=exact');
    const groups = await api('groups?limit=0&count=exact');
    return { list: list.text, parts: parts.res.text, buckets: buckets.text, content: content.text, collections: collections.items_available, groups: groups.items_available };
  }

  for (const c of HOSTILE_CORPUS) {
    test(c.name, async () => {
      const before = await snapshot();
      const res = await c.send(ctx);
      const status = res === 'no-answer' ? 'no-answer' : res.status;
      assert.ok(c.status.includes(status), `expected ${c.status.join('/')}, got ${status}${res === 'no-answer' ? '' : ` ${res.text.slice(0, 300)}`}`);
      if (res !== 'no-answer' && c.codes && c.codes.length > 0) {
        assert.match(res.text, /^<\?xml[^>]*\?>\s*<Error>/, `not an S3 XML error: ${res.text.slice(0, 200)}`);
        assert.ok(c.codes.includes(errorCode(res) ?? ''), `expected code ${c.codes.join('/')}, got ${errorCode(res)}`);
      }
      if (res !== 'no-answer' && res.status >= 500 && res.status !== 501) assert.fail(`server error ${res.status} for client input: ${res.text.slice(0, 200)}`);
      assert.deepEqual(await snapshot(), before, 'the request changed something');
      assert.equal(g.proc.exitCode, null, 'the server exited');
    });
  }
});
