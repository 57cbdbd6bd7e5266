// readSegments: a byte range of a file from its blocks, whole blocks read (so the store can
// verify them) a bounded number ahead of the one being sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError } from '../../../src/common/errors.js';
import type { Segment } from '../../../src/manifest/types.js';
import { readSegments } from '../../../src/site/segment-reader.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';

async function store(blocks: readonly Buffer[], hooks: ConstructorParameters<typeof MemoryBlockStore>[0] = {}) {
  const s = new MemoryBlockStore(hooks);
  const locators: string[] = [];
  for (const b of blocks) locators.push((await s.put(b)).locator);
  return { s, locators };
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return Buffer.concat(out);
}

test('any range of any file made of slices of blocks reads back the same bytes', async () => {
  const blocks = [0, 1, 2].map((i) => Buffer.from(Array.from({ length: 50 }, (_, j) => (i * 50 + j) & 0xff)));
  const { s, locators } = await store(blocks);
  const slice = fc.record({ block: fc.integer({ min: 0, max: 2 }), offset: fc.integer({ min: 0, max: 49 }), length: fc.integer({ min: 0, max: 50 }) });
  await fc.assert(
    fc.asyncProperty(fc.array(slice, { maxLength: 8 }), fc.nat(), fc.nat(), async (slices, a, b) => {
      const segments: Segment[] = slices.map((x) => ({ locator: locators[x.block]!, offset: x.offset, length: Math.min(x.length, 50 - x.offset) }));
      const file = Buffer.concat(segments.map((seg, i) => blocks[slices[i]!.block]!.subarray(seg.offset, seg.offset + seg.length)));
      const start = file.length === 0 ? 0 : a % (file.length + 1);
      const end = start + (file.length === 0 ? 0 : b % (file.length - start + 1));
      assert.deepEqual(await collect(readSegments(s, segments, { start, end }, 'token')), file.subarray(start, end));
    }),
    { numRuns: 200 },
  );
});

test('reads run at most two blocks ahead of the one being sent, one read per run of a block', async () => {
  const blocks = [0, 1, 2, 3, 4, 5].map((i) => Buffer.alloc(10, i));
  const { s, locators } = await store(blocks);
  const segments: Segment[] = [
    { locator: locators[0]!, offset: 0, length: 5 },
    { locator: locators[0]!, offset: 5, length: 5 }, // same block again: no second read
    ...locators.slice(1).map((locator) => ({ locator, offset: 0, length: 10 })),
  ];
  const it = readSegments(s, segments, { start: 0, end: 60 }, 'token');
  const gets = s.counters.gets;
  assert.deepEqual((await it.next()).value, Buffer.alloc(5, 0));
  assert.equal(s.counters.gets - gets, 3, 'the first block and the two after it');
  await it.next();
  assert.equal(s.counters.gets - gets, 3);
  await it.next(); // block 1
  assert.equal(s.counters.gets - gets, 4);
  assert.deepEqual(await collect({ [Symbol.asyncIterator]: () => it }), Buffer.concat(blocks.slice(2)));
  assert.equal(s.counters.gets - gets, 6);
});

test('a block that fails verification fails the stream; reads ahead that fail are not unhandled', async () => {
  const blocks = [0, 1, 2].map((i) => Buffer.alloc(10, i));
  const { s, locators } = await store(blocks, {
    onGet: (locator) => {
      if (locator.startsWith(locators[1]!.slice(0, 32))) throw new DomainError('Corrupt', 'bad block');
    },
  });
  const segments: Segment[] = locators.map((locator) => ({ locator, offset: 0, length: 10 }));
  const it = readSegments(s, segments, { start: 0, end: 30 }, 'token');
  assert.deepEqual((await it.next()).value, blocks[0]);
  await assert.rejects(it.next(), /bad block/);
  // Stopping after the first block, with the failed read ahead never awaited.
  const early = readSegments(s, segments, { start: 0, end: 30 }, 'token');
  await early.next();
  await early.return(undefined);
  await new Promise((r) => setImmediate(r));
});
