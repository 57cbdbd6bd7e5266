// Range requests. The router parses the header's syntax (no size needed); the handler
// resolves it against the object size.
//
// Rules (RFC 9110 §14 as S3 applies them):
// - one range `bytes=a-b`, `bytes=a-` or `bytes=-n`; the unit is case-insensitive;
// - a syntactically invalid header, another unit, or `a > b` is ignored: 200 with the whole object;
// - several ranges (`bytes=0-1,5-6`) are ignored too: S3 serves no multipart/byteranges and
//   answers 200 with the whole object;
// - unsatisfiable (first byte at or past the end, a zero suffix, any range of an empty
//   object) -> 416 InvalidRange with `Content-Range: bytes */<size>`;
// - an end past the last byte is clamped to it.

import { S3Error } from './errors.js';

export type RangeSpec =
  | { readonly kind: 'from'; readonly first: number; readonly last?: number }
  | { readonly kind: 'suffix'; readonly length: number };

export type RangeResolution =
  | { readonly kind: 'full' }
  | {
      readonly kind: 'partial';
      readonly start: number;
      /** Inclusive. */
      readonly end: number;
      readonly length: number;
      /** `bytes <start>-<end>/<size>` */
      readonly contentRange: string;
    }
  | {
      readonly kind: 'unsatisfiable';
      // `bytes */<size>`, to send with the 416.
      readonly contentRange: string;
      readonly error: S3Error;
    };

const SINGLE = /^\s*bytes\s*=\s*(?:(\d+)\s*-\s*(\d*)|-\s*(\d+))\s*$/i;

/** Parses a Range header; undefined means "serve the whole object". */
export function parseRangeHeader(value: string | undefined): RangeSpec | undefined {
  if (value === undefined) return undefined;
  const m = SINGLE.exec(value);
  if (!m) return undefined;
  const [, first, last, suffix] = m;
  if (suffix !== undefined) return { kind: 'suffix', length: Number(suffix) };
  const a = Number(first);
  if (last === undefined || last === '') return { kind: 'from', first: a };
  const b = Number(last);
  // RFC 9110 §14.1.1: last < first makes the range-spec invalid, so the header is ignored.
  if (b < a) return undefined;
  return { kind: 'from', first: a, last: b };
}

/** Resolves a parsed range against an object of `size` bytes. */
export function resolveRange(spec: RangeSpec | undefined, size: number, requested?: string): RangeResolution {
  if (spec === undefined) return { kind: 'full' };
  let start: number;
  let end: number;
  if (spec.kind === 'suffix') {
    start = Math.max(0, size - spec.length);
    end = size - 1;
    if (spec.length === 0) return unsatisfiable(size, requested);
  } else {
    start = spec.first;
    end = Math.min(spec.last ?? size - 1, size - 1);
  }
  if (size === 0 || start >= size) return unsatisfiable(size, requested);
  return { kind: 'partial', start, end, length: end - start + 1, contentRange: `bytes ${start}-${end}/${size}` };
}

function unsatisfiable(size: number, requested: string | undefined): RangeResolution {
  const extra: Record<string, string> = { ActualObjectSize: String(size) };
  if (requested !== undefined) extra['RangeRequested'] = requested;
  return { kind: 'unsatisfiable', contentRange: `bytes */${size}`, error: new S3Error('InvalidRange', undefined, { extra }) };
}

/** UploadPartCopy's x-amz-copy-source-range: strictly `bytes=first-last` (S3 refuses anything else). */
export function parseCopySourceRange(value: string): { readonly start: number; readonly end: number } {
  const m = /^bytes=(\d+)-(\d+)$/.exec(value);
  const start = Number(m?.[1]);
  const end = Number(m?.[2]);
  if (!m || end < start || !Number.isSafeInteger(end)) {
    throw new S3Error(
      'InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      { extra: { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: value } },
    );
  }
  return { start, end };
}

/** A copy range must lie inside the source object. */
export function checkCopySourceRange(range: { readonly start: number; readonly end: number }, size: number): void {
  if (range.end >= size) {
    throw new S3Error('InvalidRequest', 'The specified copy range is invalid for the source object size');
  }
}
