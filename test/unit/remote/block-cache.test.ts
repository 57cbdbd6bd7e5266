import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DomainError, isDomainError } from '../../../src/common/errors.js';
import { HashPool } from '../../../src/common/hash-pool.js';
import { CachingBlockStore } from '../../../src/keep/block-cache.js';
import { DiskBlockCache } from '../../../src/keep/block-cache-disk.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';

const pool = new HashPool({ threads: 1 });
const dirs: string[] = [];
after(async () => {
  await pool.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'keepgate-block-cache-'));
  dirs.push(d);
  return d;
};
const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');

async function stored(store: MemoryBlockStore, ...sizes: number[]): Promise<string[]> {
  const out: string[] = [];
  for (const size of sizes) out.push((await store.put(randomBytes(size))).locator);
  return out;
}

test('a repeated read is served from memory; hits and misses are counted', async () => {
  const inner = new MemoryBlockStore();
  const [loc] = await stored(inner, 1000);
  const cache = new CachingBlockStore(inner, { maxBytes: 10_000 });
  const a = await cache.get(loc!, { token: 't' });
  const b = await cache.get(`${loc}+Asomething@123`, { token: 'other' });
  assert.equal(a, b);
  assert.equal(inner.counters.gets, 1);
  assert.deepEqual(cache.stats(), { blocks: 1, bytes: 1000, hits: 1, misses: 1 });
  assert.equal(await cache.head(loc!), 1000);
  assert.equal(inner.counters.heads, 0, 'a cached block answers HEAD itself');
});

test('concurrent reads of one block with one token share one fetch; another token fetches for itself', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const inner = new MemoryBlockStore({ onGet: () => gate });
  const [loc] = await stored(inner, 100);
  const cache = new CachingBlockStore(inner, { maxBytes: 0 });
  const reads = [cache.get(loc!, { token: 'a' }), cache.get(loc!, { token: 'a' }), cache.get(loc!, { token: 'b' })];
  release();
  const [x, y, z] = await Promise.all(reads);
  assert.equal(x, y);
  assert.deepEqual(x, z);
  assert.equal(inner.counters.gets, 2);
  // maxBytes 0 keeps nothing once the fetch is over.
  await cache.get(loc!, { token: 'a' });
  assert.equal(inner.counters.gets, 3);
});

test('a failed fetch is not cached and fails only the callers sharing it', async () => {
  let fail = true;
  const inner = new MemoryBlockStore({ onGet: () => { if (fail) throw new DomainError('Unavailable', 'down'); } });
  const [loc] = await stored(inner, 10);
  const cache = new CachingBlockStore(inner, { maxBytes: 1000 });
  await assert.rejects(cache.get(loc!), (e) => isDomainError(e, 'Unavailable'));
  fail = false;
  assert.equal((await cache.get(loc!)).length, 10);
});

test('least recently used blocks are evicted first; a block larger than the budget is not kept', async () => {
  const inner = new MemoryBlockStore();
  const [a, b, c, big] = await stored(inner, 400, 400, 400, 2000);
  const cache = new CachingBlockStore(inner, { maxBytes: 1000 });
  await cache.get(a!);
  await cache.get(b!);
  await cache.get(a!); // a is now more recent than b
  await cache.get(c!); // evicts b
  const gets = inner.counters.gets;
  await cache.get(a!);
  await cache.get(c!);
  assert.equal(inner.counters.gets, gets);
  await cache.get(b!);
  assert.equal(inner.counters.gets, gets + 1);
  await cache.get(big!);
  assert.ok(cache.stats().bytes <= 1000);
  await cache.get(big!);
  assert.equal(inner.counters.gets, gets + 3);
});

test('property: behaves like a reference LRU by bytes (same hits), never over budget, returns the stored bytes', async () => {
  const inner = new MemoryBlockStore();
  const sizes = [10, 200, 300, 450, 700, 999, 1];
  const locs = await stored(inner, ...sizes);
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: 1500 }), fc.array(fc.nat({ max: locs.length - 1 }), { maxLength: 40 }), async (budget, reads) => {
      const cache = new CachingBlockStore(inner, { maxBytes: budget });
      let model: number[] = []; // block indexes, least recent first
      let hits = 0;
      for (const i of reads) {
        const data = await cache.get(locs[i]!);
        assert.equal(md5(data), locs[i]!.slice(0, 32));
        if (model.includes(i)) hits++;
        model = model.filter((j) => j !== i);
        if (sizes[i]! <= budget) model.push(i);
        while (model.reduce((n, j) => n + sizes[j]!, 0) > budget) model.shift();
        const s = cache.stats();
        assert.equal(s.hits, hits);
        assert.equal(s.bytes, model.reduce((n, j) => n + sizes[j]!, 0));
        assert.ok(s.bytes <= budget);
      }
    }),
    { numRuns: 100 },
  );
});

