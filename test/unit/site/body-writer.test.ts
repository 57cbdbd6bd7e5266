// writeBody: request bodies into blocks, and their MD5 (the ETag of a single PUT). A body that
// is one block takes that block's MD5 (no second hash); a longer one is hashed as it arrives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { BlockBuffers } from '../../../src/collectionfs/index.js';
import { Throttle } from '../../../src/common/throttle.js';
import { writeBody, type BodyWriterDeps, type Md5Stream } from '../../../src/site/body-writer.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';

function setup(opts: { blockSize: number; uploadMemoryBytes?: number }) {
  const blocks = new MemoryBlockStore();
  const streams = { started: 0, bytes: 0 };
  const md5Stream = (): Md5Stream => {
    streams.started++;
    const h = createHash('md5');
    return { update: (b) => void (h.update(b), (streams.bytes += b.length)), digest: async () => h.digest('hex') };
  };
  const deps: BodyWriterDeps = {
    blocks,
    throttle: new Throttle(2),
    md5Stream,
    now: () => 0,
    openWrites: new Set(),
    blockBuffers: new BlockBuffers({ blockSize: opts.blockSize }),
    uploadMemoryBytes: opts.uploadMemoryBytes ?? 1 << 30,
  };
  return { deps, blocks, streams };
}

async function* chunked(data: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (let i = 0; at < data.length; i++) {
    const n = Math.max(1, sizes[i % sizes.length] ?? 1);
    yield Buffer.from(data.subarray(at, at + n)); // a fresh buffer per chunk, like a socket
    at += n;
  }
}

function body(size: number, seed = 1): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

const md5Hex = (b: Buffer): string => createHash('md5').update(b).digest('hex');

async function reassemble(blocks: MemoryBlockStore, segments: ReadonlyArray<{ locator: string; offset: number; length: number }>): Promise<Buffer> {
  const parts = await Promise.all(segments.map(async (s) => (await blocks.get(s.locator)).subarray(s.offset, s.offset + s.length)));
  return Buffer.concat(parts);
}

test('a body of up to a quarter block takes its block\'s MD5 and is not hashed a second time', async () => {
  const { deps, blocks, streams } = setup({ blockSize: 1000 });
  const data = body(250);
  const written = await writeBody(deps, chunked(data, [100]), { token: 't' });
  assert.equal(written.md5, md5Hex(data));
  assert.equal(written.size, 250);
  assert.equal(written.segments.length, 1);
  assert.equal(streams.started, 0);
  assert.equal(blocks.counters.puts, 1);
  assert.deepEqual(await reassemble(blocks, written.segments), data);
});

test('an empty body has the MD5 of nothing', async () => {
  const { deps, streams } = setup({ blockSize: 1000 });
  const written = await writeBody(deps, chunked(Buffer.alloc(0), [1]), { token: 't' });
  assert.deepEqual([written.md5, written.size, written.segments.length, streams.started], ['d41d8cd98f00b204e9800998ecf8427e', 0, 0, 0]);
});

test('a body of several blocks is hashed once, in order, from its first byte', async () => {
  const { deps, blocks, streams } = setup({ blockSize: 1000 });
  const data = body(3500, 2);
  const written = await writeBody(deps, chunked(data, [300, 7, 1200]), { token: 't' });
  assert.equal(written.md5, md5Hex(data));
  assert.equal(streams.started, 1);
  assert.equal(streams.bytes, 3500);
  assert.equal(written.segments.length, 4);
  assert.deepEqual(await reassemble(blocks, written.segments), data);
});

test('any body, chunking, block size, memory budget and declared length (right, wrong or none): the MD5 and the stored bytes are the body', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 5000 }),
      fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 64, max: 2048 }),
      fc.integer({ min: 0, max: 4096 }),
      fc.oneof(fc.constant('none' as const), fc.constant('right' as const), fc.integer({ min: 0, max: 6000 })),
      async (size, sizes, blockSize, budget, declared) => {
        const { deps, blocks, streams } = setup({ blockSize, uploadMemoryBytes: budget });
        const data = body(size, size);
        const expectedSize = declared === 'none' ? undefined : declared === 'right' ? size : declared;
        const written = await writeBody(deps, chunked(data, sizes), { token: 't', expectedSize });
        assert.equal(written.md5, md5Hex(data));
        assert.equal(written.size, size);
        assert.deepEqual(await reassemble(blocks, written.segments), data);
        // The body was hashed on its own at most once, and not at all when it stayed within a
        // quarter block (a block if declared within one) and the budget (which counts buffers:
        // at most one block's worth here).
        assert.ok(streams.started <= 1);
        const unhashedUpTo = expectedSize === undefined ? blockSize / 4 : expectedSize > blockSize ? 0 : blockSize;
        if (size <= unhashedUpTo && budget >= blockSize) assert.equal(streams.started, 0);
        assert.equal(deps.blockBuffers.inUseBytes(), 0, 'every buffer given back');
        assert.equal(deps.openWrites.size, 0);
      },
    ),
    { numRuns: 300 },
  );
});

