// SigV4 key derivation and the HMAC primitives shared by request, chunk and trailer
// signatures. Derived keys are cached because deriving one costs four HMACs, more than the
// signature itself; the cache is bounded so that random scopes cannot grow it.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function sha256Hex(data: string | Uint8Array): string {
  return hash('sha256', data, 'hex');
}

/** Constant-time comparison of two signatures (any equal-length difference takes as long). */
export function signaturesEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface Scope {
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

export function scopeString(s: Scope): string {
  return `${s.date}/${s.region}/${s.service}/aws4_request`;
}

export function deriveSigningKey(secret: string, s: Scope): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, s.date), s.region), s.service), 'aws4_request');
}

/** A bounded map of derived signing keys, keyed by secret and scope. One per process. */
export class SigningKeyCache {
  private readonly keys = new Map<string, Buffer>();
  private readonly maxEntries: number;

  constructor(opts: { readonly maxEntries?: number } = {}) {
    this.maxEntries = opts.maxEntries ?? 4096;
  }

  get(secret: string, s: Scope): Buffer {
    const id = `${s.date}\n${s.region}\n${s.service}\n${secret}`;
    const hit = this.keys.get(id);
    if (hit) return hit;
    const key = deriveSigningKey(secret, s);
    // Oldest first in a Map: dropping the first entry makes this a FIFO, enough for keys
    // that are all valid for a day.
    if (this.keys.size >= this.maxEntries) this.keys.delete(this.keys.keys().next().value!);
    this.keys.set(id, key);
    return key;
  }

  get size(): number {
    return this.keys.size;
  }
}

/** Signature of one aws-chunked chunk, given the SHA-256 (hex) of its data. */
export function chunkSignature(
  ctx: { readonly signingKey: Buffer; readonly amzDate: string; readonly scope: string },
  previousSignature: string,
  chunkSha256Hex: string,
): string {
  const toSign = `AWS4-HMAC-SHA256-PAYLOAD\n${ctx.amzDate}\n${ctx.scope}\n${previousSignature}\n${EMPTY_SHA256}\n${chunkSha256Hex}`;
  return hmac(ctx.signingKey, toSign).toString('hex');
}

/**
 * Signature of the trailer of a signed aws-chunked body: over `name:value\n` for each trailer
 * (sorted by name), chained from the final chunk's signature. The AWS SDKs (Java, .NET) sign
 * it under the algorithm name AWS4-HMAC-SHA256-TRAILER.
 */
export function trailerSignature(
  ctx: { readonly signingKey: Buffer; readonly amzDate: string; readonly scope: string },
  previousSignature: string,
  trailers: ReadonlyMap<string, string>,
): string {
  const names = [...trailers.keys()].sort();
  const canonical = names.map((n) => `${n}:${trailers.get(n)!}\n`).join('');
  const toSign = `AWS4-HMAC-SHA256-TRAILER\n${ctx.amzDate}\n${ctx.scope}\n${previousSignature}\n${sha256Hex(canonical)}`;
  return hmac(ctx.signingKey, toSign).toString('hex');
}