test('disk tier: a block read once survives a new process (reopened cache) and is verified', async () => {
  const dir = tempDir();
  const inner = new MemoryBlockStore();
  const [loc] = await stored(inner, 5000);
  const disk = await DiskBlockCache.open({ dir, maxBytes: 1_000_000, hashPool: pool });
  const first = new CachingBlockStore(inner, { maxBytes: 0, disk });
  const data = await first.get(loc!);
  await disk.idle();
  const hash = loc!.slice(0, 32);
  assert.ok(existsSync(join(dir, hash.slice(0, 3), hash)));
  const reopened = await DiskBlockCache.open({ dir, maxBytes: 1_000_000, hashPool: pool });
  assert.deepEqual(reopened.size, { blocks: 1, bytes: 5000 });
  const second = new CachingBlockStore(inner, { maxBytes: 0, disk: reopened });
  assert.deepEqual(await second.get(loc!), data);
  assert.equal(inner.counters.gets, 1);
});

test('disk tier: a damaged file is dropped and the block fetched again', async () => {
  const dir = tempDir();
  const inner = new MemoryBlockStore();
  const [loc] = await stored(inner, 300);
  const hash = loc!.slice(0, 32);
  const disk = await DiskBlockCache.open({ dir, maxBytes: 1_000_000, hashPool: pool });
  await new CachingBlockStore(inner, { maxBytes: 0, disk }).get(loc!);
  await disk.idle();
  writeFileSync(join(dir, hash.slice(0, 3), hash), randomBytes(300));
  const errors: unknown[] = [];
  const reopened = await DiskBlockCache.open({ dir, maxBytes: 1_000_000, hashPool: pool, onError: (e) => errors.push(e) });
  const data = await new CachingBlockStore(inner, { maxBytes: 0, disk: reopened }).get(loc!);
  assert.equal(md5(data), hash);
  assert.equal(inner.counters.gets, 2);
  assert.match(String(errors[0]), /failed verification/);
});

test('disk tier: the size cap evicts least recently used files, also across a restart; stray files are removed', async () => {
  const dir = tempDir();
  const inner = new MemoryBlockStore();
  const [a, b, c] = await stored(inner, 400, 400, 400);
  const disk = await DiskBlockCache.open({ dir, maxBytes: 1000, hashPool: pool });
  const cache = new CachingBlockStore(inner, { maxBytes: 0, disk });
  for (const loc of [a, b, c]) {
    await cache.get(loc!);
    await disk.idle();
  }
  const files = (): string[] => readdirSync(dir, { recursive: true }).map(String).filter((f) => /[0-9a-f]{32}$/.test(f)).map((f) => f.slice(-32));
  assert.deepEqual(files().sort(), [b!, c!].map((l) => l.slice(0, 32)).sort());
  assert.deepEqual(disk.size, { blocks: 2, bytes: 800 });
  // mtimes carry recency over a restart: make b the oldest, then reopen with room for one.
  const path = (loc: string): string => join(dir, loc.slice(0, 3), loc.slice(0, 32));
  utimesSync(path(b!), new Date(1_000_000), new Date(1_000_000));
  writeFileSync(join(dir, c!.slice(0, 3), `${c!.slice(0, 32)}.tmp-abc`), 'partial');
  const small = await DiskBlockCache.open({ dir, maxBytes: 500, hashPool: pool });
  assert.deepEqual(files(), [c!.slice(0, 32)]);
  assert.deepEqual(small.size, { blocks: 1, bytes: 400 });
  assert.ok(!existsSync(join(dir, c!.slice(0, 3), `${c!.slice(0, 32)}.tmp-abc`)));
  assert.ok(statSync(path(c!)).size === 400);
});
