// Which bucket and key a request addresses.
//
// - Path style always: /<bucket>/<key>.
// - Virtual-host style only when a base domain is configured and Host is
//   `<bucket>.<base domain>` (any port, case-insensitive): then the whole path is the key.
//   A host label `<md5>-<size>` stands for the PDH `<md5>+<size>`, since `+` cannot appear in
//   a host name (keep-web does the same). keep-web's other forms (any host whose first label
//   is a UUID, `<uuid>--<domain>`) are not recognised: a Host names a bucket only under the
//   configured domain (CLIENTS.md R4.2).
// - The key is the percent-decoded path after the bucket (`+` stays a plus). It must be a
//   path the collection filesystem can hold: no empty components (so no leading `/`, no
//   `a//b`), no `.` or `..` components, no NUL, at most 1024 UTF-8 bytes. A trailing `/` is
//   allowed: `dir/` is a directory placeholder. keep-web collapsed `//` into `/`; keepgate
//   refuses such keys instead, because two different S3 keys (`a//b`, `a/b`) would
//   otherwise name one file and a listing could never return the key that was written.

import { S3Error } from './errors.js';
import type { AddressingStyle } from './ops.js';

export interface RouteTarget {
  readonly style: AddressingStyle;
  /** Undefined for service-level requests (GET / is ListBuckets). */
  readonly bucket?: string;
  /** Undefined or absent for bucket-level requests. */
  readonly key?: string;
}

export const MAX_KEY_BYTES = 1024;

// Arvados names are at most 255 characters.
const MAX_BUCKET_CHARS = 255;

const PDH_LABEL = /^([0-9a-f]{32})-(\d+)$/;

/** The bucket a Host header names under `baseDomain`, or undefined for path style. */
export function bucketFromHost(host: string | undefined, baseDomain: string | undefined): string | undefined {
  if (!host || !baseDomain) return undefined;
  const hostname = host.replace(/:\d*$/, '');
  const suffix = `.${baseDomain.replace(/^\.+|\.+$/g, '')}`;
  if (hostname.length <= suffix.length || !hostname.toLowerCase().endsWith(suffix.toLowerCase())) return undefined;
  const label = hostname.slice(0, -suffix.length);
  const pdh = PDH_LABEL.exec(label);
  return pdh ? `${pdh[1]}+${pdh[2]}` : label;
}

export function resolveTarget(host: string | undefined, rawPath: string, baseDomain: string | undefined): RouteTarget {
  if (!rawPath.startsWith('/')) throw new S3Error('InvalidURI', undefined, { extra: { URI: rawPath } });
  const vhostBucket = bucketFromHost(host, baseDomain);
  if (vhostBucket !== undefined) {
    validateBucketName(vhostBucket);
    return withKey('virtual-host', vhostBucket, rawPath.slice(1));
  }
  const rest = rawPath.slice(1);
  const slash = rest.indexOf('/');
  const rawBucket = slash < 0 ? rest : rest.slice(0, slash);
  const rawKey = slash < 0 ? '' : rest.slice(slash + 1);
  if (rawBucket === '' && rawKey === '') return { style: 'path' };
  const bucket = decodePath(rawBucket);
  validateBucketName(bucket);
  return withKey('path', bucket, rawKey);
}

function withKey(style: AddressingStyle, bucket: string, rawKey: string): RouteTarget {
  if (rawKey === '') return { style, bucket };
  const key = decodePath(rawKey);
  validateKey(key);
  return { style, bucket, key };
}

/** Percent-decoding of a path (UTF-8; `+` is a literal plus). Malformed => InvalidURI. */
export function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new S3Error('InvalidURI');
  }
}

/** Throws the S3 error a client should see for a key keepgate cannot store. */
export function validateKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new S3Error('KeyTooLongError', undefined, { extra: { MaxSizeAllowed: String(MAX_KEY_BYTES) } });
  }
  if (key === '') throw invalidKey('must not be empty');
  if (key.includes('\0')) throw invalidKey('must not contain NUL');
  const parts = key.split('/');
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (part === '' && !(last && i > 0)) throw invalidKey('must not contain empty path components (a leading "/" or "//")');
    if (part === '.' || part === '..') throw invalidKey('must not contain "." or ".." path components');
  });
}

function invalidKey(why: string): S3Error {
  return new S3Error('InvalidArgument', `Object key ${why}.`, { extra: { ArgumentName: 'key' } });
}

/**
 * Bucket names here are Arvados identifiers or names (collection and project names may hold
 * spaces, `+`, unicode...), so only what can never name anything is refused.
 */
export function validateBucketName(name: string): void {
  const bad =
    name === '' ||
    name === '.' ||
    name === '..' ||
    name.includes('/') ||
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    /[\x00-\x1f\x7f]/.test(name) ||
    [...name].length > MAX_BUCKET_CHARS;
  if (bad) throw new S3Error('InvalidBucketName', undefined, { extra: { BucketName: name } });
}
