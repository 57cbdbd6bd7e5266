import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  checkCopySourceRange,
  parseCopySourceRange,
  parseRangeHeader,
  resolveRange,
  type RangeResolution,
} from '../../../src/s3/range.js';
import { S3Error } from '../../../src/s3/errors.js';

const resolve = (header: string | undefined, size: number): RangeResolution => resolveRange(parseRangeHeader(header), size, header);

test('single ranges: bounded, open, suffix, clamped', () => {
  assert.deepEqual(resolve('bytes=0-9', 100), { kind: 'partial', start: 0, end: 9, length: 10, contentRange: 'bytes 0-9/100' });
  assert.deepEqual(resolve('bytes=90-', 100), { kind: 'partial', start: 90, end: 99, length: 10, contentRange: 'bytes 90-99/100' });
  assert.deepEqual(resolve('bytes=-10', 100), { kind: 'partial', start: 90, end: 99, length: 10, contentRange: 'bytes 90-99/100' });
  assert.deepEqual(resolve('bytes=-1000', 100), { kind: 'partial', start: 0, end: 99, length: 100, contentRange: 'bytes 0-99/100' });
  assert.deepEqual(resolve('bytes=50-1000', 100), { kind: 'partial', start: 50, end: 99, length: 50, contentRange: 'bytes 50-99/100' });
  assert.deepEqual(resolve('BYTES = 1 - 2 ', 100), { kind: 'partial', start: 1, end: 2, length: 2, contentRange: 'bytes 1-2/100' });
  assert.deepEqual(resolve('bytes=0-0', 1), { kind: 'partial', start: 0, end: 0, length: 1, contentRange: 'bytes 0-0/1' });
});

test('invalid syntax, other units, reversed and multiple ranges are ignored: the whole object', () => {
  for (const h of [undefined, '', 'bytes', 'bytes=', 'bytes=-', 'bytes=a-b', 'items=0-1', 'bytes=5-3', 'bytes=0-1,3-4', 'bytes=0-1, 3-4', 'bytes=1.5-2', 'bytes=--1', 'bytes=0x10-']) {
    assert.deepEqual(resolve(h, 100), { kind: 'full' }, String(h));
  }
});

test('unsatisfiable ranges: 416 InvalidRange with bytes */size', () => {
  for (const [h, size] of [['bytes=100-', 100], ['bytes=100-200', 100], ['bytes=-0', 100], ['bytes=0-', 0], ['bytes=-5', 0], ['bytes=99999999999999999999-', 10]] as const) {
    const r = resolve(h, size);
    assert.equal(r.kind, 'unsatisfiable', h);
    if (r.kind !== 'unsatisfiable') continue;
    assert.equal(r.contentRange, `bytes */${size}`);
    assert.equal(r.error.code, 'InvalidRange');
    assert.equal(r.error.status, 416);
    assert.deepEqual(r.error.extra, { ActualObjectSize: String(size), RangeRequested: h });
  }
});

// The model: what bytes a client gets back, computed the obvious way.
function model(first: number | undefined, last: number | undefined, suffix: number | undefined, size: number): 'full' | 'unsatisfiable' | [number, number] {
  if (suffix !== undefined) {
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - suffix), size - 1];
  }
  if (first === undefined) return 'full';
  if (last !== undefined && last < first) return 'full';
  if (first >= size) return 'unsatisfiable';
  return [first, Math.min(last ?? size - 1, size - 1)];
}

test('property: resolveRange agrees with a simple model, and partial ranges lie inside the object', () => {
  const n = fc.nat({ max: 2000 });
  fc.assert(
    fc.property(
      fc.oneof(
        fc.tuple(n, fc.option(n, { nil: undefined })).map(([a, b]) => ({ header: `bytes=${a}-${b ?? ''}`, first: a, last: b, suffix: undefined })),
        n.map((s) => ({ header: `bytes=-${s}`, first: undefined, last: undefined, suffix: s })),
      ),
      n,
      ({ header, first, last, suffix }, size) => {
        const r = resolve(header, size);
        const expected = model(first, last, suffix, size);
        if (expected === 'full' || expected === 'unsatisfiable') {
          assert.equal(r.kind, expected);
          return;
        }
        assert.equal(r.kind, 'partial');
        if (r.kind !== 'partial') return;
        assert.deepEqual([r.start, r.end], expected);
        assert.ok(r.start >= 0 && r.end < size && r.length === r.end - r.start + 1 && r.length > 0);
        assert.equal(r.contentRange, `bytes ${r.start}-${r.end}/${size}`);
      },
    ),
  );
});

test('property: any header string parses without throwing', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), fc.nat(), (h, size) => {
      const r = resolve(h, size);
      assert.ok(['full', 'partial', 'unsatisfiable'].includes(r.kind));
    }),
  );
});

test('copy source ranges: strict syntax, then bounds against the source size', () => {
  assert.deepEqual(parseCopySourceRange('bytes=0-0'), { start: 0, end: 0 });
  assert.deepEqual(parseCopySourceRange('bytes=5242880-10485759'), { start: 5242880, end: 10485759 });
  for (const bad of ['bytes=1-0', 'bytes=0-', 'bytes=-1', 'bytes= 0-1', '0-1', 'bytes=0-1,2-3', '']) {
    assert.throws(() => parseCopySourceRange(bad), (e: unknown) => e instanceof S3Error && e.code === 'InvalidArgument', bad);
  }
  checkCopySourceRange({ start: 0, end: 9 }, 10);
  assert.throws(() => checkCopySourceRange({ start: 0, end: 10 }, 10), (e: unknown) => e instanceof S3Error && e.code === 'InvalidRequest');
});
