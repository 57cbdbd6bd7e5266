// UploadPartCopy with x-amz-copy-source-range: the part is the byte range of the source
// file, expressed as the slice of its segment list that covers it (no bytes are copied).

export interface SegmentRef {
  readonly locator: string;
  readonly offset: number;
  readonly length: number;
}

/** The segments holding bytes [start, end) of the file made of `segments`. */
export function sliceSegments(segments: readonly SegmentRef[], start: number, end: number): SegmentRef[] {
  const out: SegmentRef[] = [];
  let pos = 0;
  for (const s of segments) {
    const from = Math.max(start, pos);
    const to = Math.min(end, pos + s.length);
    if (to > from) out.push({ locator: s.locator, offset: s.offset + (from - pos), length: to - from });
    pos += s.length;
    if (pos >= end) break;
  }
  return out;
}
