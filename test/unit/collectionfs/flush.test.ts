// Flushing to Keep through the throttle, ported from sdk/go/arvados/fs_collection_test.go:
// TestFlushFullBlocksWritingLongFile, TestFlushAll, TestFlushFullBlocksOnly, TestMaxUnflushed,
// TestFlushStress, TestFlushShort, TestUnattainableStorageClasses; plus backpressure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../../../src/common/errors.js';
import { Throttle } from '../../../src/common/throttle.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';
import { DiscardStore, FakeClock, SigningStore, fixture, gate, newFs, settle } from './helpers.js';

const MiB = 1 << 20;

test('a long file is flushed block by block, never over the throttle (TestFlushFullBlocksWritingLongFile)', async () => {
  const proceed = gate();
  let started = 0;
  let block2done = false;
  let order: boolean | undefined;
  const store = new MemoryBlockStore({
    onPut: async () => {
      started++;
      if (started === 1) {
        await proceed.promise; // finish after block 2 finished and block 3 started
        order = block2done;
      } else if (started === 2) {
        await settle(1);
        block2done = true;
      } else if (started === 3) {
        proceed.open();
      }
    },
  });
  const { fs } = newFs({ blocks: store, maxBlockSize: 1024, throttleLimit: 2 });
  const data = randomBytes(500);
  const w = fs.openWriter('50K');
  for (let i = 0; i < 100; i++) await w.write(data);
  await w.close();
  await fs.idle();
  assert.equal(order, true);
  assert.ok(store.counters.maxPutsInFlight <= 2);
  const mem = fs.inspectSegments('50K').filter((s) => s.kind === 'mem');
  assert.deepEqual(mem, [{ kind: 'mem', length: 50000 - 48 * 1024, flushing: false }]);
  assert.match(await fs.marshal(), /^[^:]* 0:50000:50K\n$/);
  assert.equal(fs.inspectSegments('50K').filter((s) => s.kind === 'mem').length, 0);
});

test('flushing every 8 directories keeps memory bounded (TestFlushAll)', async () => {
  const { fs } = newFs({ blocks: new DiscardStore({ onPut: () => settle(1) }) });
  const data = Buffer.alloc(512 * 1024);
  for (let i = 0; i < 256; i++) {
    data.write(`test file in dir${i}`);
    fs.mkdir(`dir${i}`);
    for (let j = 0; j < 2; j++) await fs.write(`dir${i}/file${j}`, 0, data);
    if (i % 8 === 0) await fs.flush({ shortBlocks: true });
    const size = fs.memorySize();
    assert.ok(size <= 16 * MiB, `at dir${i} memorySize ${size}`);
  }
});

test('flush without short blocks writes only full blocks (TestFlushFullBlocksOnly)', async () => {
  const vector = fixture<{ flush_and_marshal: { vectors: Array<{ test: string; expect_memory_size_sequence?: number[]; expect_flushed_bytes_sequence?: number[] }> } }>(
    'collectionfs-cases.json',
  ).flush_and_marshal.vectors.find((v) => v.test === 'TestFlushFullBlocksOnly')!;
  const clock = new FakeClock();
  const discard = new DiscardStore();
  const { fs } = newFs({ clock, blocks: new SigningStore({ clock, inner: discard }) });
  const megabyte = Buffer.alloc(MiB);
  for (let i = 0; i < 8; i++) {
    fs.mkdir(`dir${i}`);
    for (let j = 0; j < 67; j++) await fs.write(`dir${i}/file${j}`, 0, megabyte);
  }
  const memory: number[] = [];
  const flushed: number[] = [];
  const observe = async (): Promise<void> => {
    await fs.idle();
    memory.push(fs.memorySize());
    flushed.push(discard.bytesPut);
  };
  await observe();
  await fs.flush({ path: '/', shortBlocks: false }); // non-recursive: no files at the top
  await observe();
  await fs.flush({ path: 'dir0', shortBlocks: false });
  await observe();
  await assert.rejects(fs.flush({ path: 'dir-does-not-exist', shortBlocks: false }), (e) => e instanceof DomainError && e.kind === 'NotFound');
  await fs.flush({ shortBlocks: false });
  await observe();
  await fs.flush({ shortBlocks: true });
  await observe();
  assert.deepEqual(memory, vector.expect_memory_size_sequence);
  assert.deepEqual(flushed, vector.expect_flushed_bytes_sequence);
});

