// Full-block buffers are recycled once their bytes are stored, but never while a write or a
// stream still reads them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BlockBuffers } from '../../../src/collectionfs/block-buffers.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';
import { gate, newFs } from './helpers.js';

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

test('the buffer of a stored full block is reused by the next one', async () => {
  const block = 64 * 1024;
  const blockBuffers = new BlockBuffers({ blockSize: block });
  const { fs } = newFs({ blockBuffers });
  const w = fs.openWriter('f');
  await w.write(Buffer.alloc(block, 'a'));
  await fs.idle();
  assert.equal(blockBuffers.idleCount(), 1);
  await w.write(Buffer.alloc(block, 'b'));
  await fs.idle();
  assert.equal(blockBuffers.idleCount(), 1, 'taken and given back again');
  assert.deepEqual(await fs.read('f', block - 1, 2), Buffer.from('ab'));
  // Small files are packed through one pooled buffer, which goes back afterwards.
  await fs.write('s1', 0, Buffer.from('xyz'));
  await fs.write('s2', 0, Buffer.from('uvw'));
  await fs.sync();
  assert.equal(blockBuffers.idleCount(), 1);
  assert.equal((await fs.read('s2', 0, 100)).toString(), 'uvw');
  assert.deepEqual(await fs.read('f', 0, 2 * block), Buffer.concat([Buffer.alloc(block, 'a'), Buffer.alloc(block, 'b')]));
});

test('a stream keeps the buffer of an in-memory piece until it is closed', async () => {
  const hold = gate();
  const store = new MemoryBlockStore({ onPut: () => hold.promise });
  const blockBuffers = new BlockBuffers({ blockSize: 8 });
  const { fs } = newFs({ blocks: store, blockBuffers });
  await fs.write('f', 0, Buffer.from('aaaaaaaa')); // full: its write is in flight, held
  const stream = fs.createReadStream('f'); // planned while the bytes are in memory
  hold.open();
  await fs.idle();
  assert.equal(fs.inspectSegments('f')[0]!.kind, 'stored');
  assert.equal(blockBuffers.idleCount(), 0, 'pinned by the stream, not recycled');
  await fs.write('g', 0, Buffer.from('bbbbbbbb')); // would overwrite a recycled buffer
  assert.equal(await collect(stream), 'aaaaaaaa');
});

test('truncating away an in-memory block recycles its buffer; a flushing one is left alone', async () => {
  const hold = gate();
  const blockBuffers = new BlockBuffers({ blockSize: 8 });
  const { fs } = newFs({ blocks: new MemoryBlockStore({ onPut: () => hold.promise }), blockBuffers, throttleLimit: 1 });
  fs.create('f');
  fs.truncate('f', 16); // two zero-filled full blocks, not flushing
  fs.truncate('f', 0);
  assert.equal(blockBuffers.idleCount(), 2);
  await fs.write('f', 0, Buffer.from('cccccccc')); // flushing (held)
  fs.truncate('f', 0);
  assert.equal(blockBuffers.idleCount(), 1, 'the flushing buffer is still being written');
  hold.open();
  await fs.idle();
  assert.equal(fs.stat('f').size, 0);
  assert.equal(blockBuffers.idleCount(), 2, 'recycled once its write ended');
  assert.equal(blockBuffers.inUseBytes(), 0);
});

