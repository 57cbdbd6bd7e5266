// Parsed SigV4 Authorization headers, by everything before the signature: a client sends the
// same Credential and SignedHeaders with request after request, and parsing them costs more
// than the lookup. Bounded like the signing keys, so that varied headers cannot grow it.
import { parseAuthorizationV4, type V4Authorization } from './sigv4.js';

const SIGNATURE = 'Signature=';

export class AuthorizationCache {
  private readonly parsed = new Map<string, Omit<V4Authorization, 'signature'>>();
  private readonly maxEntries: number;

  constructor(opts: { readonly maxEntries?: number } = {}) {
    this.maxEntries = opts.maxEntries ?? 1024;
  }

  /** What parseAuthorizationV4(header) returns (or throws). */
  parse(header: string): V4Authorization {
    // Only a header whose last field is its Signature is reused: then the part before it
    // parses the same whatever signature follows (with no ',' in it).
    const at = header.lastIndexOf(SIGNATURE);
    const before = header[at - 1];
    if (at <= 0 || (before !== ' ' && before !== ',') || header.includes(',', at)) return parseAuthorizationV4(header);
    const prefix = header.slice(0, at);
    const signature = header.slice(at + SIGNATURE.length).trimEnd().toLowerCase();
    const hit = this.parsed.get(prefix);
    if (hit) return { accessKey: hit.accessKey, scope: hit.scope, signedHeaders: hit.signedHeaders, signature };
    const auth = parseAuthorizationV4(header);
    // A 'Signature=' inside another field's value is not the field: such headers are not kept.
    if (auth.signature !== signature) return auth;
    if (this.parsed.size >= this.maxEntries) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(prefix, { accessKey: auth.accessKey, scope: auth.scope, signedHeaders: auth.signedHeaders });
    return auth;
  }

  get size(): number {
    return this.parsed.size;
  }
}
