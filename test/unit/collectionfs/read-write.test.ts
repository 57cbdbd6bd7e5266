// Reads and writes, ported from sdk/go/arvados/fs_collection_test.go (TestReadWriteFile,
// TestSeekSparse, TestMarshalSmallBlocks, TestCreateFile, TestPersist,
// TestPersistEmptyFilesAndDirs), plus streaming reads across block boundaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';
import { DomainError } from '../../../src/common/errors.js';
import type { CollectionFS } from '../../../src/collectionfs/fs.js';
import { FakeClock, SigningStore, fixture, fooAndBarFs, newFs, reload, settle, stripSignatures } from './helpers.js';

interface FlushCase {
  test: string;
  expect_manifest_signatures_stripped?: string;
  expect_manifest_regexp?: string;
}
const flushCases = fixture<{ flush_and_marshal: { vectors: FlushCase[] } }>('collectionfs-cases.json').flush_and_marshal.vectors;
const flushCase = (name: string): FlushCase => flushCases.find((v) => v.test === name)!;

const text = async (fs: CollectionFS, path: string): Promise<string> => (await fs.read(path, 0, 1 << 20)).toString('latin1');
const segmentCount = (fs: CollectionFS, path: string): number => fs.inspectSegments(path).length;

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('overwrite, multi-block writes, truncates, segment counts and final manifest (TestReadWriteFile)', async () => {
  const { fs } = await fooAndBarFs({ maxBlockSize: 8 });
  assert.equal(fs.stat('dir1/foo').size, 3);
  assert.equal(await text(fs, 'dir1/foo'), 'foo');

  // Split a stored segment in two around a new in-memory one.
  await fs.write('dir1/foo', 1, Buffer.from('*'));
  assert.deepEqual(
    fs.inspectSegments('dir1/foo').map((s) => [s.kind, s.length]),
    [
      ['stored', 1],
      ['mem', 1],
      ['stored', 1],
    ],
  );
  assert.equal(await text(fs, 'dir1/foo'), 'f*o');

  await fs.write('dir1/foo', 1, Buffer.from('0123456789abcdefg'));
  assert.equal(await text(fs, 'dir1/foo'), 'f0123456789abcdefg');
  assert.ok(fs.inspectSegments('dir1/foo').every((s) => s.length <= 8));

  fs.truncate('dir1/foo', 18);
  assert.equal(await text(fs, 'dir1/foo'), 'f0123456789abcdefg');
  fs.truncate('dir1/foo', 15);
  assert.equal(await text(fs, 'dir1/foo'), 'f0123456789abcd');
  fs.truncate('dir1/foo', 20);
  assert.equal(await text(fs, 'dir1/foo'), 'f0123456789abcd\0\0\0\0\0');

  fs.truncate('dir1/foo', 0);
  await fs.write('dir1/foo', 0, Buffer.from('12345678abcdefghijkl'));
  fs.truncate('dir1/foo', 64);
  assert.equal((await fs.read('dir1/foo', 0, 100)).length, 64);
  assert.equal(segmentCount(fs, 'dir1/foo'), 8);
  fs.truncate('dir1/foo', 32);
  assert.equal((await fs.read('dir1/foo', 0, 100)).length, 32);
  assert.equal(segmentCount(fs, 'dir1/foo'), 4);
  fs.truncate('dir1/foo', 15);
  assert.equal(await text(fs, 'dir1/foo'), '12345678abcdefg');
  assert.equal(segmentCount(fs, 'dir1/foo'), 2);

  await fs.sync(); // "12345678" is now a block of its own
  fs.truncate('dir1/foo', 3);
  assert.equal(await text(fs, 'dir1/foo'), '123');
  assert.equal(segmentCount(fs, 'dir1/foo'), 1);
  assert.equal(stripSignatures(await fs.marshal()), flushCase('TestReadWriteFile').expect_manifest_signatures_stripped);
  assert.equal(fs.size(), 6);
});

