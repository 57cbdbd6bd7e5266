// Multipart.sweepExpired: the uploads of every user initiated before `now - maxAge` are
// trashed (their parts go with them), younger ones stay usable; the site's clock is injected,
// so "a week ago" is a set time, not a wait.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { openEmbeddedCluster, type EmbeddedCluster } from '../../../src/cluster/embedded/embedded.js';
import { HashPool } from '../../../src/common/hash-pool.js';
import { Throttle } from '../../../src/common/throttle.js';
import { Site, SiteError, type Principal } from '../../../src/site/site.js';

const HOUR = 3_600_000;
const WEEK = 168 * HOUR;
const T0 = Date.parse('2030-01-01T00:00:00Z');

interface World {
  readonly cluster: EmbeddedCluster;
  readonly site: Site;
  /** The site's clock: what each upload records as its initiation time. */
  readonly clock: { now: number };
  principal(username: string): Promise<Principal>;
  close(): Promise<void>;
}

async function world(): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-sweep-'));
  const hashPool = new HashPool({ threads: 1 });
  const cluster = await openEmbeddedCluster({ dataDir: dir, hashPool, maintenanceIntervalMs: 0 });
  const clock = { now: T0 };
  const site = new Site({
    cluster,
    throttle: new Throttle(2),
    md5Stream: () => {
      const h = createHash('md5');
      return { update: (b) => void h.update(b), digest: async () => h.digest('hex') };
    },
    now: () => clock.now,
    systemRootToken: cluster.bootstrap.adminToken,
    folderObjects: true,
  });
  const resolve = async (token: string): Promise<Principal> => (await site.credentials.resolve(token.replace(/\//g, '_')))!.principal;
  return {
    cluster,
    site,
    clock,
    async principal(username) {
      const { token } = await cluster.createUserWithToken({ email: `${username}@example.com`, username });
      return resolve(token);
    },
    async close() {
      await cluster.close();
      await hashPool.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function* bytes(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

/** Whether the upload still takes parts (a swept one answers NoSuchUpload). */
async function alive(site: Site, p: Principal, bucket: string, key: string, uploadId: string): Promise<boolean> {
  try {
    await site.multipart.uploadPart(p, bucket, key, uploadId, 2, bytes(Buffer.from('more')), async () => {});
    return true;
  } catch (err) {
    if (err instanceof SiteError && err.reason === 'NoSuchUpload') return false;
    throw err;
  }
}

test('the sweep trashes every user\'s uploads older than the expiry and leaves younger ones usable', async () => {
  const w = await world();
  try {
    const alice = await w.principal('alice');
    const bob = await w.principal('bob');
    await w.site.createBucket(alice, 'a-bucket');
    await w.site.createBucket(bob, 'b-bucket');

    const old = await w.site.multipart.create(alice, 'a-bucket', 'old.bin', {});
    await w.site.multipart.uploadPart(alice, 'a-bucket', 'old.bin', old, 1, bytes(Buffer.from('part one')), async () => {});
    w.clock.now = T0 + 6 * 24 * HOUR;
    const fresh = await w.site.multipart.create(bob, 'b-bucket', 'fresh.bin', {});
    const aliceFresh = await w.site.multipart.create(alice, 'a-bucket', 'fresh.bin', {});
    assert.equal(await w.site.multipart.countInProgress(), 3);

    // A week and a minute after the first upload: only that one is past a week.
    const r = await w.site.multipart.sweepExpired(T0 + WEEK + 60_000, { maxAgeMs: WEEK });
    assert.deepEqual(r, { trashed: 1, failed: 0 });
    assert.equal(await w.site.multipart.countInProgress(), 2);
    assert.deepEqual((await w.site.multipart.listUploads(alice, 'a-bucket')).map((u) => u.uploadId), [aliceFresh]);
    assert.equal(await alive(w.site, alice, 'a-bucket', 'old.bin', old), false, 'the old upload is gone');
    await assert.rejects(
      w.site.multipart.complete(alice, 'a-bucket', 'old.bin', old, [{ partNumber: 1, etag: 'x' }]),
      (err: unknown) => err instanceof SiteError && err.reason === 'NoSuchUpload',
    );
    assert.equal(await alive(w.site, bob, 'b-bucket', 'fresh.bin', fresh), true, 'another user\'s young upload still takes parts');
    assert.equal(await alive(w.site, alice, 'a-bucket', 'fresh.bin', aliceFresh), true);

    // A second sweep at the same time finds nothing more; a later one takes the rest.
    assert.deepEqual(await w.site.multipart.sweepExpired(T0 + WEEK + 60_000, { maxAgeMs: WEEK }), { trashed: 0, failed: 0 });
    assert.deepEqual(await w.site.multipart.sweepExpired(T0 + 6 * 24 * HOUR + WEEK + 1, { maxAgeMs: WEEK }), { trashed: 2, failed: 0 });
    assert.equal(await w.site.multipart.countInProgress(), 0);
  } finally {
    await w.close();
  }
});

test('a sweep whose signal has aborted trashes nothing', async () => {
  const w = await world();
  try {
    const alice = await w.principal('alice');
    await w.site.createBucket(alice, 'bucket');
    const id = await w.site.multipart.create(alice, 'bucket', 'k', {});
    const r = await w.site.multipart.sweepExpired(T0 + 2 * WEEK, { maxAgeMs: WEEK, signal: AbortSignal.abort() });
    assert.deepEqual(r, { trashed: 0, failed: 0 });
    assert.equal(await alive(w.site, alice, 'bucket', 'k', id), true);
  } finally {
    await w.close();
  }
});

test('property: exactly the uploads initiated before now - maxAge are swept', async () => {
  const w = await world();
  try {
    const alice = await w.principal('alice');
    await w.site.createBucket(alice, 'bucket');
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 1, max: 100 }),
        async (ages, nowHours, maxAgeHours) => {
          round++;
          const base = T0 + round * 1000 * HOUR; // each round's uploads are younger than any earlier round's
          const ids: string[] = [];
          for (const [i, hours] of ages.entries()) {
            w.clock.now = base + hours * HOUR;
            ids.push(await w.site.multipart.create(alice, 'bucket', `r${round}/k${i}`, {}));
          }
          const now = base + (100 + nowHours) * HOUR;
          const r = await w.site.multipart.sweepExpired(now, { maxAgeMs: maxAgeHours * HOUR });
          const expired = ages.map((h) => base + h * HOUR < now - maxAgeHours * HOUR);
          assert.equal(r.trashed, expired.filter(Boolean).length);
          const left = await w.site.multipart.listUploads(alice, 'bucket');
          const leftIds = new Set(left.map((u) => u.uploadId));
          assert.deepEqual(ids.map((id) => !leftIds.has(id)), expired);
          // This round's survivors are aborted, so the next round starts empty.
          for (const u of left) await w.site.multipart.abort(alice, 'bucket', u.key, u.uploadId);
        },
      ),
      { numRuns: 15 },
    );
  } finally {
    await w.close();
  }
});
