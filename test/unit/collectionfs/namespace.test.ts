// Namespace operations ported from sdk/go/arvados/fs_collection_test.go: TestPathMunge,
// TestNotExist, TestMkdir, TestRemove, TestRenameError, TestRenameDirectory, TestRename,
// TestReaddirFull, TestColonInFilename.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/common/errors.js';
import { fixture, fooAndBarFs, newFs, stripSignatures } from './helpers.js';

const isKind = (kind: string, message?: RegExp) => (err: unknown) =>
  err instanceof DomainError && err.kind === kind && (message === undefined || message.test(err.message));

test('path munging: root and dir1 spelled many ways (TestPathMunge)', async () => {
  const { fs } = await fooAndBarFs();
  for (const path of ['.', '/', './', '///', '/../', '/./..', '']) {
    assert.deepEqual({ ...fs.stat(path), mtimeMs: 0 }, { type: 'dir', size: 1, mtimeMs: 0 }, path);
  }
  for (const path of ['/dir1', 'dir1', './dir1', '///dir1//.//', '../dir1/../dir1/']) {
    const st = fs.stat(path);
    assert.equal(st.type, 'dir', path);
    assert.equal(st.size, 2, path);
  }
});

test('missing paths are NotFound, also below a file (TestNotExist)', async () => {
  const { fs } = await fooAndBarFs();
  for (const path of ['/no', 'no', './no', 'n/o', '/n/o', 'dir1/foo/x']) {
    assert.throws(() => fs.stat(path), isKind('NotFound'), path);
  }
  assert.throws(() => fs.readdir('dir1/foo'), isKind('Conflict', /not a directory/));
  assert.throws(() => fs.truncate('dir1', 0), isKind('Conflict', /is a directory/));
});

test('readdir lists entries in UTF-8 byte order with sizes (TestReaddirFull)', async () => {
  const { fs } = await fooAndBarFs();
  assert.deepEqual(
    fs.readdir('dir1').map((e) => [e.name, e.type, e.size]),
    [
      ['bar', 'file', 3],
      ['foo', 'file', 3],
    ],
  );
  // U+FF5E sorts before U+1F600 in UTF-8 (and after it in UTF-16 code units).
  for (const name of ['\u{1F600}', '\uFF5E', 'a', 'B']) fs.create(name);
  assert.deepEqual(
    fs.readdir('/').map((e) => e.name),
    ['B', 'a', 'dir1', '\uFF5E', '\u{1F600}'],
  );
});

test('colons in directory and file names load (TestColonInFilename)', () => {
  const { fs } = newFs({ manifest: './foo:foo 3858f62230ac3c915f300c664312c63f+3 0:3:bar:bar\n' });
  assert.deepEqual(
    fs.readdir('/foo:foo').map((e) => e.name),
    ['bar:bar'],
  );
});

test('mkdir: parent must exist, clashes with files are Conflict (TestMkdir)', async () => {
  const { fs } = await fooAndBarFs();
  assert.throws(() => fs.mkdir('foo/bar'), isKind('NotFound'));
  assert.throws(() => fs.create('foo/bar'), isKind('NotFound'));
  fs.mkdir('foo');
  await fs.write('foo/bar', 0, Buffer.from('foo'));
  assert.throws(() => fs.mkdir('foo/bar'), isKind('Conflict', /file exists/));
  fs.remove('foo/bar');
  fs.mkdir('foo/bar');
  assert.throws(() => fs.create('foo/bar/baz/foo.txt'), isKind('NotFound'));
  await fs.write('foo/bar/foo.txt', 0, Buffer.from('foo'));
  assert.throws(() => fs.create('foo/bar', { exclusive: true }), isKind('Conflict'));
  assert.throws(() => fs.create('foo/bar'), isKind('Conflict', /is a directory/));
  assert.throws(() => fs.mkdir('foo/bar'), isKind('Conflict'));
  assert.throws(() => fs.mkdir('foo/bar/foo.txt/x'), isKind('Conflict', /not a directory/));
  const expected = fixture<{ flush_and_marshal: { vectors: Array<{ test: string; expect_manifest_signatures_stripped?: string }> } }>(
    'collectionfs-cases.json',
  ).flush_and_marshal.vectors.find((v) => v.test === 'TestMkdir')!.expect_manifest_signatures_stripped;
  assert.equal(stripSignatures(await fs.marshal()), expected);
});

test('mkdirAll creates parents, accepts existing dirs, refuses files in the way', () => {
  const { fs } = newFs();
  fs.mkdirAll('a/b/c');
  fs.mkdirAll('a/b');
  assert.equal(fs.stat('a/b/c').type, 'dir');
  fs.create('a/f');
  assert.throws(() => fs.mkdirAll('a/f/g'), isKind('Conflict', /not a directory/));
  assert.throws(() => fs.mkdirAll('a/f'), isKind('Conflict'));
});

