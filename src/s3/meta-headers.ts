// User metadata <-> x-amz-meta-* headers.
//
// Out (GetObject, HeadObject, HeadBucket): the containing collection's or project's
// properties as keep-web sends them (ARVADOS.md f.6, fixtures s3-metadata.json), merged with
// the file's own user metadata, which wins a name clash. Departures, all for Node or clients:
// names are lower case (ARVADOS.md §i); DEL (0x7F) is RFC 2047-encoded because Node refuses it
// raw; properties named like the per-file metadata clients write (rclone's mtime/btime/
// md5chksum, s3cmd's s3cmd-attrs) are not sent, or clients would read a collection-wide
// value as the file's own (CLIENTS.md §2); and the count and size of the headers are capped
// (Python's http.client fails on responses with more than 100 headers), the number left out
// going in x-amz-missing-meta as S3 does.
//
// In (PutObject, CopyObject with REPLACE, CreateMultipartUpload): x-amz-meta-* request
// headers -> a map with lower-case keys and decoded values, at most 2 KB as in S3.

import { S3Error } from './errors.js';
import { fromWireLatin1, goJson, rfc2047Decode, rfc2047Encode } from './meta-encoding.js';
import { headerEntries, type HeaderMap } from './route-headers.js';
import { compareUtf8 } from '../common/utf8-order.js';

/** Lower-case key (without the x-amz-meta- prefix) -> decoded value. */
export type UserMetadata = Readonly<Record<string, string>>;

export const META_PREFIX = 'x-amz-meta-';

/** S3's limit: the UTF-8 bytes of all keys and values together. */
export const MAX_USER_METADATA_BYTES = 2048;

/** Property names that clients read as per-file metadata; never sent from properties. */
export const CLIENT_RESERVED_META_KEYS: ReadonlySet<string> = new Set(['mtime', 'btime', 'md5chksum', 's3cmd-attrs']);

export interface MetaHeaderLimits {
  /** At most this many x-amz-meta-* headers. */
  readonly maxHeaders: number;
  /** At most this many bytes of names and values together. */
  readonly maxBytes: number;
}

export const DEFAULT_META_HEADER_LIMITS: MetaHeaderLimits = { maxHeaders: 64, maxBytes: 8192 };

export interface MetaHeaderSources {
  /** Properties of the collection or project the object (or bucket) belongs to. */
  readonly properties?: Readonly<Record<string, unknown>>;
  /** The file's own user metadata (its sidecar entry). */
  readonly userMetadata?: UserMetadata;
}

// RFC 9110 token characters: what a header name may be made of.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Response headers (lower-case names) to set; every name and value is valid for Node's setHeader. */
export function metaResponseHeaders(
  sources: MetaHeaderSources,
  limits: MetaHeaderLimits = DEFAULT_META_HEADER_LIMITS,
): Record<string, string> {
  const candidates: Array<[name: string, value: string]> = [];
  for (const [key, value] of sortedEntries(sources.userMetadata)) candidates.push([key, String(value)]);
  for (const [key, value] of sortedEntries(sources.properties)) {
    if (CLIENT_RESERVED_META_KEYS.has(key.toLowerCase())) continue;
    candidates.push([key, typeof value === 'string' ? value : goJson(value)]);
  }
  const out: Record<string, string> = {};
  let count = 0;
  let bytes = 0;
  let missing = 0;
  for (const [key, raw] of candidates) {
    if (!TOKEN.test(key)) continue;
    const name = META_PREFIX + key.toLowerCase();
    // First come, first served: the file's own metadata, then properties in key order.
    if (Object.hasOwn(out, name)) continue;
    const value = rfc2047Encode(raw);
    const size = name.length + value.length;
    if (count >= limits.maxHeaders || bytes + size > limits.maxBytes) {
      missing++;
      continue;
    }
    out[name] = value;
    count++;
    bytes += size;
  }
  if (missing > 0) out['x-amz-missing-meta'] = String(missing);
  return out;
}

function sortedEntries(map: Readonly<Record<string, unknown>> | undefined): Array<[string, unknown]> {
  return Object.entries(map ?? {}).sort(([a], [b]) => compareUtf8(a, b));
}

/** x-amz-meta-* request headers -> user metadata; throws MetadataTooLarge above 2 KB. */
export function metadataFromRequestHeaders(headers: HeaderMap): UserMetadata {
  const out: Record<string, string> = {};
  let size = 0;
  for (const [name, raw] of headerEntries(headers)) {
    if (!name.startsWith(META_PREFIX) || name.length === META_PREFIX.length) continue;
    const key = name.slice(META_PREFIX.length);
    const value = rfc2047Decode(fromWireLatin1(raw));
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
    // defineProperty: a key such as __proto__ must become data, not reach the prototype.
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (size > MAX_USER_METADATA_BYTES) {
    throw new S3Error('MetadataTooLarge', undefined, {
      extra: { Size: String(size), MaxSizeAllowed: String(MAX_USER_METADATA_BYTES) },
    });
  }
  return out;
}
