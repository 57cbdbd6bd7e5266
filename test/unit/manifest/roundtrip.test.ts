// Property tests over generated trees and arbitrary text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ManifestError,
  marshalManifest,
  parseManifest,
  portableDataHash,
  segmentsFingerprint,
  validateManifest,
  mapLocators,
  stripSignatures,
  type FileEntry,
  type ManifestTree,
} from '../../../src/manifest/index.js';
import { allDirs } from './fixtures.js';

// Names with every character class that needs care: escapes, ':' and '\', dots, non-BMP.
const nameChar = fc.constantFrom('a', 'b', 'Z', '0', ' ', ':', '\\', '.', '-', '+', 'é', '⛵', 'ﬀ', '😀', '\t', '\u007f', '\n');
const name = fc
  .array(nameChar, { minLength: 1, maxLength: 5 })
  .map((cs) => cs.join(''))
  .filter((n) => n !== '.' && n !== '..');
const dirPath = fc.array(name, { maxLength: 3 }).map((parts) => parts.join('/'));

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
const block = fc.tuple(fc.nat(0xffff), fc.integer({ min: 1, max: 40 }), fc.boolean()).map(([id, size, signed]) => ({
  locator: `${hex(id, 32)}+${size}${signed ? `+A${hex(id, 40)}@${hex(id, 8)}` : ''}`,
  size,
}));

const tree: fc.Arbitrary<ManifestTree> = fc
  .tuple(
    fc.array(block, { minLength: 1, maxLength: 4 }), // a small pool, so blocks are shared
    fc.array(fc.tuple(dirPath, name, fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { maxLength: 4 })), { maxLength: 12 }),
    fc.array(dirPath, { maxLength: 3 }),
  )
  .map(([blocks, specs, empties]) => {
    const files = new Map<string, FileEntry>();
    for (const [dir, base, segs] of specs) {
      const path = dir === '' ? base : `${dir}/${base}`;
      const segments = segs.map(([b, o, l]) => {
        const blk = blocks[b % blocks.length]!;
        const offset = o % blk.size;
        return { locator: blk.locator, offset, length: 1 + (l % (blk.size - offset)) };
      });
      files.set(path, { path, segments });
    }
    const isDir = (p: string): boolean => [...files.keys()].some((f) => f.startsWith(`${p}/`));
    const kept = [...files.values()].filter((f) => !isDir(f.path));
    const filePaths = new Set(kept.map((f) => f.path));
    const clashes = (d: string): boolean => d.split('/').some((_, i, parts) => filePaths.has(parts.slice(0, i + 1).join('/')));
    return { files: kept, emptyDirs: empties.filter((d) => d !== '' && !clashes(d)) };
  });

const contents = (t: ManifestTree): string[][] =>
  t.files.map((f) => [f.path, segmentsFingerprint(f.segments), String(f.segments.reduce((n, s) => n + s.length, 0))]).sort();

test('marshal -> parse -> marshal is a fixed point that keeps files, sizes and directories', () => {
  fc.assert(
    fc.property(tree, (t) => {
      const text = marshalManifest(t);
      const loaded = parseManifest(text);
      assert.equal(marshalManifest(loaded), text);
      assert.equal(portableDataHash(marshalManifest(loaded)), portableDataHash(text));
      assert.deepEqual(contents(loaded), contents(t));
      assert.deepEqual(allDirs(loaded), allDirs(t));
      // File order does not matter to the marshaller.
      assert.equal(marshalManifest({ files: [...t.files].reverse(), emptyDirs: [...t.emptyDirs].reverse() }), text);
      // Ruby's multi-line anchors can reject names holding "\n"; everything else must pass.
      if (!text.includes('\\012')) validateManifest(text);
      assert.equal(stripSignatures(text), mapLocators(text, (loc) => loc.replace(/\+A[^+]*/, '')));
    }),
    { numRuns: 300 },
  );
});

test('each line lists its files in UTF-8 byte order', () => {
  fc.assert(
    fc.property(fc.uniqueArray(name, { minLength: 2, maxLength: 8 }), (names) => {
      const t = { files: names.map((path) => ({ path, segments: [] })), emptyDirs: [] };
      const written = parseManifest(marshalManifest(t)).files.map((f) => f.path);
      const expected = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      assert.deepEqual(written, expected);
    }),
  );
});

function onlyManifestErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ManifestError)) throw err;
  }
}

// Text shaped like manifests (streams, locators, file tokens with tricky names), so that
// the generator reaches the loader's deeper paths, not only the first-line checks.
// Mostly well-formed pieces with some bad ones mixed in.
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
const locatorToken = mostly(
  fc.constantFrom('d41d8cd98f00b204e9800998ecf8427e+0', 'acbd18db4cc2f85cedef654fccc4a4d8+3', 'x+2+A1@2', 'y+-0'),
  fc.constantFrom('a+b', '', 'x', 'z+2147483648'),
);
const fileName = mostly(
  fc.constantFrom('f', 'g', 'a/b', 'a/../c', '\\056', 'a\\057.', 'a:b', 'é\\303', 'f/.', '\\', 'a\\057b', 'a\\040\\777'),
  fc.constantFrom('.', '..', '', '../x', 'f/', 'b/a'),
);
const fileToken = fc.tuple(fc.nat(3), fc.nat(3), fileName).map(([pos, len, n]) => `${pos}:${len}:${n}`);
const line = fc
  .tuple(
    mostly(fc.constantFrom('.', './a', '.\\057b', 'x', './a/../b'), fc.constantFrom('', './..', './f', './a/b', '.\\040')),
    fc.array(locatorToken, { minLength: 1, maxLength: 3 }),
    fc.array(fileToken, { minLength: 1, maxLength: 4 }),
  )
  .map(([stream, locators, files]) => [stream, ...locators, ...files].join(' '));
const manifestish = fc
  .tuple(fc.array(line, { maxLength: 4 }), fc.nat(19))
  .map(([lines, n]) => lines.map((l) => `${l}\n`).join('').slice(0, n === 0 ? -1 : undefined));

test('arbitrary text: the readers throw nothing but ManifestError, and what loads re-marshals stably', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' }), manifestish), (text) => {
      onlyManifestErrors(() => validateManifest(text));
      portableDataHash(text);
      stripSignatures(text);
      let loaded: ManifestTree;
      try {
        loaded = parseManifest(text);
      } catch (err) {
        assert.ok(err instanceof ManifestError, String(err));
        return;
      }
      const text2 = marshalManifest(loaded);
      assert.equal(marshalManifest(parseManifest(text2)), text2);
    }),
    { numRuns: 2000 },
  );
});

const mutation = fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.constantFrom(' ', '\n', ':', '+', '/', '.', '\\', '0', '9', '-', 'x'));

test('mutated valid manifests: parse throws nothing but ManifestError', () => {
  fc.assert(
    fc.property(tree, fc.array(mutation, { minLength: 1, maxLength: 6 }), (t, edits) => {
      let text = marshalManifest(t);
      for (const [at, op, ch] of edits) {
        const i = text.length === 0 ? 0 : at % text.length;
        if (op === 'insert') text = text.slice(0, i) + ch + text.slice(i);
        else if (op === 'delete') text = text.slice(0, i) + text.slice(i + 1);
        else text = text.slice(0, i) + ch + text.slice(i + 1);
      }
      onlyManifestErrors(() => validateManifest(text));
      try {
        marshalManifest(parseManifest(text));
      } catch (err) {
        assert.ok(err instanceof ManifestError, String(err));
      }
    }),
    { numRuns: 1000 },
  );
});
