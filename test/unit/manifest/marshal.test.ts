import { test } from 'node:test';
import assert from 'node:assert/strict';
import { marshalManifest, parseManifest, type FileEntry, type ManifestTree } from '../../../src/manifest/index.js';
import { isDomainError } from '../../../src/common/errors.js';
import { fixture } from './fixtures.js';

interface ManifestVector {
  id: string;
  manifest: string;
  go_marshal?: string;
}
interface LoaderVector {
  manifest: string;
  ok: boolean;
  go_marshal?: string;
}
interface CollectionFsCases {
  replace_segments: { vectors: { test: string; expect_manifest_after: string }[] };
  flush_and_marshal: { vectors: { test: string; expect_manifest_signatures_stripped?: string; expect_manifest_regexp?: string }[] };
}
const manifests = fixture<{ vectors: ManifestVector[] }>('manifests.json').vectors;
const loader = fixture<{ go_loader: LoaderVector[] }>('manifest-validation.json').go_loader;
const fsCases = fixture<CollectionFsCases>('collectionfs-cases.json');

test('manifests.json: re-marshalling a loaded manifest gives the Go SDK output', () => {
  let checked = 0;
  for (const v of manifests) {
    if (v.go_marshal === undefined) continue;
    assert.equal(marshalManifest(parseManifest(v.manifest)), v.go_marshal, v.id);
    checked++;
  }
  assert.ok(checked >= 38);
});

test('manifest-validation.json go_loader: accepted manifests re-marshal as Go does', () => {
  for (const v of loader.filter((c) => c.go_marshal !== undefined)) {
    assert.equal(marshalManifest(parseManifest(v.manifest)), v.go_marshal, JSON.stringify(v.manifest));
  }
});

test('collectionfs-cases.json: expected manifests are fixed points of load + marshal', () => {
  const texts = [
    ...fsCases.replace_segments.vectors.map((v) => v.expect_manifest_after),
    ...fsCases.flush_and_marshal.vectors.flatMap((v) => v.expect_manifest_signatures_stripped ?? []),
  ];
  assert.ok(texts.length >= 8);
  for (const text of texts) assert.equal(marshalManifest(parseManifest(text)), text);
});

const seg = (locator: string, offset: number, length: number) => ({ locator, offset, length });
const file = (path: string, ...segments: ReturnType<typeof seg>[]): FileEntry => ({ path, segments });
const FOOBAR = '3858f62230ac3c915f300c664312c63f+6';

test('collectionfs-cases.json: trees built by the Go tests marshal to the expected text', () => {
  const expected = new Map(fsCases.flush_and_marshal.vectors.map((v) => [v.test, v]));
  const barbaz = 'c3c23db5285662ef7172373df0003206+6';
  const foo = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
  // TestMarshalSmallBlocks: files given in creation order, written in name order.
  const small = { files: [file('foo', seg(foo, 0, 3)), file('bar', seg(barbaz, 0, 3)), file('baz', seg(barbaz, 3, 3))], emptyDirs: [] };
  assert.equal(marshalManifest(small), expected.get('TestMarshalSmallBlocks')?.expect_manifest_signatures_stripped);
  const rw = { files: [file('dir1/foo', seg('25d55ad283aa400af464c76d713c07ad+8', 0, 3)), file('dir1/bar', seg(FOOBAR, 3, 3))], emptyDirs: [] };
  assert.equal(marshalManifest(rw), expected.get('TestReadWriteFile')?.expect_manifest_signatures_stripped);
  // TestMkdir: `foo` holds only a subdirectory, so it gets no line of its own.
  const mkdir = {
    files: [file('foo/bar/foo.txt', seg(foo, 0, 3)), file('dir1/foo', seg(FOOBAR, 0, 3)), file('dir1/bar', seg(FOOBAR, 3, 3))],
    emptyDirs: [],
  };
  assert.equal(marshalManifest(mkdir), expected.get('TestMkdir')?.expect_manifest_signatures_stripped);
  const created = {
    files: [
      file('dir1/bar', seg(FOOBAR, 3, 3)),
      file('new-file 1', seg(`37b51d194a7513e45b56f6524f2d51f2+3+A${'1'.repeat(40)}@12345678`, 0, 3)),
      file('dir1/foo', seg(FOOBAR, 0, 3)),
    ],
    emptyDirs: [],
  };
  assert.match(marshalManifest(created), new RegExp(`^${expected.get('TestCreateFile')?.expect_manifest_regexp}$`));
});

