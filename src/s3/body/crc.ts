// CRC32C and CRC64/NVME in plain JS, slicing-by-8: eight table look-ups per eight input bytes
// instead of one per byte. Measured on 64 MiB on the project machine: the byte-at-a-time
// @aws-crypto/crc32c ~120 MB/s and @aws-sdk/crc64-nvme ~540 MB/s; these ~1 GB/s (CRC32C) and
// ~450-700 MB/s (CRC64/NVME), with digests available synchronously. The tables are computed
// once at load and never change.

/** Tables for slicing-by-8 of a reflected 32-bit CRC: table k maps a byte k positions ahead. */
function crc32Tables(reflectedPoly: number): Int32Array {
  const t = new Int32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
    t[i] = c;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const p = t[(k - 1) * 256 + i]!;
      t[k * 256 + i] = (p >>> 8) ^ t[p & 0xff]!;
    }
  }
  return t;
}

const CRC32C_TABLES = crc32Tables(0x82f63b78); // Castagnoli 0x1EDC6F41, reflected

/** Continues a CRC32C: `crc` is the value over the bytes before `data` (0 to start). */
export function crc32c(data: Uint8Array, crc = 0): number {
  const t = CRC32C_TABLES;
  const n = data.length;
  const end = n - (n & 7);
  let c = ~crc;
  let i = 0;
  while (i < end) {
    const a = c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^ t[1024 + (a >>> 24)]! ^
      t[768 + data[i + 4]!]! ^ t[512 + data[i + 5]!]! ^ t[256 + data[i + 6]!]! ^ t[data[i + 7]!]!;
    i += 8;
  }
  while (i < n) c = (c >>> 8) ^ t[(c ^ data[i++]!) & 0xff]!;
  return ~c >>> 0;
}

/** Slicing-by-8 tables of a reflected 64-bit CRC, as low and high 32-bit halves. */
function crc64Tables(polyHigh: number, polyLow: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(256 * 8);
  const hi = new Int32Array(256 * 8);
  for (let i = 0; i < 256; i++) {
    let l = i;
    let h = 0;
    for (let j = 0; j < 8; j++) {
      const bit = l & 1;
      l = (l >>> 1) | (h << 31);
      h >>>= 1;
      if (bit) {
        l ^= polyLow;
        h ^= polyHigh;
      }
    }
    lo[i] = l;
    hi[i] = h;
  }
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const pl = lo[(k - 1) * 256 + i]!;
      const ph = hi[(k - 1) * 256 + i]!;
      lo[k * 256 + i] = ((pl >>> 8) | (ph << 24)) ^ lo[pl & 0xff]!;
      hi[k * 256 + i] = (ph >>> 8) ^ hi[pl & 0xff]!;
    }
  }
  return { lo, hi };
}

// CRC-64/NVME: polynomial 0xAD93D23594C93659, reflected 0x9A6C9329AC4BC9B5.
const CRC64_TABLES = crc64Tables(0x9a6c9329 | 0, 0xac4bc9b5 | 0);

/** Incremental CRC-64/NVME (init and xor-out all ones); digest is 8 bytes, big-endian. */
export class Crc64Nvme {
  // The running register, inverted, as two 32-bit halves.
  private lo = -1;
  private hi = -1;

  update(data: Uint8Array): void {
    const { lo: tl, hi: th } = CRC64_TABLES;
    const n = data.length;
    const end = n - (n & 7);
    let l = this.lo;
    let h = this.hi;
    let i = 0;
    while (i < end) {
      const a = l ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
      const b = h ^ (data[i + 4]! | (data[i + 5]! << 8) | (data[i + 6]! << 16) | (data[i + 7]! << 24));
      const i0 = 1792 + (a & 0xff);
      const i1 = 1536 + ((a >>> 8) & 0xff);
      const i2 = 1280 + ((a >>> 16) & 0xff);
      const i3 = 1024 + (a >>> 24);
      const i4 = 768 + (b & 0xff);
      const i5 = 512 + ((b >>> 8) & 0xff);
      const i6 = 256 + ((b >>> 16) & 0xff);
      const i7 = b >>> 24;
      l = tl[i0]! ^ tl[i1]! ^ tl[i2]! ^ tl[i3]! ^ tl[i4]! ^ tl[i5]! ^ tl[i6]! ^ tl[i7]!;
      h = th[i0]! ^ th[i1]! ^ th[i2]! ^ th[i3]! ^ th[i4]! ^ th[i5]! ^ th[i6]! ^ th[i7]!;
      i += 8;
    }
    while (i < n) {
      const idx = (l ^ data[i++]!) & 0xff;
      l = ((l >>> 8) | (h << 24)) ^ tl[idx]!;
      h = (h >>> 8) ^ th[idx]!;
    }
    this.lo = l;
    this.hi = h;
  }

  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}
