// Snapshot / splice (TestSnapshotSplice and the rules of ARVADOS.md g.7), and building files
// from existing stored segments (multipart Complete, CopyObject).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/common/errors.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';
import { newFs, reload } from './helpers.js';

const isKind = (kind: string) => (err: unknown) => err instanceof DomainError && err.kind === kind;
const filedata1 = 'hello snapshot+splice world\n';

test('a snapshot of / spliced to dir1 reads back (TestSnapshotSplice)', async () => {
  const { fs } = newFs();
  await fs.write('file1', 0, Buffer.from(filedata1));
  const snap = fs.snapshot('/');
  fs.splice('dir1', snap);
  assert.equal((await fs.read('dir1/file1', 0, 100)).toString(), filedata1);
  assert.deepEqual(
    fs.readdir('/').map((e) => e.name),
    ['dir1', 'file1'],
  );
});

test('snapshots are detached and every splice is an independent copy', async () => {
  const { fs } = newFs({ maxBlockSize: 8 });
  fs.mkdir('src');
  await fs.write('src/a', 0, Buffer.from('0123456789')); // one full block in flight, one in memory
  const snap = fs.snapshot('src');
  await fs.write('src/a', 0, Buffer.from('XX')); // after the snapshot: not in it
  fs.splice('copy1', snap);
  fs.splice('copy2', snap);
  await fs.write('copy1/a', 9, Buffer.from('!'));
  assert.equal((await fs.read('copy1/a', 0, 100)).toString(), '012345678!');
  assert.equal((await fs.read('copy2/a', 0, 100)).toString(), '0123456789');
  assert.equal((await fs.read('src/a', 0, 100)).toString(), 'XX23456789');
  assert.equal(snap.kind, 'dir');
  const t = newFs({ blocks: new MemoryBlockStore() });
  assert.throws(() => t.fs.splice('x/y', snap), isKind('NotFound')); // missing parent
});

test('splicing a directory replaces the children of an existing one', async () => {
  const { fs } = newFs();
  fs.mkdirAll('a');
  fs.mkdirAll('b');
  await fs.write('a/x', 0, Buffer.from('x'));
  await fs.write('b/old', 0, Buffer.from('old'));
  fs.splice('b', fs.snapshot('a'));
  assert.deepEqual(
    fs.readdir('b').map((e) => e.name),
    ['x'],
  );
  fs.splice('/', fs.snapshot('a'));
  assert.deepEqual(
    fs.readdir('/').map((e) => e.name),
    ['x'],
  );
});

test('splice refuses a file at the top level, onto a directory, or a directory onto a file', async () => {
  const { fs } = newFs();
  await fs.write('f', 0, Buffer.from('data'));
  fs.mkdir('d');
  const fileSnap = fs.snapshot('f');
  assert.equal(fileSnap.kind, 'file');
  assert.throws(() => fs.splice('/', fileSnap), isKind('InvalidArgument'));
  assert.throws(() => fs.splice('d', fileSnap), isKind('Conflict'));
  assert.throws(() => fs.splice('f', fs.snapshot('d')), isKind('Conflict'));
  fs.splice('d/g', fileSnap);
  assert.equal((await fs.read('d/g', 0, 10)).toString(), 'data');
});

test('spliceSegments builds a file from stored segments without writing any block', async () => {
  const store = new MemoryBlockStore();
  const t = newFs({ blocks: store, maxBlockSize: 16 });
  const { fs } = t;
  await fs.write('part1', 0, Buffer.from('first part, longer than a block;'));
  await fs.write('part2', 0, Buffer.from(' second'));
  assert.throws(() => fs.fileSegments('part2'), isKind('Internal'));
  await fs.sync();
  const puts = store.counters.puts;
  const segments = [...fs.fileSegments('part1'), ...fs.fileSegments('part2')];
  fs.mkdir('out');
  fs.spliceSegments('out/whole', segments);
  assert.equal(store.counters.puts, puts);
  assert.equal((await fs.read('out/whole', 0, 100)).toString(), 'first part, longer than a block; second');
  assert.deepEqual(fs.fileSegments('out/whole'), segments);
  const copy = reload(await fs.marshal(), t);
  assert.equal((await copy.read('out/whole', 0, 100)).toString(), 'first part, longer than a block; second');
  assert.throws(() => fs.spliceSegments('bad', [{ locator: `${'0'.repeat(32)}+3`, offset: 2, length: 2 }]), isKind('InvalidArgument'));
  assert.throws(() => fs.spliceSegments('missing/x', segments), isKind('NotFound'));
  assert.throws(() => fs.spliceSegments('out', segments), isKind('Conflict'));
});
