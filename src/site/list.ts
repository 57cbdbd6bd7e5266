// One page of an S3 listing over keys sorted in UTF-8 byte order. The start is found by
// binary search and a rolled-up common prefix is skipped by binary search too, so a page
// costs the page, not a rescan from the beginning.

import { compareUtf8, partitionPoint } from '../common/utf8-order.js';

export interface ListParams {
  readonly prefix: string;
  readonly delimiter: string; // '' = none
  /** Return only entries after this one (max of marker / start-after / continuation token). */
  readonly startAfter: string;
  readonly maxKeys: number; // 0..1000
}

export interface ListPage {
  readonly keys: string[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  /** The last key or common prefix returned (where the next page starts) when truncated. */
  readonly next: string | undefined;
}

export function listPage(sorted: readonly string[], params: ListParams): ListPage {
  const { prefix, delimiter, startAfter, maxKeys } = params;
  const keys: string[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  let i = partitionPoint(sorted, (k) => compareUtf8(k, prefix) < 0 || compareUtf8(k, startAfter) <= 0);
  while (i < sorted.length) {
    const key = sorted[i]!;
    if (!key.startsWith(prefix)) break;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const cp = key.slice(0, cut + delimiter.length);
      const end = partitionPoint(sorted, (k) => compareUtf8(k, cp) < 0 || k.startsWith(cp));
      // A prefix at or before the start point was returned already, unless the start point is inside it.
      const fresh = compareUtf8(cp, startAfter) > 0 || (startAfter.startsWith(cp) && cp !== startAfter);
      if (fresh) {
        if (keys.length + commonPrefixes.length >= maxKeys) return { keys, commonPrefixes, isTruncated: true, next: last };
        commonPrefixes.push(cp);
        last = cp;
      }
      i = Math.max(end, i + 1);
      continue;
    }
    if (keys.length + commonPrefixes.length >= maxKeys) return { keys, commonPrefixes, isTruncated: true, next: last };
    keys.push(key);
    last = key;
    i++;
  }
  return { keys, commonPrefixes, isTruncated: false, next: undefined };
}
