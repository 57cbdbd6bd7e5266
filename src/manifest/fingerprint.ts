// A short, stable key for "which bytes of which blocks make up this file", used to check
// that a per-file attribute entry still describes the file. Signatures and other hints are
// ignored, and contiguous ranges of one block are merged and empty ranges dropped, so the
// same content written by another client (or re-signed, or re-marshalled, which merges
// segments) keeps its fingerprint while any change to the content addressing changes it.
import { createHash } from 'node:crypto';
import { locatorSize } from '../keep/locator.js';
import type { Segment } from './types.js';

/** `hash+size` of a locator, without any other hint. */
function blockAddress(locator: string): string {
  const plus = locator.indexOf('+');
  const hash = plus === -1 ? locator : locator.slice(0, plus);
  const size = locatorSize(locator);
  return size === undefined ? hash : `${hash}+${size}`;
}

export function segmentsFingerprint(segments: readonly Segment[]): string {
  const ranges: string[] = [];
  let block = '';
  let start = 0;
  let length = 0;
  for (const seg of segments) {
    if (seg.length === 0) continue;
    const address = blockAddress(seg.locator);
    if (length > 0 && address === block && start + length === seg.offset) {
      length += seg.length;
      continue;
    }
    if (length > 0) ranges.push(`${block} ${start} ${length}`);
    block = address;
    start = seg.offset;
    length = seg.length;
  }
  if (length > 0) ranges.push(`${block} ${start} ${length}`);
  return createHash('md5').update(ranges.join('\n'), 'utf8').digest('hex');
}
