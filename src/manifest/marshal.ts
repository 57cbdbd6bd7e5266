// ManifestTree -> manifest text exactly as the Go SDK writes it (ARVADOS.md a.5), because
// the PDH depends on every byte: depth-first pre-order, a directory's own line before its
// subdirectories, files and subdirectories in UTF-8 byte order, a block reused only when it
// equals the last one on the line, contiguous ranges of a file merged into one token.
//
// Speed: files are grouped by directory without copying names (within one directory,
// comparing full paths orders by name), input that is already sorted (anything parsed from
// a Go-written manifest) is detected in one pass, and each line is joined once.
import { conflict, invalidArgument } from '../common/errors.js';
import { compareUtf8 } from '../common/utf8-order.js';
import { EMPTY_BLOCK_LOCATOR } from '../keep/block-store.js';
import { escapeName } from './escape.js';
import { goLocatorSize } from './go-fields.js';
import type { FileEntry, ManifestTree } from './types.js';

class DirToWrite {
  readonly files: FileEntry[] = [];
  /** Where each file's name starts in its path. */
  readonly nameStarts: number[] = [];
  readonly subdirs = new Map<string, DirToWrite>();
}

const EMPTY_DIR_MARKER = ` ${EMPTY_BLOCK_LOCATOR} 0:0:\\056\n`;
const DOT = 0x2e;

export function marshalManifest(tree: ManifestTree): string {
  const out: string[] = [];
  writeDir(groupByDirectory(tree), '.', out);
  return out.join('');
}

const invalidPath = (path: string): Error => invalidArgument(`invalid path ${JSON.stringify(path)} in manifest tree`);

/** Refuses '', '.' and '..' as the last component of `path`, and a leading '/'. */
function checkLastComponent(path: string, slash: number): void {
  const n = path.length - slash - 1;
  const c = slash + 1;
  if (slash === 0 || n === 0 || (n <= 2 && path.charCodeAt(c) === DOT && (n === 1 || path.charCodeAt(c + 1) === DOT))) {
    throw invalidPath(path);
  }
}

function groupByDirectory(tree: ManifestTree): DirToWrite {
  const root = new DirToWrite();
  const byPath = new Map<string, DirToWrite>([['', root]]);
  const dirAt = (path: string): DirToWrite => {
    let dir = byPath.get(path);
    if (dir === undefined) {
      const slash = path.lastIndexOf('/');
      checkLastComponent(path, slash);
      dir = new DirToWrite();
      dirAt(slash < 0 ? '' : path.slice(0, slash)).subdirs.set(path.slice(slash + 1), dir);
      byPath.set(path, dir);
    }
    return dir;
  };
  // Files usually come grouped by directory: reuse the last directory while the prefix matches.
  let last = root;
  let lastPath = '';
  for (const file of tree.files) {
    const path = file.path;
    const slash = path.lastIndexOf('/');
    checkLastComponent(path, slash);
    const dirLength = slash < 0 ? 0 : slash;
    if (dirLength !== lastPath.length || !path.startsWith(lastPath)) {
      lastPath = path.slice(0, dirLength);
      last = dirAt(lastPath);
    }
    last.files.push(file);
    last.nameStarts.push(slash + 1);
  }
  for (const path of tree.emptyDirs) if (path !== '') dirAt(path);
  return root;
}

// Plain string comparison is UTF-8 byte order unless a string holds a unit from U+D800 up.
const NEEDS_CODE_POINT_ORDER = /[\uD800-\uFFFF]/;
const compareUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Indices of `dir.files` in name order, or undefined when they already are in order. */
function nameOrder(dir: DirToWrite): number[] | undefined {
  const files = dir.files;
  let sorted = true;
  for (let i = 1; i < files.length && sorted; i++) sorted = compareUtf8(files[i - 1]!.path, files[i]!.path) <= 0;
  if (sorted) return undefined;
  const compare = files.some((f) => NEEDS_CODE_POINT_ORDER.test(f.path)) ? compareUtf8 : compareUnits;
  return files.map((_, i) => i).sort((a, b) => compare(files[a]!.path, files[b]!.path));
}

function writeDir(dir: DirToWrite, prefix: string, out: string[]): void {
  if (dir.files.length === 0 && dir.subdirs.size === 0) {
    if (prefix !== '.') out.push(escapeName(prefix) + EMPTY_DIR_MARKER);
    return;
  }
  if (dir.files.length > 0) out.push(streamLine(prefix, dir, nameOrder(dir)));
  const names = [...dir.subdirs.keys()];
  names.sort(names.some((n) => NEEDS_CODE_POINT_ORDER.test(n)) ? compareUtf8 : compareUnits);
  if (dir.files.length > 0 && names.length > 0) {
    const fileNames = new Set(dir.files.map((f, i) => f.path.slice(dir.nameStarts[i])));
    const clash = names.find((n) => fileNames.has(n));
    if (clash !== undefined) throw conflict(`${JSON.stringify(clash)} is both a file and a directory in ${JSON.stringify(prefix)}`);
  }
  for (const name of names) writeDir(dir.subdirs.get(name)!, `${prefix}/${name}`, out);
}

function blockSize(locator: string): number {
  const size = goLocatorSize(locator, 0, locator.length);
  if (size < 0) throw invalidArgument(`segment locator ${JSON.stringify(locator)} has no size hint`);
  return size;
}

/** The stream line for the files of a directory, taken in `order` (or as stored). */
function streamLine(prefix: string, dir: DirToWrite, order: readonly number[] | undefined): string {
  const blocks: string[] = [];
  const tokens: string[] = [];
  let streamLength = 0;
  let lastBlockSize = 0;
  // The token being built: the next segment of the same file extends it when contiguous.
  // Paths stand for names (same directory), so equal paths mean the same name.
  let path: string | undefined;
  let escaped = '';
  let start = 0;
  let length = 0;
  for (let k = 0; k < dir.files.length; k++) {
    const i = order === undefined ? k : order[k]!;
    const file = dir.files[i]!;
    if (file.path !== path) {
      if (path !== undefined) tokens.push(`${start}:${length}:${escaped}`);
      path = undefined;
      escaped = escapeName(file.path.slice(dir.nameStarts[i]));
    }
    if (file.segments.length === 0) {
      if (path !== undefined) tokens.push(`${start}:${length}:${escaped}`);
      path = file.path;
      start = 0;
      length = 0;
      continue;
    }
    for (const seg of file.segments) {
      if (blocks.length > 0 && blocks[blocks.length - 1] === seg.locator) {
        streamLength -= lastBlockSize;
      } else {
        blocks.push(seg.locator);
        lastBlockSize = blockSize(seg.locator);
      }
      const at = streamLength + seg.offset;
      if (path === file.path && start + length === at) {
        length += seg.length;
      } else {
        if (path !== undefined) tokens.push(`${start}:${length}:${escaped}`);
        path = file.path;
        start = at;
        length = seg.length;
      }
      streamLength += lastBlockSize;
    }
  }
  if (path !== undefined) tokens.push(`${start}:${length}:${escaped}`);
  const blockList = blocks.length > 0 ? blocks.join(' ') : EMPTY_BLOCK_LOCATOR;
  return `${escapeName(prefix)} ${blockList} ${tokens.join(' ')}\n`;
}