test('concurrent writers flushing per directory stay under (throttle + dirs) blocks (TestMaxUnflushed)', async () => {
  // Scaled: 64 KiB blocks and 1 KiB files stand in for 64 MiB blocks and 1 MiB files.
  const block = 64 * 1024;
  const throttleLimit = 4;
  const nDirs = 8;
  const maxUnflushed = (throttleLimit + nDirs) * block;
  const release = gate();
  let puts = 0;
  let unflushed = 0;
  let worst = 0;
  const store = new DiscardStore({
    onPut: async (data) => {
      puts++;
      if (puts < throttleLimit) await release.promise; // really accept `throttleLimit` at once
      else if (puts === throttleLimit) release.open();
      worst = Math.max(worst, unflushed);
      unflushed -= data.length;
    },
  });
  const { fs, throttle } = newFs({ blocks: store, maxBlockSize: block, throttleLimit });
  let maxActive = 0;
  const file = Buffer.alloc(1024, 7);
  await Promise.all(
    Array.from({ length: nDirs }, async (_, i) => {
      const dir = `dir${i}`;
      fs.mkdir(dir);
      await Promise.all(
        Array.from({ length: 67 }, async (_, j) => {
          await fs.write(`${dir}/file${j}`, 0, file);
          unflushed += file.length;
          await fs.flush({ path: dir, shortBlocks: false });
          maxActive = Math.max(maxActive, throttle.stats().active);
        }),
      );
      await fs.flush({ path: dir, shortBlocks: true });
    }),
  );
  await fs.flush({ shortBlocks: true });
  await fs.idle();
  assert.ok(puts >= throttleLimit);
  assert.ok(maxActive <= throttleLimit);
  assert.ok(worst <= maxUnflushed, `unflushed reached ${worst}`);
  assert.equal(fs.unflushedBytes(), 0);
});

test('frequent flushes and marshals do not deadlock (TestFlushStress, TestFlushShort)', { timeout: 60_000 }, async () => {
  const { fs } = newFs({ blocks: new DiscardStore({ onPut: () => settle(2) }), maxBlockSize: 256 * 1024 });
  const data = Buffer.alloc(4096);
  for (let i = 0; i < 3; i++) {
    fs.mkdir(`dir${i}`);
    for (let j = 0; j < 200; j++) {
      data[0] = j;
      await fs.write(`dir${i}/file${j}`, 0, data);
      await fs.flush({ path: `dir${i}`, shortBlocks: false });
    }
    assert.match(await fs.marshal(), /file199/);
  }
  const short = newFs({ blocks: new DiscardStore() }).fs;
  for (const size of [8, 1_000_000]) {
    const dir = `dir${size}`;
    short.mkdir(dir);
    for (let i = 0; i < 100; i++) {
      await short.write(`${dir}/file${i}`, 0, Buffer.alloc(size));
      await short.flush({ path: dir, shortBlocks: false });
    }
    await short.flush({ path: dir, shortBlocks: true });
    await short.marshal();
    assert.equal(short.unflushedBytes(), 0);
  }
});