test('writing past the end zero-fills the gap (TestSeekSparse)', async () => {
  const { fs } = newFs();
  fs.create('test');
  assert.equal(fs.stat('test').size, 0);
  await fs.write('test', 2, Buffer.from([1]));
  assert.equal(fs.stat('test').size, 3);
  await fs.write('test', 5, Buffer.alloc(0));
  assert.equal(fs.stat('test').size, 5);
  assert.equal((await fs.read('test', 8, 1)).length, 0);
  assert.equal(fs.stat('test').size, 5);
  await fs.write('test', 8, Buffer.from([1, 2, 3]));
  assert.equal(fs.stat('test').size, 11);
  assert.deepEqual(await fs.read('test', 0, 100), Buffer.from([0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3]));
});

test('small files are packed into shared blocks in name order (TestMarshalSmallBlocks)', async () => {
  const { fs } = newFs({ maxBlockSize: 8 });
  for (const name of ['foo', 'bar', 'baz']) await fs.write(name, 0, Buffer.from(name));
  assert.equal(stripSignatures(await fs.marshal()), flushCase('TestMarshalSmallBlocks').expect_manifest_signatures_stripped);
});

test('a new file with a space in its name is escaped and signed (TestCreateFile)', async () => {
  const clock = new FakeClock();
  const store = new SigningStore({ clock });
  await store.inner.put(Buffer.from('foobar'));
  const { fs } = newFs({ blocks: store, clock, manifest: './dir1 3858f62230ac3c915f300c664312c63f+6 3:3:bar 0:3:foo\n' });
  fs.create('/new-file 1');
  assert.equal(fs.stat('/new-file 1').size, 0);
  await fs.write('/new-file 1', 0, Buffer.from('bar'));
  assert.throws(() => fs.create('/new-file 1', { exclusive: true }), (e) => e instanceof DomainError && e.kind === 'Conflict');
  assert.equal(fs.stat('/new-file 1').size, 3);
  assert.match(await fs.marshal(), new RegExp(`^${flushCase('TestCreateFile').expect_manifest_regexp!}$`));
});

test('concurrent small writes to four files survive marshal and reload (TestPersist)', async () => {
  const t = newFs({ maxBlockSize: 1024 });
  const { fs } = t;
  fs.mkdir('d:r');
  const expect = new Map<string, Buffer>();
  const writers = ['random 1', 'random:2', 'random\\3', 'd:r/random4'].map(async (name) => {
    const buf = randomBytes(500);
    expect.set(name, buf);
    fs.create(name);
    for (let i = 0; i < buf.length; i += 5) {
      await fs.write(name, i, buf.subarray(i, i + 5));
      await Promise.resolve();
    }
  });
  await Promise.all(writers);
  const manifest = await fs.marshal();
  assert.equal(fs.readdir('/').length, 4);
  const persisted = reload(manifest, t);
  assert.equal(persisted.readdir('/').length, 4);
  for (const [name, content] of expect) assert.deepEqual(await persisted.read(name, 0, 1000), content, name);
});

test('empty files and directories survive marshal and reload (TestPersistEmptyFilesAndDirs)', async () => {
  const t = newFs();
  const { fs } = t;
  for (const name of ['dir', 'dir/zerodir', 'empty', 'not empty', 'not empty/empty', 'zero', 'zero/zero']) fs.mkdir(name);
  const expect: Record<string, number[] | null> = {
    '0': null,
    '00': [],
    one: [1],
    'dir/0': null,
    'dir/two': [1, 2],
    'dir/zero': null,
    'dir/zerodir/zero': null,
    'zero/zero/zero': null,
  };
  for (const [name, data] of Object.entries(expect)) {
    fs.create(name);
    if (data) await fs.write(name, 0, Buffer.from(data));
  }
  const persisted = reload(await fs.marshal(), t);
  for (const [name, data] of Object.entries(expect)) {
    assert.throws(() => persisted.stat(`bogus-${name}`), (e) => e instanceof DomainError && e.kind === 'NotFound');
    assert.deepEqual(await persisted.read(name, 0, 10), Buffer.from(data ?? []), name);
  }
  for (const [name, entries] of Object.entries({ empty: 0, 'not empty': 1, 'not empty/empty': 0 })) {
    assert.throws(() => persisted.stat(`${name}/bogus`), (e) => e instanceof DomainError && e.kind === 'NotFound');
    assert.equal(persisted.readdir(name).length, entries, name);
  }
});

