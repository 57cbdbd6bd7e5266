// CollectionCache: requests that need the same collection at once share one fetch and parse,
// and a shared fetch never hides a change that happened before a request revalidated.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ArvadosApi } from '../../../src/arvados-api/api.js';
import type { Collection } from '../../../src/arvados-api/types.js';
import { CollectionCache } from '../../../src/site/collection-cache.js';
import type { Principal } from '../../../src/site/principal.js';

const UUID = 'zzzzz-4zz18-000000000000000';
const PDH = 'd41d8cd98f00b204e9800998ecf8427e+0';
const LOC = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
const principal = { token: 'v2/zzzzz-gj3su-000000000000000/secret', tokenUuid: 'zzzzz-gj3su-000000000000000' } as Principal;

/** A collection whose files and modified_at the test changes; full fetches can be held back. */
class FakeCluster {
  files = ['a'];
  modifiedAt = '2026-01-01T00:00:00.000000000Z';
  fullFetches = 0;
  heads = 0;
  failNextFull = false;
  private held: Array<() => void> = [];
  hold = false;

  /** Lets every held full fetch answer (with the state it read when it was asked). */
  release(): void {
    for (const go of this.held.splice(0)) go();
  }

  readonly api = {
    getCollection: async (_token: string, id: string, opts?: { select?: string[] }): Promise<Collection> => {
      if (opts?.select?.length === 2 && opts.select.includes('modified_at')) {
        this.heads++;
        return { uuid: id, modified_at: this.modifiedAt } as Collection;
      }
      this.fullFetches++;
      const fail = this.failNextFull;
      this.failNextFull = false;
      const state = {
        uuid: id,
        portable_data_hash: PDH,
        modified_at: this.modifiedAt,
        manifest_text: `. ${LOC} ${this.files.map((f) => `0:3:${f}`).join(' ')}\n`,
      } as Collection;
      if (this.hold) await new Promise<void>((go) => this.held.push(go));
      if (fail) throw Object.assign(new Error('backend down'), { status: 503 });
      return state;
    },
  } as unknown as ArvadosApi;
}

const cacheOf = (cluster: FakeCluster): CollectionCache =>
  new CollectionCache({ api: cluster.api, now: () => 0, folderObjects: false });

test('concurrent requests on a cold cache fetch and parse the collection once', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 24 }), fc.boolean(), async (n, byPdh) => {
      const cluster = new FakeCluster();
      const cache = cacheOf(cluster);
      const id = byPdh ? PDH : UUID;
      const got = await Promise.all(Array.from({ length: n }, () => cache.get(principal, id, { byPdh })));
      assert.equal(cluster.fullFetches, 1);
      assert.ok(got.every((index) => index === got[0]), 'every request got the one parsed index');
      // Those that joined a fetch already under way revalidated it; content by PDH never changes.
      assert.equal(cluster.heads, byPdh ? 0 : n - 1);
    }),
    { numRuns: 30 },
  );
});

test('a request that joins a fetch started before a change sees the change', async () => {
  const cluster = new FakeCluster();
  const cache = cacheOf(cluster);
  cluster.hold = true;
  const first = cache.get(principal, UUID, { byPdh: false });
  await new Promise((r) => setImmediate(r)); // the first fetch has read the old state
  cluster.files = ['a', 'b'];
  cluster.modifiedAt = '2026-01-01T00:00:01.000000000Z';
  cluster.hold = false;
  const second = cache.get(principal, UUID, { byPdh: false });
  cluster.release();
  const [before, after] = await Promise.all([first, second]);
  assert.equal(before.get('b'), undefined, 'the first request may answer from the state it read');
  assert.ok(after.get('b'), 'the second request sees the file written before it revalidated');
  assert.equal(after.modifiedAt, cluster.modifiedAt);
});

test('requests that find the same change share the fetch of the new state', async () => {
  const cluster = new FakeCluster();
  const cache = cacheOf(cluster);
  await cache.get(principal, UUID, { byPdh: false });
  cluster.files = ['a', 'c'];
  cluster.modifiedAt = '2026-01-01T00:00:02.000000000Z';
  const got = await Promise.all(Array.from({ length: 8 }, () => cache.get(principal, UUID, { byPdh: false })));
  assert.equal(cluster.fullFetches, 2);
  assert.ok(got.every((index) => index.get('c') !== undefined && index === got[0]));
});

test('when a shared fetch fails, a request that joined it fetches for itself', async () => {
  const cluster = new FakeCluster();
  const cache = cacheOf(cluster);
  cluster.hold = true;
  cluster.failNextFull = true;
  const first = cache.get(principal, UUID, { byPdh: false });
  const second = cache.get(principal, UUID, { byPdh: false });
  await new Promise((r) => setImmediate(r));
  cluster.hold = false;
  cluster.release();
  await assert.rejects(first);
  const index = await second;
  assert.ok(index.get('a'));
  assert.equal(cluster.fullFetches, 2);
});
