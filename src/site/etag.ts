// ETags as DESIGN.md defines them: the sidecar's value when it is valid for the file's
// current content; otherwise derived so that only a true content MD5 looks like 32 hex
// digits (rclone and s3cmd treat such an ETag as the MD5 of the bytes).

import { createHash } from 'node:crypto';
import type { Segment } from '../manifest/types.js';

/** The MD5 of no bytes: the ETag of every empty object and directory. */
export const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

function blockSize(locator: string): number {
  const plus = locator.indexOf('+');
  const end = locator.indexOf('+', plus + 1);
  return Number(locator.slice(plus + 1, end < 0 ? undefined : end));
}

export function derivedEtag(segments: readonly Segment[], fingerprint: string): string {
  if (segments.length === 0) return EMPTY_MD5;
  const only = segments[0]!;
  if (segments.length === 1 && only.offset === 0 && only.length === blockSize(only.locator)) {
    return only.locator.slice(0, 32); // the file is exactly one block: its MD5 is the content MD5
  }
  const digest = createHash('md5').update(fingerprint).digest('hex');
  return `${digest}-${segments.length}`;
}

/** S3's multipart ETag: MD5 of the concatenated binary part MD5s, then `-<parts>`. */
export function multipartEtag(partEtags: readonly string[]): string {
  const h = createHash('md5');
  for (const e of partEtags) h.update(/^[0-9a-f]{32}$/.test(e) ? Buffer.from(e, 'hex') : Buffer.from(e));
  return `${h.digest('hex')}-${partEtags.length}`;
}

export const DIRECTORY_ETAG = EMPTY_MD5;