test('a writer waits while the throttle is full (backpressure)', async () => {
  const hold = gate();
  const store = new MemoryBlockStore({ onPut: () => hold.promise });
  const { fs, throttle } = newFs({ blocks: store, maxBlockSize: 8, throttleLimit: 2 });
  const w = fs.openWriter('f');
  await w.write(Buffer.from('aaaaaaaa')); // block 1: gets a slot, its write is held
  await w.write(Buffer.from('bbbbbbbb')); // block 2: gets the second slot
  let accepted = false;
  const third = w.write(Buffer.from('cccccccc')).then(() => (accepted = true));
  await settle(20);
  assert.equal(accepted, false, 'the third full block must wait for a slot');
  assert.deepEqual(throttle.stats(), { limit: 2, active: 2, waiting: 1 });
  assert.equal(store.counters.putsInFlight, 2);
  assert.equal(fs.unflushedBytes(), 24);
  hold.open();
  await third;
  assert.equal(accepted, true);
  await w.close();
  await fs.sync();
  assert.equal(fs.unflushedBytes(), 0);
  assert.equal((await fs.read('f', 0, 100)).toString(), 'aaaaaaaabbbbbbbbcccccccc');
  assert.deepEqual(throttle.stats(), { limit: 2, active: 0, waiting: 0 });
});

test('storage classes and replicas reach the store; write errors surface from sync (TestUnattainableStorageClasses)', async () => {
  const seen: unknown[] = [];
  const store = new MemoryBlockStore({
    onPut: (_data, opts) => {
      seen.push({ replicas: opts?.replicas, storageClasses: opts?.storageClasses, token: opts?.token });
      if (opts?.storageClasses?.some((c) => c !== 'default')) throw new Error(`stub does not write storage class "${opts.storageClasses.join()}"`);
    },
  });
  const bad = newFs({ blocks: store, storageClasses: ['unobtainium'], replicas: 3, token: 'tok' }).fs;
  await bad.write('/foo', 0, Buffer.from('food'));
  await assert.rejects(bad.marshal(), /stub does not write storage class "unobtainium"/);
  assert.deepEqual(seen[0], { replicas: 3, storageClasses: ['unobtainium'], token: 'tok' });
  assert.equal(bad.unflushedBytes(), 4);
  const good = newFs({ blocks: store, storageClasses: ['default'] }).fs;
  await good.write('/foo', 0, Buffer.from('food'));
  assert.match(await good.marshal(), /^\. [0-9a-f]{32}\+4 0:4:foo\n$/);
});

test('after a background block write fails the writer reports it; sync retries the bytes', async () => {
  let failing = true;
  const store = new MemoryBlockStore({
    onPut: () => {
      if (failing) throw new DomainError('Unavailable', 'disk full');
    },
  });
  const { fs } = newFs({ blocks: store, maxBlockSize: 8 });
  const w = fs.openWriter('f');
  await w.write(Buffer.from('12345678'));
  await fs.idle();
  await assert.rejects(w.write(Buffer.from('x')), (e) => e instanceof DomainError && e.kind === 'Unavailable');
  assert.equal((await fs.read('f', 0, 100)).toString(), '12345678');
  await assert.rejects(fs.sync(), /disk full/);
  failing = false;
  await fs.sync();
  assert.deepEqual(
    fs.inspectSegments('f').map((s) => s.kind),
    ['stored'],
  );
  assert.equal((await fs.read('f', 0, 100)).toString(), '12345678');
});

test('sync waits for a background write already in flight, then writes the rest', async () => {
  const hold = gate();
  const store = new MemoryBlockStore({ onPut: () => hold.promise });
  const { fs } = newFs({ blocks: store, maxBlockSize: 8, throttle: new Throttle(1) });
  await fs.write('f', 0, Buffer.from('123456789'));
  assert.deepEqual(
    fs.inspectSegments('f').map((s) => [s.kind, s.length, s.kind === 'mem' && s.flushing]),
    [
      ['mem', 8, true],
      ['mem', 1, false],
    ],
  );
  let synced = false;
  const syncing = fs.sync().then(() => (synced = true));
  await settle(10);
  assert.equal(synced, false);
  hold.open();
  await syncing;
  assert.deepEqual(
    fs.inspectSegments('f').map((s) => s.kind),
    ['stored', 'stored'],
  );
  assert.equal(store.counters.puts, 2);
});
