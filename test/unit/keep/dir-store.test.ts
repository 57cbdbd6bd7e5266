import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { isDomainError } from '../../../src/common/errors.js';
import { EMPTY_BLOCK_LOCATOR, MAX_BLOCK_SIZE } from '../../../src/keep/block-store.js';
import { storeContext, type StoreContext } from './dir-store-fixture.js';

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
let ctx: StoreContext;

before(async () => {
  ctx = await storeContext();
});
after(async () => {
  await ctx.dispose();
});

test('put/get/head round-trip random blocks; files live under keep/<3 hex>/<md5>', async () => {
  const store = await ctx.open();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 100_000 }), async (data) => {
      const hash = md5(data);
      const r = await store.put(data);
      assert.deepEqual(r, { locator: `${hash}+${data.length}`, replicas: 1, storageClasses: { default: 1 } });
      assert.ok(Buffer.from(data).equals(await store.get(`${r.locator}+Afoo@bar`)));
      assert.equal(await store.head(r.locator), data.length);
      const onDisk = await fsp.readFile(join(ctx.dataDir, 'keep', hash.slice(0, 3), hash));
      assert.ok(onDisk.equals(data));
    }),
    { numRuns: 40 },
  );
});

test('a put whose MD5 differs from opts.md5 is refused and stores nothing', async () => {
  const store = await ctx.open();
  const before = await ctx.files();
  const data = randomBytes(5000);
  await assert.rejects(store.put(data, { md5: md5(Buffer.from('other')) }), (e) => isDomainError(e, 'InvalidArgument'));
  assert.deepEqual(await ctx.files(), before);
  await assert.rejects(store.get(md5(data)), (e) => isDomainError(e, 'NotFound'));
  assert.equal((await store.put(data, { md5: md5(data) })).locator, `${md5(data)}+5000`);
  for (const bad of ['../../../../tmp/x', 'ABCD18DB4CC2F85CEDEF654FCCC4A4D8', '']) {
    await assert.rejects(store.put(data, { md5: bad }), (e) => isDomainError(e, 'InvalidArgument'), bad);
  }
  assert.deepEqual((await ctx.files()).filter((f) => !before.includes(f)), [`keep/${md5(data).slice(0, 3)}/${md5(data)}`]);
});

test('a large put with a wrong opts.md5 leaves no temp file behind', async () => {
  const store = await ctx.open();
  const before = await ctx.files();
  const data = randomBytes(3 << 20);
  const wrong = md5(randomBytes(8));
  await assert.rejects(store.put(data, { md5: wrong }), (e) => isDomainError(e, 'InvalidArgument') && e.message.includes(wrong));
  assert.deepEqual(await ctx.files(), before);
});

test('blocks above 64 MiB are refused with TooLarge', async () => {
  const store = await ctx.open();
  await assert.rejects(store.put(Buffer.alloc(MAX_BLOCK_SIZE + 1)), (e) => isDomainError(e, 'TooLarge'));
});

test('the empty block needs no file', async () => {
  const store = await ctx.open();
  const before = await ctx.files();
  assert.equal((await store.put(new Uint8Array(0))).locator, EMPTY_BLOCK_LOCATOR);
  assert.deepEqual(await ctx.files(), before);
  assert.equal((await store.get(EMPTY_BLOCK_LOCATOR)).length, 0);
  assert.equal(await store.head(EMPTY_BLOCK_LOCATOR), 0);
});

test('missing blocks are NotFound; malformed locators InvalidArgument', async () => {
  const store = await ctx.open();
  const missing = md5(randomBytes(16));
  await assert.rejects(store.get(`${missing}+16`), (e) => isDomainError(e, 'NotFound'));
  await assert.rejects(store.head(`${missing}+16`), (e) => isDomainError(e, 'NotFound'));
  await assert.rejects(store.get('../../etc/passwd'), (e) => isDomainError(e, 'InvalidArgument'));
});

