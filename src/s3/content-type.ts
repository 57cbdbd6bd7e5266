// Content-Type of an object that has none recorded: by extension, else a byte stream;
// `dir/` placeholders are application/x-directory (Arvados' S3FolderObjects convention).

import mime from 'mime-types';

export const DIRECTORY_CONTENT_TYPE = 'application/x-directory';
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function contentTypeForKey(key: string): string {
  if (key.endsWith('/')) return DIRECTORY_CONTENT_TYPE;
  const base = key.slice(key.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  // mime-types reads a bare word as an extension ("json"), and ".bashrc" has none.
  if (dot <= 0) return DEFAULT_CONTENT_TYPE;
  return mime.lookup(base.slice(dot + 1)) || DEFAULT_CONTENT_TYPE;
}

/** True when a request's Content-Type is application/x-directory (parameters allowed, as keep-web). */
export function isDirectoryContentType(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === DIRECTORY_CONTENT_TYPE;
}
