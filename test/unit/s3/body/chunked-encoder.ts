// Test helper: an aws-chunked encoder written from the AWS documentation (sigv4-streaming,
// sigv4-streaming-trailers), independent of the decoder and of src/s3/auth/signing.ts.
import { createHash, createHmac } from 'node:crypto';

export interface ChunkSigner {
  readonly key: Buffer;
  readonly seed: string;
  readonly scope: string;
  readonly amzDate: string;
}

export interface EncodeOptions {
  readonly chunkSize: number;
  /** Sign chunks (and the trailer) from this seed; unsigned when absent. */
  readonly signer?: ChunkSigner;
  /** Trailer lines after the final chunk, in this order. */
  readonly trailers?: ReadonlyArray<readonly [string, string]>;
  /** Send the trailer section (even when empty). */
  readonly trailer?: boolean;
}

const sha256 = (d: string | Uint8Array): string => createHash('sha256').update(d).digest('hex');
const mac = (key: Buffer, s: string): string => createHmac('sha256', key).update(s).digest('hex');

export function signingKeyFor(secret: string, date: string, region: string, service: string): Buffer {
  let k: Buffer = createHmac('sha256', `AWS4${secret}`).update(date).digest();
  for (const part of [region, service, 'aws4_request']) k = createHmac('sha256', k).update(part).digest();
  return k;
}

/** Encodes `payload`; returns the body and the chunk signatures it carries. */
export function encodeAwsChunked(payload: Buffer, opts: EncodeOptions): { body: Buffer; signatures: string[] } {
  const parts: Buffer[] = [];
  const signatures: string[] = [];
  let prev = opts.signer?.seed ?? '';
  const sizes: number[] = [];
  for (let at = 0; at < payload.length; at += opts.chunkSize) sizes.push(Math.min(opts.chunkSize, payload.length - at));
  sizes.push(0);
  let at = 0;
  for (const size of sizes) {
    const data = payload.subarray(at, at + size);
    at += size;
    let line = size.toString(16);
    if (opts.signer) {
      const s = opts.signer;
      prev = mac(s.key, ['AWS4-HMAC-SHA256-PAYLOAD', s.amzDate, s.scope, prev, sha256(''), sha256(data)].join('\n'));
      signatures.push(prev);
      line += `;chunk-signature=${prev}`;
    }
    parts.push(Buffer.from(`${line}\r\n`));
    if (size > 0) parts.push(data, Buffer.from('\r\n'));
  }
  const trailers = opts.trailers ?? [];
  if (opts.trailer || trailers.length > 0) {
    for (const [name, value] of trailers) parts.push(Buffer.from(`${name}:${value}\r\n`));
    if (opts.signer) {
      const s = opts.signer;
      const canonical = [...trailers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, v]) => `${n}:${v}\n`).join('');
      const sig = mac(s.key, ['AWS4-HMAC-SHA256-TRAILER', s.amzDate, s.scope, prev, sha256(canonical)].join('\n'));
      signatures.push(sig);
      parts.push(Buffer.from(`x-amz-trailer-signature:${sig}\r\n`));
    }
  }
  parts.push(Buffer.from('\r\n'));
  return { body: Buffer.concat(parts), signatures };
}

/** Splits `body` at the given offsets (any order, duplicates and out-of-range ignored). */
export function splitAt(body: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < body.length))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(body.subarray(prev, p));
    prev = p;
  }
  out.push(body.subarray(prev));
  return out;
}
