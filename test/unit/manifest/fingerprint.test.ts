import { test } from 'node:test';
import assert from 'node:assert/strict';
import { manifestStats, marshalManifest, parseManifest, segmentsFingerprint, stripSignatures } from '../../../src/manifest/index.js';
import { fixture, type FileSize } from './fixtures.js';

const A = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
const B = '37b51d194a7513e45b56f6524f2d51f2+3';
const sig = `+A${'a'.repeat(40)}@12345678`;

test('the fingerprint is a 32-hex string that ignores signatures and other hints', () => {
  const plain = segmentsFingerprint([{ locator: A, offset: 0, length: 3 }]);
  assert.match(plain, /^[0-9a-f]{32}$/);
  assert.equal(segmentsFingerprint([{ locator: `${A}${sig}+Kzzzzz`, offset: 0, length: 3 }]), plain);
});

test('the fingerprint changes with block, offset, length or order', () => {
  const base = [
    { locator: A, offset: 0, length: 2 },
    { locator: B, offset: 1, length: 2 },
  ];
  const variants = [
    [{ ...base[0]!, locator: '00000000000000000000000000000000+3' }, base[1]!],
    [{ ...base[0]!, offset: 1 }, base[1]!],
    [{ ...base[0]!, length: 1 }, base[1]!],
    [base[1]!, base[0]!],
    [base[0]!],
  ];
  const fp = segmentsFingerprint(base);
  for (const v of variants) assert.notEqual(segmentsFingerprint(v), fp);
});

test('a file keeps its fingerprint across re-marshalling and signing by another client', () => {
  // Three tokens for one file in one block: Go merges them into one range when it writes.
  const text = `. ${A}${sig} 0:1:f 1:1:f 2:1:f 0:0:g\n`;
  const loaded = parseManifest(text);
  const rewritten = parseManifest(stripSignatures(marshalManifest(loaded)));
  assert.equal(loaded.files[0]!.segments.length, 3);
  assert.equal(rewritten.files.find((f) => f.path === 'f')!.segments.length, 1);
  for (const path of ['f', 'g']) {
    const before = loaded.files.find((f) => f.path === path)!;
    const after = rewritten.files.find((f) => f.path === path)!;
    assert.equal(segmentsFingerprint(after.segments), segmentsFingerprint(before.segments));
  }
});

test('manifestStats counts files (not empty-dir markers) and their bytes', () => {
  const tree = parseManifest(`. ${A} ${B} 0:3:a 0:6:b 0:0:c\n./d ${A} 0:0:.\n./e ${A} 1:2:a 0:1:a\n`);
  assert.deepEqual(manifestStats(tree), { fileCount: 4, fileSizeTotal: 12 });
});

test('manifests.json: manifestStats agrees with the expected file lists', () => {
  const vectors = fixture<{ vectors: { id: string; manifest: string; files?: FileSize[] }[] }>('manifests.json').vectors;
  for (const v of vectors) {
    if (v.files === undefined) continue;
    const expected = { fileCount: v.files.length, fileSizeTotal: v.files.reduce((n, f) => n + f.size, 0) };
    assert.deepEqual(manifestStats(parseManifest(v.manifest)), expected, v.id);
  }
});