test('remove: dots are invalid, non-empty dirs refused, removeAll idempotent (TestRemove)', () => {
  const { fs } = newFs();
  for (const d of ['dir0', 'dir1', 'dir1/dir2', 'dir1/dir3']) fs.mkdir(d);
  fs.remove('dir0');
  assert.throws(() => fs.remove('dir0'), isKind('NotFound', /does not exist/));
  assert.throws(() => fs.remove('dir1/dir2/.'), isKind('InvalidArgument'));
  assert.throws(() => fs.remove('dir1/dir2/..'), isKind('InvalidArgument'));
  assert.throws(() => fs.remove('/'), isKind('InvalidArgument'));
  assert.throws(() => fs.remove('dir1'), isKind('NotEmpty'));
  assert.throws(() => fs.remove('dir1/dir2/../../../dir1'), isKind('NotEmpty'));
  fs.remove('dir1/dir3/');
  fs.removeAll('dir1');
  fs.removeAll('dir1');
  assert.throws(() => fs.stat('dir1'), isKind('NotFound'));
  assert.deepEqual(fs.readdir('/'), []);
});

test('rename refuses moving a directory into its own subtree (TestRenameError)', async () => {
  const { fs } = newFs();
  fs.mkdir('first');
  fs.mkdir('first/second');
  await fs.write('first/second/file', 0, Buffer.from([1, 2, 3, 4, 5]));
  assert.throws(() => fs.rename('first', 'first/second/third'), isKind('InvalidArgument', /invalid argument/));
  assert.throws(() => fs.rename('first', 'first/third'), isKind('InvalidArgument'));
  fs.rename('first/second', 'second');
  assert.deepEqual(await fs.read('second/file', 0, 100), Buffer.from([1, 2, 3, 4, 5]));
});

test('rename onto a directory fails; "dir/" means into it (TestRenameDirectory)', () => {
  const { fs } = newFs();
  fs.mkdir('foo');
  fs.mkdir('bar');
  fs.rename('bar', 'baz');
  assert.throws(() => fs.rename('foo', 'baz'), isKind('Conflict', /is a directory/));
  fs.rename('foo', 'baz/');
  assert.equal(fs.stat('baz/foo').type, 'dir');
  assert.throws(() => fs.rename('baz/foo', '.'), isKind('InvalidArgument'));
  assert.throws(() => fs.rename('baz/foo/', '.'), isKind('InvalidArgument'));
  assert.throws(() => fs.rename('baz/foo/', 'x'), isKind('InvalidArgument'));
});

test('rename replaces an existing file and reports Go-style errors (TestRename)', async () => {
  const { fs } = newFs();
  const outer = 4;
  const inner = 4;
  for (let i = 0; i < outer; i++) {
    fs.mkdir(`dir${i}`);
    for (let j = 0; j < inner; j++) {
      fs.mkdir(`dir${i}/dir${j}`);
      for (const name of [`dir${i}/file${j}`, `dir${i}/dir${j}/file${j}`]) await fs.write(name, 0, Buffer.from('beep'));
    }
  }
  const jobs: Array<Promise<void>> = [];
  for (let i = 0; i < outer; i++) {
    for (let j = 0; j < inner; j++) {
      jobs.push(
        (async () => {
          const oldName = `dir${i}/dir${j}/file${j}`;
          const newName = `dir${i}/newfile${inner - j - 1}`;
          assert.throws(() => fs.stat(newName), isKind('NotFound', /does not exist/));
          await Promise.resolve();
          fs.rename(oldName, newName);
          assert.equal(fs.stat(newName).size, 4);
        })(),
        (async () => {
          await Promise.resolve();
          assert.throws(() => fs.rename(`dir${i}/dir${j}/missing`, `dir${outer - i - 1}/dir${j}/file${j}`), isKind('NotFound', /does not exist$/));
          assert.throws(() => fs.rename(`dir${i}/dir${j}`, `dir${outer - i - 1}/missing/irrelevant`), isKind('NotFound', /does not exist$/));
          assert.throws(() => fs.rename(`dir${i}/file${j}/patherror`, `dir${i}/irrelevant`), /not a directory$/);
          assert.throws(() => fs.rename(`dir${i}/dir${j}/file${j}`, `dir${i}/file${inner - j - 1}/patherror`), isKind('Conflict', /not a directory$/));
        })(),
      );
    }
  }
  await Promise.all(jobs);
  assert.deepEqual(await fs.read('dir1/newfile3', 0, 10), Buffer.from('beep'));
  assert.throws(() => fs.stat('dir1/dir1/file1'), isKind('NotFound'));
  // Renaming over an existing file replaces it.
  await fs.write('a', 0, Buffer.from('A'));
  await fs.write('b', 0, Buffer.from('B'));
  fs.rename('a', 'b');
  assert.deepEqual(await fs.read('b', 0, 10), Buffer.from('A'));
  assert.throws(() => fs.stat('a'), isKind('NotFound'));
});