test('a flipped byte on disk makes get fail with Corrupt', async () => {
  const store = await ctx.open();
  const data = randomBytes(200_000);
  const { locator } = await store.put(data);
  const hash = md5(data);
  const path = join(ctx.dataDir, 'keep', hash.slice(0, 3), hash);
  const bytes = await fsp.readFile(path);
  bytes[12345] = bytes[12345]! ^ 0xff;
  await fsp.writeFile(path, bytes);
  await assert.rejects(store.get(locator), (e) => isDomainError(e, 'Corrupt'));
  // Putting the block again repairs it: the damaged copy is not mistaken for the block.
  await store.put(data);
  assert.ok((await store.get(locator)).equals(data));
});

test('re-putting a block keeps the file (same inode) and refreshes its mtime', async () => {
  let now = Date.UTC(2020, 0, 1);
  const store = await ctx.open({ clock: () => now });
  const data = randomBytes(3000);
  const hash = md5(data);
  await store.put(data);
  const path = join(ctx.dataDir, 'keep', hash.slice(0, 3), hash);
  const first = await fsp.stat(path);
  assert.equal(first.mtimeMs, now);
  now += 60_000;
  await store.put(data);
  const second = await fsp.stat(path);
  assert.equal(second.ino, first.ino);
  assert.equal(second.mtimeMs, now);
});

test('delete honours ifUnchangedSince; list reports every block', async () => {
  const c = await storeContext();
  try {
    let now = 1_000_000_000_000;
    const store = await c.open({ clock: () => now });
    const blocks = Array.from({ length: 30 }, (_, i) => randomBytes(100 + i));
    for (const b of blocks) await store.put(b);
    const listed = [];
    for await (const b of store.list()) listed.push(b);
    assert.deepEqual(
      listed.map((b) => `${b.hash}+${b.size}@${b.mtimeMs}`).sort(),
      blocks.map((b) => `${md5(b)}+${b.length}@${now}`).sort(),
    );
    const victim = md5(blocks[0]!);
    assert.equal(await store.delete(victim, { ifUnchangedSince: now }), false, 'written at the cutoff: kept');
    now += 1000;
    await store.put(blocks[1]!); // re-put: fresh again
    assert.equal(await store.delete(md5(blocks[1]!), { ifUnchangedSince: now - 1 }), false);
    assert.equal(await store.delete(victim, { ifUnchangedSince: now }), true);
    assert.equal(await store.delete(victim), false, 'already gone');
    await assert.rejects(store.get(victim), (e) => isDomainError(e, 'NotFound'));
    await assert.rejects(store.delete('nothex'), (e) => isDomainError(e, 'InvalidArgument'));
  } finally {
    await c.dispose();
  }
});

test('concurrent puts of the same and of different blocks all succeed', async () => {
  const store = await ctx.open();
  const blocks = Array.from({ length: 20 }, () => randomBytes(10_000));
  const puts = [...blocks, ...blocks, ...blocks].map((b) => store.put(b));
  const results = await Promise.all(puts);
  assert.deepEqual(
    results.map((r) => r.locator),
    [...blocks, ...blocks, ...blocks].map((b) => `${md5(b)}+10000`),
  );
  for (const b of blocks) assert.ok((await store.get(md5(b))).equals(b));
  assert.ok(!(await ctx.files()).some((f) => f.includes('.tmp-')));
});

test('opening a store removes leftover temp files and keeps blocks', async () => {
  const store = await ctx.open();
  const data = randomBytes(1000);
  await store.put(data);
  const hash = md5(data);
  const dir = join(ctx.dataDir, 'keep', hash.slice(0, 3));
  await fsp.writeFile(join(dir, `${hash}.tmp-0123abcd`), 'partial');
  await fsp.mkdir(join(ctx.dataDir, 'keep', 'fff'), { recursive: true });
  await fsp.writeFile(join(ctx.dataDir, 'keep', 'fff', `${'f'.repeat(32)}.tmp-99`), 'partial');
  const reopened = await ctx.open();
  assert.ok(!(await ctx.files()).some((f) => f.includes('.tmp-')));
  assert.ok((await reopened.get(hash)).equals(data));
});
