// S3 orders keys by their UTF-8 bytes, which is code point order. JavaScript compares
// UTF-16 code units, which disagrees only between surrogate pairs (U+10000 and up) and BMP
// characters at U+E000 and up; remapping those two ranges restores code point order
// without encoding anything.

function unitRank(u: number): number {
  if (u < 0xd800) return u;
  return u >= 0xe000 ? u - 0x800 : u + 0x2000;
}

export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return unitRank(x) - unitRank(y);
  }
  return a.length - b.length;
}

/** Index of the first element of sorted `arr` for which `before(elem)` is false. */
export function partitionPoint<T>(arr: readonly T[], before: (elem: T) => boolean): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(arr[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