test('files and subdirectories are ordered by UTF-8 bytes, not UTF-16 units', () => {
  // U+FB00 is EF AC 80 in UTF-8 and sorts before U+1F600 (F0 …); in UTF-16 it sorts after.
  const A = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
  const tree = {
    files: [file('😀', seg(A, 0, 1)), file('ﬀ', seg(A, 1, 1)), file('😀d/x', seg(A, 0, 1)), file('ﬀd/x', seg(A, 0, 1)), file('Z', seg(A, 2, 1))],
    emptyDirs: [],
  };
  assert.equal(
    marshalManifest(tree),
    `. ${A} 2:1:Z 1:1:ﬀ 0:1:😀\n./ﬀd ${A} 0:1:x\n./😀d ${A} 0:1:x\n`,
  );
});

test('stream order is depth-first: a directory, its subtree, then the next sibling', () => {
  const A = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
  const tree = { files: [file('a-b/x', seg(A, 0, 3)), file('a/c/z', seg(A, 0, 3)), file('a/y', seg(A, 0, 3))], emptyDirs: [] };
  assert.equal(marshalManifest(tree), `./a ${A} 0:3:y\n./a/c ${A} 0:3:z\n./a-b ${A} 0:3:x\n`);
});

test('empty directories get `\\056` markers; an empty root is the empty string', () => {
  assert.equal(marshalManifest({ files: [], emptyDirs: [] }), '');
  assert.equal(marshalManifest({ files: [], emptyDirs: [''] }), '');
  const E = 'd41d8cd98f00b204e9800998ecf8427e+0';
  assert.equal(
    marshalManifest({ files: [file('e f/g')], emptyDirs: ['e f/h i', 'e f'] }),
    `./e\\040f ${E} 0:0:g\n./e\\040f/h\\040i ${E} 0:0:\\056\n`,
  );
});

test('block reuse only when equal to the last block; contiguous ranges merge', () => {
  const A = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
  const B = '37b51d194a7513e45b56f6524f2d51f2+3';
  const tree: ManifestTree = {
    files: [file('a', seg(A, 0, 2), seg(A, 2, 1), seg(B, 0, 3)), file('b', seg(B, 1, 1)), file('c', seg(A, 0, 1)), file('d')],
    emptyDirs: [],
  };
  assert.equal(marshalManifest(tree), `. ${A} ${B} ${A} 0:6:a 4:1:b 6:1:c 0:0:d\n`);
});

test('inconsistent trees are refused with domain errors', () => {
  const A = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
  assert.ok(isDomainErrorThrown(() => marshalManifest({ files: [file('x', seg(A, 0, 1)), file('x/y')], emptyDirs: [] }), 'Conflict'));
  for (const bad of ['a//b', '/a', 'a/', 'a/./b', '..', '']) {
    assert.ok(isDomainErrorThrown(() => marshalManifest({ files: [file(bad)], emptyDirs: [] }), 'InvalidArgument'), bad);
    assert.ok(isDomainErrorThrown(() => marshalManifest({ files: [], emptyDirs: [`d/${bad}`] }), 'InvalidArgument'), bad);
  }
  assert.ok(isDomainErrorThrown(() => marshalManifest({ files: [file('a', seg('nosize', 0, 1))], emptyDirs: [] }), 'InvalidArgument'));
});

function isDomainErrorThrown(fn: () => unknown, kind: 'Conflict' | 'InvalidArgument'): boolean {
  try {
    fn();
  } catch (err) {
    return isDomainError(err, kind);
  }
  return false;
}