test('pooled sizes: full blocks and power-of-two growth steps from 1 MiB; idle bytes are bounded, oldest dropped first', () => {
  const MiB = 1024 * 1024;
  const pool = new BlockBuffers({ blockSize: 64 * MiB, keep: 1 });
  assert.deepEqual([64 * MiB, 16 * MiB, MiB, 2 * MiB].map((n) => pool.pooled(n)), [true, true, true, true]);
  assert.deepEqual([512 * 1024, 3 * MiB, 128 * MiB].map((n) => pool.pooled(n)), [false, false, false]);
  assert.deepEqual([100, 1.5 * MiB, 16 * MiB, 40 * MiB].map((n) => pool.capacityFor(n)), [100, 2 * MiB, 16 * MiB, 64 * MiB]);
  const [a, b, c] = [pool.take(16 * MiB), pool.take(16 * MiB), pool.take(32 * MiB)];
  pool.give(a);
  pool.give(a); // twice: kept once
  pool.give(b.subarray(1)); // not a whole buffer: dropped
  assert.equal(pool.idleCount(), 1);
  pool.give(c); // 48 MiB idle fits in one block's worth
  assert.equal(pool.idleCount(), 2);
  pool.give(b); // 64 MiB: still fits
  assert.equal(pool.idleCount(), 3);
  assert.equal(pool.take(16 * MiB), b, 'the latest given of its size');
  pool.give(b);
  const d = pool.take(64 * MiB);
  pool.give(d); // 128 MiB idle: the oldest go until it fits (a, c, then b)
  assert.equal(pool.idleCount(), 1);
  assert.equal(pool.take(64 * MiB), d);
  const e = pool.take(16 * MiB);
  assert.ok(e !== a && e !== b, 'dropped, a new one is allocated');
});

test('a streaming write takes its growth steps from the pool and gives each back', async () => {
  const MiB = 1024 * 1024;
  const blockBuffers = new BlockBuffers({ blockSize: 4 * MiB });
  const { fs } = newFs({ blockBuffers });
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const w = fs.openWriter('f');
  for (let i = 0; i < 48; i++) await w.write(chunk); // 3 MiB: 64K, 256K, then 1M and 4M (pooled)
  assert.equal(blockBuffers.idleCount(), 1, 'the 1 MiB step went back when the segment moved to 4 MiB');
  await fs.sync();
  assert.equal(blockBuffers.idleCount(), 2, 'the 4 MiB buffer went back once its block was stored');
  const again = fs.openWriter('g');
  for (let i = 0; i < 48; i++) await again.write(chunk);
  assert.equal(blockBuffers.idleCount(), 1, 'both reused');
  await fs.sync();
  assert.equal(blockBuffers.idleCount(), 2);
  assert.deepEqual(await fs.read('f', 3 * MiB - 2, 10), Buffer.from('xx'));
});

test('a segment changed while its block is written moves to a copy; the old buffer returns to the pool after the write', async () => {
  const hold = gate();
  const blockBuffers = new BlockBuffers({ blockSize: 8 });
  const { fs } = newFs({ blocks: new MemoryBlockStore({ onPut: () => hold.promise }), blockBuffers });
  await fs.write('f', 0, Buffer.from('abc'));
  await fs.flush({ shortBlocks: true }); // its write is in flight, held
  await fs.write('f', 1, Buffer.from('x')); // copy-on-write
  assert.equal(blockBuffers.idleCount(), 0);
  hold.open();
  await fs.idle();
  assert.equal(blockBuffers.idleCount(), 1);
  assert.deepEqual(fs.inspectSegments('f').map((s) => s.kind), ['mem']);
  assert.equal((await fs.read('f', 0, 8)).toString(), 'axc');
});

test('appending to a file whose last block is being written starts a new segment (no block written twice)', async () => {
  const hold = gate();
  const store = new MemoryBlockStore({ onPut: () => hold.promise });
  const blockBuffers = new BlockBuffers({ blockSize: 8 });
  const { fs } = newFs({ blocks: store, blockBuffers });
  const w = fs.openWriter('f');
  await w.write(Buffer.from('abc'));
  await fs.flush({ shortBlocks: true }); // held
  await w.write(Buffer.from('defgh'));
  assert.deepEqual(fs.inspectSegments('f').map((s) => [s.kind, s.length]), [['mem', 3], ['mem', 5]]);
  hold.open();
  await fs.sync();
  assert.equal((await fs.read('f', 0, 8)).toString(), 'abcdefgh');
  assert.equal(store.bytesStored(), 8, 'every byte stored once');
});

