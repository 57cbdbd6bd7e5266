// A bucket with 20,000 files, written and read one small object at a time (what a busy
// bucket under mixed load sees). DESIGN.md: "a write into a big collection costs the change,
// not a rewrite", manifests "parsed once and cached". Counted here, not timed: the manifest
// text the site layer fetches from the cluster for each small PUT followed by a GET.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ArvadosApi } from '../../src/arvados-api/api.js';
import { startInProcessGateway, type InProcessGateway } from '../helpers/faults/in-process-gateway.js';
import * as op from '../helpers/faults/s3-ops.js';

const FILES = 20_000;

describe(`a ${FILES}-file bucket`, () => {
  let gw: InProcessGateway;
  const fetched = { calls: 0, manifestBytes: 0 };

  /** Counts the manifest text every getCollection returns to the site. */
  function counting(inner: ArvadosApi): ArvadosApi {
    return new Proxy(inner, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'getCollection' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          const c = (await (value as (...a: unknown[]) => Promise<{ manifest_text?: string }>).apply(target, args));
          fetched.calls++;
          fetched.manifestBytes += c.manifest_text?.length ?? 0;
          return c;
        };
      },
    });
  }

  before(async () => {
    gw = await startInProcessGateway({ wrapApi: counting });
    assert.equal((await op.createBucket(gw.target, 'big')).status, 200);
    assert.equal((await op.putObject(gw.target, 'big', 'seed', Buffer.from('s'))).status, 200);
    const uuid = (await gw.cluster.api.listCollections(gw.adminToken, { filters: [['name', '=', 'big']] })).items[0]!.uuid;
    const manifest = (await gw.cluster.api.getCollection(gw.adminToken, uuid, { select: ['manifest_text'] })).manifest_text!;
    const locator = /\S+\+1\+A\S+/.exec(manifest)![0];
    const files = Array.from({ length: FILES }, (_, i) => `0:1:file-${String(i).padStart(5, '0')}`).join(' ');
    await gw.cluster.api.updateCollection(gw.adminToken, uuid, { manifest_text: `. ${locator} 0:1:seed ${files}\n` });
    assert.equal((await op.getObject(gw.target, 'big', 'file-12345')).text, 's');
  });
  after(() => gw.close());

  // src/site/collection-cache.ts revalidates by modified_at and, when it changed (any write),
  // re-fetches, re-signs and re-parses the whole manifest: every read that follows a write
  // costs O(files). Under the 200-client load test this is what makes throughput fall as the
  // bucket grows.
  test('a small PUT then GET does not fetch the whole manifest again', async () => {
    const wholeManifest = FILES * '0:1:file-00000 '.length;
    fetched.calls = 0;
    fetched.manifestBytes = 0;
    const pairs = 10;
    for (let i = 0; i < pairs; i++) {
      assert.equal((await op.putObject(gw.target, 'big', `new-${i}`, Buffer.from(`n${i}`))).status, 200);
      assert.equal((await op.getObject(gw.target, 'big', `new-${i}`)).text, `n${i}`);
    }
    const perPair = fetched.manifestBytes / pairs;
    assert.ok(perPair < wholeManifest / 10, `each PUT+GET fetched ${Math.round(perPair / 1024)} KiB of manifest text (the whole manifest is ${Math.round(wholeManifest / 1024)} KiB; ${fetched.calls} getCollection calls)`);
  });
});
