// Interleaved requests on one filesystem, checked against a plain Buffer model: ports of
// TestConcurrentWriters and TestRandomWrites (with content checks at every read), and a
// fast-check property over random write/truncate/sync sequences, before and after reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CollectionFS } from '../../../src/collectionfs/fs.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';
import { fooAndBarFs, newFs, reload, settle } from './helpers.js';

/** The Buffer model of a file: write at an offset (zero-filling a gap), truncate. */
function modelWrite(model: Buffer, offset: number, data: Uint8Array): Buffer {
  const out = Buffer.alloc(Math.max(model.length, offset + data.length));
  model.copy(out);
  out.set(data, offset);
  return out;
}

function modelTruncate(model: Buffer, size: number): Buffer {
  const out = Buffer.alloc(size);
  model.copy(out, 0, 0, Math.min(size, model.length));
  return out;
}

/** Every file's memBytes counter agrees with its MemSegments (Go checkMemSize). */
function memSegmentBytes(fs: CollectionFS, paths: readonly string[]): number {
  let n = 0;
  for (const p of paths) for (const s of fs.inspectSegments(p)) if (s.kind === 'mem') n += s.length;
  return n;
}

const rand = (n: number): number => Math.floor(Math.random() * n);

test('many tasks writing, truncating, reading and syncing one file agree with the model (TestConcurrentWriters)', async () => {
  const { fs } = await fooAndBarFs({ maxBlockSize: 8, blocks: new MemoryBlockStore({ onPut: () => settle(1) }) });
  let model: Buffer = Buffer.from('foo');
  const beep = Buffer.from('beep boop');
  const task = async (): Promise<void> => {
    for (let i = 0; i < 200; i++) {
      const r = rand(1 << 30);
      if (r % 11 === 0) {
        await fs.sync();
      } else if ((r & 3) === 0) {
        const size = rand(64);
        fs.truncate('dir1/foo', size);
        model = modelTruncate(model, size);
      } else if ((r & 3) === 1) {
        const offset = rand(64);
        const writing = fs.write('dir1/foo', offset, beep); // applied before it returns
        model = modelWrite(model, offset, beep);
        await writing;
      } else {
        const expected = Buffer.from(model);
        const offset = (r & 3) === 2 ? 0 : rand(64);
        assert.deepEqual(await fs.read('dir1/foo', offset, 100), expected.subarray(offset));
      }
    }
  };
  await Promise.all(Array.from({ length: 32 }, task));
  await fs.idle();
  assert.equal(fs.unflushedBytes(), memSegmentBytes(fs, ['dir1/foo', 'dir1/bar']));
  assert.deepEqual(await fs.read('dir1/foo', 0, 1000), model);
  assert.deepEqual(await fs.read('dir1/bar', 0, 1000), Buffer.from('bar'));
});

test('each task edits its own file; contents, accounting and the marshalled copy agree (TestRandomWrites)', async () => {
  const t = newFs({ maxBlockSize: 40, blocks: new MemoryBlockStore({ onPut: () => settle(1) }) });
  const { fs } = t;
  const text = Buffer.from("there's no simple explanation for anything important that any of us do");
  const models = new Map<string, Buffer>();
  const task = async (n: number): Promise<void> => {
    const name = `random-${n}`;
    fs.create(name, { exclusive: true });
    let expect: Buffer = Buffer.alloc(0);
    for (let i = 0; i < 64; i++) {
      const trunc = rand(65);
      const woff = rand(trunc + 1);
      const wbytes = text.subarray(0, rand(64 - woff + 1));
      fs.truncate(name, trunc);
      expect = modelWrite(modelTruncate(expect, trunc), woff, wbytes);
      await fs.write(name, woff, wbytes);
      assert.deepEqual(await fs.read(name, 0, 1000), expect);
    }
    models.set(name, expect);
  };
  await Promise.all(Array.from({ length: 64 }, (_, n) => task(n)));
  await fs.idle();
  assert.equal(fs.unflushedBytes(), memSegmentBytes(fs, [...models.keys()]));
  assert.equal(fs.readdir('/').length, 64);
  const copy = reload(await fs.marshal(), t);
  assert.equal(fs.unflushedBytes(), 0);
  for (const [name, content] of models) assert.deepEqual(await copy.read(name, 0, 1000), content, name);
});

type Op =
  | { readonly kind: 'write'; readonly file: number; readonly offset: number; readonly data: Uint8Array }
  | { readonly kind: 'truncate'; readonly file: number; readonly size: number }
  | { readonly kind: 'flush'; readonly shortBlocks: boolean }
  | { readonly kind: 'sync' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('write' as const), file: fc.nat(2), offset: fc.nat(150), data: fc.uint8Array({ maxLength: 40 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('truncate' as const), file: fc.nat(2), size: fc.nat(150) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const), shortBlocks: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sync' as const) }) },
);

test('random writes and truncates match a Buffer model, before and after sync + reload', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(3, 8, 16, 64), fc.array(opArb, { maxLength: 40 }), async (maxBlockSize, ops) => {
      const t = newFs({ maxBlockSize });
      const { fs } = t;
      fs.mkdir('d');
      const names = ['a', 'b', 'd/c'];
      const models: Buffer[] = names.map(() => Buffer.alloc(0));
      for (const n of names) fs.create(n);
      for (const op of ops) {
        if (op.kind === 'write') {
          await fs.write(names[op.file]!, op.offset, op.data);
          models[op.file] = modelWrite(models[op.file]!, op.offset, op.data);
        } else if (op.kind === 'truncate') {
          fs.truncate(names[op.file]!, op.size);
          models[op.file] = modelTruncate(models[op.file]!, op.size);
        } else if (op.kind === 'flush') {
          await fs.flush({ shortBlocks: op.shortBlocks });
        } else {
          await fs.sync();
        }
      }
      for (const [i, name] of names.entries()) {
        assert.deepEqual(await fs.read(name, 0, 1000), models[i]);
        assert.ok(fs.inspectSegments(name).every((s) => s.length > 0 && s.length <= maxBlockSize));
      }
      await fs.idle();
      assert.equal(fs.unflushedBytes(), memSegmentBytes(fs, names));
      const copy = reload(await fs.marshal(), t);
      for (const [i, name] of names.entries()) assert.deepEqual(await copy.read(name, 0, 1000), models[i]);
    }),
    { numRuns: 150 },
  );
});