test('pooled bytes in use are counted from take to give; waiters wake when enough is given back', async () => {
  const pool = new BlockBuffers({ blockSize: 8 });
  const [a, b] = [pool.take(8), pool.take(8)];
  pool.take(4); // not a pooled size: not counted
  assert.equal(pool.inUseBytes(), 16);
  let woke = false;
  const waiting = pool.whenBelow(8, 60_000).then(() => (woke = true));
  await pool.whenBelow(16, 60_000); // already there
  pool.give(a);
  await waiting;
  assert.equal(woke, true);
  assert.equal(pool.inUseBytes(), 8);
  pool.give(a); // twice: counted once
  assert.equal(pool.inUseBytes(), 8);
  await pool.whenBelow(0, 20); // b is not given back yet: the wait gives up (else the test hangs)
  assert.equal(pool.inUseBytes(), 8);
  pool.give(b);
  assert.equal(pool.inUseBytes(), 0);
});

test('after a full block, a streaming write takes a full block for the next segment at once', async () => {
  const MiB = 1024 * 1024;
  const hold = gate();
  const blockBuffers = new BlockBuffers({ blockSize: 4 * MiB });
  const { fs } = newFs({ blocks: new MemoryBlockStore({ onPut: () => hold.promise }), blockBuffers });
  const w = fs.openWriter('f');
  for (let i = 0; i < 64; i++) await w.write(Buffer.alloc(64 * 1024, i)); // one full block, its write held
  assert.equal(blockBuffers.inUseBytes(), 4 * MiB);
  await w.write(Buffer.alloc(64 * 1024, 'z'));
  assert.equal(blockBuffers.inUseBytes(), 8 * MiB, 'a full-block buffer, not a 64 KiB growth step');
  hold.open();
  await fs.sync();
  assert.equal(blockBuffers.inUseBytes(), 0);
  assert.deepEqual(await fs.read('f', 4 * MiB - 1, 2), Buffer.from([63, 0x7a]));
});

test('at most two idle buffers of each growth-step size are kept; full blocks up to keep', () => {
  const MiB = 1024 * 1024;
  const pool = new BlockBuffers({ blockSize: 4 * MiB, keep: 8 });
  const steps = [pool.take(MiB), pool.take(MiB), pool.take(MiB)];
  const blocks = [pool.take(4 * MiB), pool.take(4 * MiB), pool.take(4 * MiB)];
  for (const b of [...steps, ...blocks]) pool.give(b);
  assert.equal(pool.idleCount(), 5, 'the oldest 1 MiB one was dropped');
  assert.equal(pool.take(MiB), steps[2]);
  assert.equal(pool.take(MiB), steps[1]);
  assert.notEqual(pool.take(MiB), steps[0], 'a new one');
});

test('takesBuffer(): a sequential writer past its first block asks for a full block only when it needs a new one', async () => {
  const hold = gate();
  const blockBuffers = new BlockBuffers({ blockSize: 8 });
  const { fs } = newFs({ blocks: new MemoryBlockStore({ onPut: () => hold.promise }), blockBuffers });
  const w = fs.openWriter('f');
  assert.deepEqual([w.segmentRoom(), w.takesBuffer()], [0, 0], 'the first block grows step by step (from an unpooled size)');
  await w.write(Buffer.from('abc'));
  assert.deepEqual([w.segmentRoom(), w.takesBuffer()], [5, 0]);
  await w.write(Buffer.from('defgh')); // full, being written
  assert.deepEqual([w.segmentRoom(), w.takesBuffer()], [0, 8]);
  await w.write(Buffer.from('ij'));
  assert.deepEqual([w.segmentRoom(), w.takesBuffer()], [6, 0], 'room left in the segment it took');
  await w.write(Buffer.from('klmnop'));
  assert.equal(w.takesBuffer(), 8);
  hold.open();
  await fs.sync();
  assert.equal((await fs.read('f', 0, 16)).toString(), 'abcdefghijklmnop');
});

