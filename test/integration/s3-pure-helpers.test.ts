// Property tests of the handlers' pure helpers: slicing a segment list by a byte range
// (UploadPartCopy), paging multipart uploads (ListMultipartUploads), continuation tokens.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeContinuationToken, encodeContinuationToken } from '../../src/s3/handlers/list.js';
import { pageUploads } from '../../src/s3/handlers/multipart-list.js';
import { sliceSegments, type SegmentRef } from '../../src/s3/handlers/segment-slice.js';
import type { ListMultipartUploadsParams } from '../../src/s3/ops.js';
import type { UploadInfo } from '../../src/site/site.js';

/** Segments over made-up blocks: block i holds bytes whose value encodes (block, offset). */
const segmentsArb = fc.array(
  fc.record({ block: fc.integer({ min: 0, max: 5 }), offset: fc.integer({ min: 0, max: 50 }), length: fc.integer({ min: 0, max: 40 }) }),
  { maxLength: 8 },
);

function toSegments(raw: ReadonlyArray<{ block: number; offset: number; length: number }>): SegmentRef[] {
  return raw.map((r) => ({ locator: `block${r.block}+100`, offset: r.offset, length: r.length }));
}

/** The file's bytes as (locator, offset-in-block) pairs. */
function bytesOf(segments: readonly SegmentRef[]): string[] {
  return segments.flatMap((s) => Array.from({ length: s.length }, (_, i) => `${s.locator}@${s.offset + i}`));
}

test('sliceSegments yields exactly the bytes of the range, without empty segments', () => {
  fc.assert(
    fc.property(segmentsArb, fc.nat(), fc.nat(), (raw, a, b) => {
      const segments = toSegments(raw);
      const size = bytesOf(segments).length;
      const start = size === 0 ? 0 : a % (size + 1);
      const end = start + (size === 0 ? 0 : b % (size - start + 1));
      const slice = sliceSegments(segments, start, end);
      assert.deepEqual(bytesOf(slice), bytesOf(segments).slice(start, end));
      assert.ok(slice.every((s) => s.length > 0));
    }),
  );
});

test('sliceSegments of the whole file keeps every non-empty segment as it is', () => {
  fc.assert(
    fc.property(segmentsArb, (raw) => {
      const segments = toSegments(raw);
      assert.deepEqual(sliceSegments(segments, 0, bytesOf(segments).length), segments.filter((s) => s.length > 0));
    }),
  );
});

test('continuation tokens round-trip any key; anything else is refused', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, unit: 'grapheme' }), (key) => {
      assert.equal(decodeContinuationToken(encodeContinuationToken(key)), key);
    }),
  );
  for (const bad of ['', '!!', 'a=', 'YQ==']) assert.throws(() => decodeContinuationToken(bad), { code: 'InvalidArgument' });
});

const uploadArb = fc.record({
  key: fc.constantFrom('a', 'a/b', 'a/c', 'b', 'b/x/y', 'c'),
  uploadId: fc.uuid(),
  initiated: fc.integer({ min: 0, max: 5 }).map((s) => new Date(s * 1000)),
});

function params(p: Partial<ListMultipartUploadsParams>): ListMultipartUploadsParams {
  return { prefix: '', keyMarker: '', uploadIdMarker: '', maxUploads: 1000, ...p };
}

test('paging uploads with the returned markers visits every upload (or prefix) exactly once', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(uploadArb, { selector: (u) => u.uploadId, maxLength: 12 }),
      fc.integer({ min: 1, max: 4 }),
      fc.constantFrom(undefined, '/'),
      fc.constantFrom('', 'a', 'b/'),
      (raw, maxUploads, delimiter, prefix) => {
        const uploads: UploadInfo[] = raw.map((u) => ({ ...u, bucket: 'bk', collection: 'c', path: u.key, attrs: {} }));
        const one = pageUploads(uploads, params({ prefix, maxUploads: 1000, ...(delimiter && { delimiter }) }));
        const expected = [...one.uploads.map((u) => u.uploadId), ...one.commonPrefixes];
        const seen: string[] = [];
        let keyMarker = '';
        let uploadIdMarker = '';
        for (let pages = 0; ; pages++) {
          assert.ok(pages <= uploads.length + 1, 'paging ends');
          const page = pageUploads(uploads, params({ prefix, maxUploads, keyMarker, uploadIdMarker, ...(delimiter && { delimiter }) }));
          assert.ok(page.uploads.length + page.commonPrefixes.length <= maxUploads);
          seen.push(...page.uploads.map((u) => u.uploadId), ...page.commonPrefixes);
          if (!page.isTruncated) break;
          keyMarker = page.nextKeyMarker ?? '';
          uploadIdMarker = page.nextUploadIdMarker ?? '';
        }
        assert.deepEqual([...seen].sort(), [...expected].sort());
        assert.equal(new Set(seen).size, seen.length);
      },
    ),
  );
});
