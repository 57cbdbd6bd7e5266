// Path munging as the Go collection FS does it (TestPathMunge): '/'-separated, empty and '.'
// components skipped, '..' goes up and stops at the root. What the caller wrote last is kept
// because some operations refuse a path that ends in '.' or '..' or '/'.
export interface ParsedPath {
  /** Components from the root after munging (empty = the root). */
  readonly parts: readonly string[];
  /** The last non-empty component as written ('.' and '..' included), if any. */
  readonly last: string | undefined;
  /** The path ends with '/' (or is empty): "the directory", or for rename "into it". */
  readonly dirForm: boolean;
}

export function parsePath(path: string): ParsedPath {
  const parts: string[] = [];
  let last: string | undefined;
  for (const c of path.split('/')) {
    if (c === '') continue;
    last = c;
    if (c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return { parts, last, dirForm: path === '' || path.endsWith('/') };
}

/** True when the path names '.' or '..' (not a usable name for remove/rename). */
export function endsInDots(p: ParsedPath): boolean {
  return p.last === '.' || p.last === '..';
}

export function joinPath(parts: readonly string[]): string {
  return parts.join('/');
}