test('a write larger than a block is split into block-sized segments', async () => {
  const { fs, clock } = newFs({ maxBlockSize: 10 });
  const data = randomBytes(35);
  clock.ms += 5000;
  await fs.write('f', 0, data);
  assert.equal(fs.stat('f').mtimeMs, clock.ms);
  assert.throws(() => fs.toTree(), (e) => e instanceof DomainError && e.kind === 'Internal'); // not synced yet
  assert.deepEqual(
    fs.inspectSegments('f').map((s) => s.length),
    [10, 10, 10, 5],
  );
  assert.deepEqual(await fs.read('f', 0, 100), data);
  await fs.sync();
  assert.deepEqual(await fs.read('f', 3, 20), data.subarray(3, 23));
});

test('reads see in-memory bytes and capture them when called', async () => {
  const { fs } = await fooAndBarFs();
  await fs.write('dir1/foo', 3, Buffer.from('bar'));
  const before = fs.read('dir1/foo', 0, 100); // pieces planned now…
  await fs.write('dir1/foo', 0, Buffer.from('XXXXXX')); // …so this later write is not seen
  assert.equal((await before).toString(), 'foobar');
  assert.equal(await text(fs, 'dir1/foo'), 'XXXXXX');
  assert.equal((await collect(fs.createReadStream('dir1/foo', { start: 2, end: 4 }))).toString(), 'XXX');
});

test('ranged streaming reads cross block boundaries and fetch only the blocks needed', async () => {
  const store = new MemoryBlockStore();
  const t = newFs({ blocks: store, maxBlockSize: 16 });
  const data = randomBytes(100);
  const w = t.fs.openWriter('f');
  for (let i = 0; i < data.length; i += 7) await w.write(data.subarray(i, i + 7));
  await w.close();
  const fs = reload(await t.fs.marshal(), t);
  for (const [start, end] of [
    [0, 99],
    [5, 40],
    [16, 31],
    [15, 16],
    [99, 99],
    [90, 500],
  ] as const) {
    assert.deepEqual(await collect(fs.createReadStream('f', { start, end })), data.subarray(start, end + 1), `${start}-${end}`);
  }
  assert.equal((await collect(fs.createReadStream('f', { start: 200 }))).length, 0);
  const gets = store.counters.gets;
  await collect(fs.createReadStream('f', { start: 16, end: 31 }));
  assert.equal(store.counters.gets - gets, 1);
  assert.throws(() => fs.createReadStream('nope'), (e) => e instanceof DomainError && e.kind === 'NotFound');
});

test('a stream holds at most the block being sent plus one read ahead', async () => {
  const blockSize = 64 * 1024;
  const store = new MemoryBlockStore();
  const t = newFs({ blocks: store, maxBlockSize: blockSize });
  const data = randomBytes(10 * blockSize);
  await t.fs.write('f', 0, data);
  const fs = reload(await t.fs.marshal(), t);
  const before = store.counters.gets;
  const stream = fs.createReadStream('f');
  const iter = stream[Symbol.asyncIterator]();
  const received: Buffer[] = [];
  for (let i = 0; i < 3; i++) {
    received.push((await iter.next()).value as Buffer);
    await settle(20);
    assert.ok(store.counters.gets - before <= received.length + 2, `gets ${store.counters.gets - before} after ${received.length} chunks`);
  }
  for (let r = await iter.next(); !r.done; r = await iter.next()) received.push(r.value as Buffer);
  assert.deepEqual(Buffer.concat(received), data);
  assert.equal(store.counters.gets - before, 10);
});

test('a failing block read fails the stream with the store error', async () => {
  const store = new MemoryBlockStore({
    onGet: () => {
      throw new DomainError('Unavailable', 'keep down');
    },
  });
  const t = newFs({ blocks: store, maxBlockSize: 16 });
  await t.fs.write('f', 0, randomBytes(40));
  const fs = reload(await t.fs.marshal(), t);
  await assert.rejects(collect(fs.createReadStream('f')), (e) => e instanceof DomainError && e.kind === 'Unavailable');
  await assert.rejects(fs.read('f', 0, 10), /keep down/);
});
