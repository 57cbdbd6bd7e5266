// What the protocol layer needs to answer HEAD/GET for one key.

import type { FileAttrs, Properties } from '../arvados-api/types.js';
import type { ObjectEntry } from './collection-index.js';

export interface ObjectInfo {
  readonly key: string;
  readonly isDir: boolean;
  readonly size: number;
  readonly etag: string; // without quotes
  readonly lastModified: Date;
  /** From the sidecar; the protocol layer falls back to the extension. */
  readonly contentType: string | undefined;
  readonly headers: Readonly<Partial<Record<'content-encoding' | 'content-disposition' | 'content-language' | 'cache-control' | 'expires', string>>>;
  /** The file's own x-amz-meta-* (lower-case keys without the prefix). */
  readonly userMeta: Readonly<Record<string, string>>;
  /** Properties of the containing collection (or project): returned as metadata too. */
  readonly properties: Properties;
}

export function headersFromAttrs(attrs: FileAttrs | undefined): ObjectInfo['headers'] {
  if (!attrs) return {};
  const out: Record<string, string> = {};
  if (attrs.content_encoding) out['content-encoding'] = attrs.content_encoding;
  if (attrs.content_disposition) out['content-disposition'] = attrs.content_disposition;
  if (attrs.content_language) out['content-language'] = attrs.content_language;
  if (attrs.cache_control) out['cache-control'] = attrs.cache_control;
  if (attrs.expires) out['expires'] = attrs.expires;
  return out;
}

export function objectInfo(entry: ObjectEntry, properties: Properties, key = entry.key): ObjectInfo {
  return {
    key,
    isDir: entry.isDir,
    size: entry.size,
    etag: entry.etag,
    lastModified: entry.lastModified,
    contentType: entry.isDir ? 'application/x-directory' : entry.attrs?.content_type,
    headers: headersFromAttrs(entry.attrs),
    userMeta: entry.attrs?.meta ?? {},
    properties,
  };
}

/** Attributes a write stores for a file: what S3 returns on later HEAD/GET. */
export interface WriteAttrs {
  readonly contentType?: string;
  readonly headers?: ObjectInfo['headers'];
  readonly userMeta?: Readonly<Record<string, string>>;
}

export function toFileAttrs(w: WriteAttrs, fingerprint: string, etag: string, mtime: Date): FileAttrs {
  const h = w.headers ?? {};
  return {
    fingerprint,
    mtime: mtime.toISOString(),
    etag,
    ...(w.contentType ? { content_type: w.contentType } : {}),
    ...(h['content-encoding'] ? { content_encoding: h['content-encoding'] } : {}),
    ...(h['content-disposition'] ? { content_disposition: h['content-disposition'] } : {}),
    ...(h['content-language'] ? { content_language: h['content-language'] } : {}),
    ...(h['cache-control'] ? { cache_control: h['cache-control'] } : {}),
    ...(h['expires'] ? { expires: h['expires'] } : {}),
    ...(w.userMeta && Object.keys(w.userMeta).length ? { meta: { ...w.userMeta } } : {}),
  };
}