test('with an expected size, each segment takes one buffer for the bytes still to come (no growth steps)', async () => {
  const MiB = 1024 * 1024;
  const hold = gate();
  const blockBuffers = new BlockBuffers({ blockSize: 8 * MiB, keep: 8 });
  const { fs } = newFs({ blocks: new MemoryBlockStore({ onPut: () => hold.promise }), blockBuffers });
  const size = 8 * MiB + 3 * MiB;
  const w = fs.openWriter('f', { expectedSize: size });
  assert.equal(w.takesBuffer(), 8 * MiB, 'a full block at once');
  const chunk = Buffer.alloc(64 * 1024, 'y');
  for (let i = 0; i < 128; i++) await w.write(chunk); // the first block, full and held
  assert.deepEqual([blockBuffers.inUseBytes(), blockBuffers.idleCount()], [8 * MiB, 0], 'no step was taken and given back');
  assert.equal(w.takesBuffer(), 4 * MiB, '3 MiB to come: the pooled size that holds them');
  for (let i = 0; i < 48; i++) await w.write(chunk);
  assert.deepEqual([blockBuffers.inUseBytes(), blockBuffers.idleCount()], [12 * MiB, 0]);
  hold.open();
  await fs.sync();
  assert.equal(fs.stat('f').size, size);
  assert.deepEqual(await fs.read('f', size - 2, 10), Buffer.from('yy'));
  assert.equal(blockBuffers.inUseBytes(), 0);
});

test('a wrong expected size costs buffer space, never bytes', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 700 }), async (size, expectedSize, chunkSize) => {
      const blockBuffers = new BlockBuffers({ blockSize: 1024 });
      const { fs } = newFs({ blockBuffers });
      const data = Buffer.from(Array.from({ length: size }, (_, i) => (i * 13 + (i >> 7)) & 0xff));
      const w = fs.openWriter('f', { expectedSize });
      for (let at = 0; at < size; at += chunkSize) await w.write(data.subarray(at, at + chunkSize));
      await fs.sync();
      assert.deepEqual(await fs.read('f', 0, size + 1), data);
      assert.ok(fs.inspectSegments('f').every((s) => s.length <= 1024));
      assert.equal(blockBuffers.inUseBytes(), 0);
    }),
    { numRuns: 200 },
  );
});

test('a pool at its limit lends an idle larger buffer rather than adding a new one', () => {
  const MiB = 1024 * 1024;
  const pool = new BlockBuffers({ blockSize: 4 * MiB, keep: 2 });
  assert.equal(pool.takenFor(MiB), MiB, 'within the limit a buffer of the size asked is made');
  const c = pool.take(MiB);
  assert.equal(c.length, MiB);
  const [a, b] = [pool.take(4 * MiB), pool.take(4 * MiB)]; // 9 MiB, past the limit of 8
  pool.give(a);
  assert.equal(pool.takenFor(2 * MiB), 4 * MiB);
  const d = pool.take(2 * MiB);
  assert.equal(d, a, 'the idle block');
  assert.equal(pool.inUseBytes(), 9 * MiB);
  pool.give(c);
  assert.equal(pool.take(MiB), c, 'one of the size asked is idle: no larger one then');
  assert.equal(pool.takenFor(3 * MiB), 0, 'not a pooled size');
  pool.give(d);
  assert.equal(pool.take(4 * MiB), d, 'back as the block it is');
  pool.give(b);
});

test('once no buffer was taken for releaseAfterMs, the idle ones are let go; taking keeps them', async () => {
  const MiB = 1024 * 1024;
  const pool = new BlockBuffers({ blockSize: 4 * MiB, releaseAfterMs: 30 });
  const [a, b] = [pool.take(4 * MiB), pool.take(4 * MiB)];
  pool.give(a);
  for (let i = 0; i < 4; i++) {
    await new Promise((r) => setTimeout(r, 10));
    pool.give(pool.take(4 * MiB)); // busy: a stays
  }
  assert.equal(pool.idleCount(), 1);
  pool.give(b);
  while (pool.idleCount() > 0) await new Promise((r) => setTimeout(r, 10)); // (the test hangs if never)
  assert.notEqual(pool.take(4 * MiB), a);
});