test('concurrent uploads over a budget of one block all finish, every byte stored once', async () => {
  const { deps, blocks } = setup({ blockSize: 1000, uploadMemoryBytes: 1000 });
  const bodies = [1, 2, 3, 4].map((n) => randomBytes(3500 + n * 100)); // no two blocks alike
  const written = await Promise.all(bodies.map((b) => writeBody(deps, chunked(b, [64]), { token: 't' })));
  for (const [i, w] of written.entries()) {
    assert.equal(w.md5, md5Hex(bodies[i]!));
    assert.deepEqual(await reassemble(blocks, w.segments), bodies[i]);
  }
  assert.equal(blocks.bytesStored(), bodies.reduce((n, b) => n + b.length, 0), 'no block written and then abandoned');
  assert.equal(deps.blockBuffers.inUseBytes(), 0);
});

test('a failed upload gives its buffers back', async () => {
  let puts = 0;
  const { deps } = setup({ blockSize: 1000 });
  const failing: BodyWriterDeps = {
    ...deps,
    blocks: new MemoryBlockStore({
      onPut: () => {
        if (++puts === 2) throw new Error('disk on fire');
      },
    }),
  };
  await assert.rejects(writeBody(failing, chunked(body(5500), [300]), { token: 't' }), /disk on fire|block write failed/);
  assert.equal(deps.blockBuffers.inUseBytes(), 0);
  assert.equal(deps.openWrites.size, 0);
});

test('long uploads over a budget of three blocks (each new block waits for room) all finish', async () => {
  const blockSize = 1000;
  let maxInUse = 0;
  const { deps } = setup({ blockSize, uploadMemoryBytes: 3 * blockSize });
  const watched: BodyWriterDeps = {
    ...deps,
    blocks: new MemoryBlockStore({
      onPut: async () => {
        maxInUse = Math.max(maxInUse, deps.blockBuffers.inUseBytes());
        await new Promise((r) => setImmediate(r));
      },
    }),
  };
  const bodies = [1, 2, 3, 4, 5].map((n) => randomBytes(6000 + n * 37));
  const written = await Promise.all(bodies.map((b) => writeBody(watched, chunked(b, [100]), { token: 't' })));
  written.forEach((w, i) => assert.equal(w.md5, md5Hex(bodies[i]!)));
  // The first block of each upload grows without asking (then the budget makes it flush early).
  assert.ok(maxInUse <= (3 + bodies.length) * blockSize, `${maxInUse} bytes in use`);
  assert.equal(deps.blockBuffers.inUseBytes(), 0);
});

test('a body declared longer than a block is hashed from its first byte; one declared within a block is not hashed again', async () => {
  const { deps, streams } = setup({ blockSize: 1000 });
  const long = body(2500, 3);
  const written = await writeBody(deps, chunked(long, [64]), { token: 't', expectedSize: 2500 });
  assert.equal(written.md5, md5Hex(long));
  assert.deepEqual([streams.started, streams.bytes], [1, 2500], 'one stream, fed as the body arrived (nothing read back)');
  const short = body(900, 4); // past a quarter block: without a declared length it would be hashed on its own
  const one = await writeBody(deps, chunked(short, [64]), { token: 't', expectedSize: 900 });
  assert.equal(one.md5, md5Hex(short));
  assert.equal(one.segments.length, 1);
  assert.equal(streams.started, 1, 'the block\'s MD5 is the body\'s');
});

test('declared uploads over a budget never hold more than it, and write only full blocks but for each body\'s last', async () => {
  const blockSize = 1000;
  let maxInUse = 0;
  const { deps } = setup({ blockSize, uploadMemoryBytes: 3 * blockSize });
  const sizes: number[] = [];
  const watched: BodyWriterDeps = {
    ...deps,
    blocks: new MemoryBlockStore({
      onPut: async (data) => {
        sizes.push(data.length);
        maxInUse = Math.max(maxInUse, deps.blockBuffers.inUseBytes());
        await new Promise((r) => setImmediate(r));
      },
    }),
  };
  const bodies = [1, 2, 3, 4, 5, 6].map((n) => randomBytes(4000 + n * 37));
  // Chunks straddle block boundaries: the rest of a chunk waits for room, not the full block.
  const written = await Promise.all(bodies.map((b) => writeBody(watched, chunked(b, [300, 7, 450]), { token: 't', expectedSize: b.length })));
  written.forEach((w, i) => assert.equal(w.md5, md5Hex(bodies[i]!)));
  assert.ok(maxInUse <= 3 * blockSize, `${maxInUse} bytes in use`);
  assert.deepEqual(sizes.filter((n) => n !== blockSize).sort(), bodies.map((b) => b.length % blockSize).sort());
  assert.equal(deps.blockBuffers.inUseBytes(), 0);
});
