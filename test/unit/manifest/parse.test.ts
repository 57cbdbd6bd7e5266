import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError, parseManifest } from '../../../src/manifest/index.js';
import { isDomainError } from '../../../src/common/errors.js';
import { allDirs, fileSizes, fixture, type FileSize } from './fixtures.js';

interface ManifestVector {
  id: string;
  manifest: string;
  files?: FileSize[];
  dirs?: string[];
}
interface LoaderVector {
  manifest: string;
  ok: boolean;
  error_regexp?: string;
  files?: FileSize[];
  dirs?: string[];
}
const manifests = fixture<{ vectors: ManifestVector[] }>('manifests.json').vectors;
const loader = fixture<{ go_loader: LoaderVector[] }>('manifest-validation.json').go_loader;

const bySize = (files: FileSize[]): FileSize[] => [...files].sort((a, b) => (a.path < b.path ? -1 : 1));

test('manifests.json: the loader builds the expected files and directories', () => {
  let checked = 0;
  for (const v of manifests) {
    if (v.files === undefined || v.dirs === undefined) continue;
    const tree = parseManifest(v.manifest);
    assert.deepEqual(fileSizes(tree), bySize(v.files), v.id);
    assert.deepEqual(allDirs(tree), [...v.dirs].sort(), v.id);
    checked++;
  }
  assert.ok(checked >= 35, `only ${checked} vectors had files`);
});

test('manifest-validation.json go_loader: accepted manifests load to the expected tree', () => {
  for (const v of loader.filter((c) => c.ok)) {
    const tree = parseManifest(v.manifest);
    assert.deepEqual(fileSizes(tree), bySize(v.files ?? []), JSON.stringify(v.manifest));
    assert.deepEqual(allDirs(tree), [...(v.dirs ?? [])].sort(), JSON.stringify(v.manifest));
  }
});

test('manifest-validation.json go_loader: rejected manifests throw ManifestError with Go\'s message', () => {
  for (const v of loader.filter((c) => !c.ok)) {
    assert.throws(
      () => parseManifest(v.manifest),
      (err: unknown) => {
        assert.ok(err instanceof ManifestError, JSON.stringify(v.manifest));
        assert.match(err.message, v.error_regexp !== undefined ? new RegExp(v.error_regexp) : /^malformed manifest_text: line \d+: /);
        return true;
      },
    );
  }
});

function errorOf(text: string): ManifestError {
  try {
    parseManifest(text);
  } catch (err) {
    if (err instanceof ManifestError) return err;
    throw err;
  }
  assert.fail(`accepted ${JSON.stringify(text)}`);
}

const E = 'd41d8cd98f00b204e9800998ecf8427e+0';
const A3 = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
const B3 = '37b51d194a7513e45b56f6524f2d51f2+3';

test('errors name the line, carry it, and are InvalidArgument domain errors', () => {
  const err = errorOf(`. ${A3} 0:3:a\n. ${A3} 0:4:b\n`);
  assert.equal(err.message, `malformed manifest_text: line 2: invalid segment in 3-byte stream: "0:4:b"`);
  assert.equal(err.line, 2);
  assert.ok(isDomainError(err, 'InvalidArgument'));
  assert.equal(errorOf('a\nb\nc').message, 'malformed manifest_text: line 3: no trailing newline');
  assert.equal(errorOf(`. ${A3} 0:3:a ${B3}\n`).message, `malformed manifest_text: line 1: bad file segment "${B3}"`);
  assert.equal(errorOf(`. x\ty\u0001"\\é 0:0:a\n`).message, 'malformed manifest_text: line 1: bad locator "x\\ty\\x01\\"\\\\é"');
  assert.equal(errorOf(`. ${A3} 0:0:..\n`).line, 1);
  assert.equal(errorOf(`. x+2147483648 0:0:a\n`).message, 'malformed manifest_text: line 1: bad locator "x+2147483648"');
});

test('segments keep the locator token as written and split at block boundaries', () => {
  const signed = `${A3}+A${'f'.repeat(40)}@12345678+Zhint`;
  const tree = parseManifest(`. ${signed} ${B3} 1:4:f 0:0:e\n`);
  assert.deepEqual(tree.files, [
    {
      path: 'f',
      segments: [
        { locator: signed, offset: 1, length: 2 },
        { locator: B3, offset: 0, length: 2 },
      ],
    },
    { path: 'e', segments: [] },
  ]);
});

test('zero-size blocks contribute nothing; the Go loader only checks `+<int32>`', () => {
  const tree = parseManifest(`. ${E} ${A3} x+0 zz+-0 ${B3} 0:6:f\n`);
  assert.deepEqual(
    tree.files[0]!.segments.map((s) => s.locator),
    [A3, B3],
  );
});

test('a zero-length range inside a block is kept (as Go does); at a block start it is not', () => {
  const tree = parseManifest(`. ${A3} 1:0:mid 0:0:start 3:0:end\n`);
  assert.deepEqual(
    tree.files.map((f) => [f.path, f.segments.length]),
    [
      ['mid', 1],
      ['start', 0],
      ['end', 0],
    ],
  );
});

test('repeated paths concatenate in manifest order, across lines and spellings', () => {
  const tree = parseManifest(`. ${A3} 0:3:d/f\n./d ${B3} 0:3:f 0:2:f\n`);
  assert.equal(tree.files.length, 1);
  assert.deepEqual(
    tree.files[0]!.segments.map((s) => [s.locator, s.offset, s.length]),
    [
      [A3, 0, 3],
      [B3, 0, 3],
      [B3, 0, 2],
    ],
  );
});

test('`..` climbs inside the collection and leaves the directory it left behind', () => {
  const tree = parseManifest(`./a ${A3} 0:3:../b 0:0:c/../../d\n./e ${A3} 0:3:../f\n`);
  assert.deepEqual(tree.files.map((f) => f.path).sort(), ['b', 'd', 'f']);
  assert.deepEqual([...tree.emptyDirs].sort(), ['a/c', 'e']);
  assert.match(errorOf(`. ${A3} 0:3:../b\n`).message, /cannot use name "\.\.\/b" with length 3: invalid argument$/);
  assert.match(errorOf(`./.. ${A3} 0:3:b\n`).message, /invalid argument$/);
});

test('empty-directory markers: `.`, `\\056`, `dir/.`, and an escaped slash acting as separator', () => {
  const tree = parseManifest(`./x ${E} 0:0:.\n. ${E} 0:0:y/. 0:0:y\\057z\\057\\056 0:0:\\056\n`);
  assert.deepEqual(tree.files, []);
  assert.deepEqual([...tree.emptyDirs].sort(), ['x', 'y/z']);
  assert.match(errorOf(`. ${A3} 0:3:y/.\n`).message, /with length 3: is a directory$/);
});

test('names are unescaped; stream names do not have to start with `.` (Go leniency)', () => {
  const tree = parseManifest(`d\\040r ${A3} 0:3:caf\\303\\251:x 0:0:a:b:c\n`);
  assert.deepEqual(tree.files.map((f) => f.path), ['d r/café:x', 'd r/a:b:c']);
});

test('a file cannot become a directory or the other way round', () => {
  assert.match(errorOf(`. ${A3} 0:3:f\n. ${A3} 0:3:f/g\n`).message, /line 2: .*file already exists$/);
  assert.match(errorOf(`. ${A3} 0:3:f/g 0:3:f\n`).message, /overwrite existing directory$/);
});

test('the empty text is the empty collection', () => {
  assert.deepEqual(parseManifest(''), { files: [], emptyDirs: [] });
});
