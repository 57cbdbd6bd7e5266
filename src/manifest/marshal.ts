// ManifestTree -> manifest text exactly as the Go SDK writes it (ARVADOS.md a.5), because
// the PDH depends on every byte: depth-first pre-order, a directory's own line before its
// subdirectories, files and subdirectories in UTF-8 byte order, a block reused only when it
// equals the last one on the line, contiguous ranges of a file merged into one token.
import { conflict, invalidArgument } from '../common/errors.js';
import { compareUtf8 } from '../common/utf8-order.js';
import { EMPTY_BLOCK_LOCATOR } from '../keep/block-store.js';
import { locatorSize } from '../keep/locator.js';
import { escapeName } from './escape.js';
import type { ManifestTree, Segment } from './types.js';

interface NamedFile {
  readonly name: string;
  readonly segments: readonly Segment[];
}

class DirToWrite {
  readonly files: NamedFile[] = [];
  readonly subdirs = new Map<string, DirToWrite>();
}

const EMPTY_DIR_MARKER = ` ${EMPTY_BLOCK_LOCATOR} 0:0:\\056\n`;

export function marshalManifest(tree: ManifestTree): string {
  const out: string[] = [];
  writeDir(buildDirs(tree), '.', out);
  return out.join('');
}

function checkedName(name: string, path: string): string {
  if (name === '' || name === '.' || name === '..') throw invalidArgument(`invalid path ${JSON.stringify(path)} in manifest tree`);
  return name;
}

function buildDirs(tree: ManifestTree): DirToWrite {
  const root = new DirToWrite();
  const byPath = new Map<string, DirToWrite>([['', root]]);
  const dirAt = (path: string): DirToWrite => {
    let dir = byPath.get(path);
    if (dir === undefined) {
      const slash = path.lastIndexOf('/');
      const parent = dirAt(slash < 0 ? '' : path.slice(0, slash));
      dir = new DirToWrite();
      parent.subdirs.set(checkedName(path.slice(slash + 1), path), dir);
      byPath.set(path, dir);
    }
    return dir;
  };
  for (const file of tree.files) {
    const slash = file.path.lastIndexOf('/');
    const name = checkedName(file.path.slice(slash + 1), file.path);
    dirAt(slash < 0 ? '' : file.path.slice(0, slash)).files.push({ name, segments: file.segments });
  }
  for (const path of tree.emptyDirs) if (path !== '') dirAt(path);
  return root;
}

// Plain string comparison is UTF-8 byte order unless a name holds a code unit from U+D800 up.
const NEEDS_CODE_POINT_ORDER = /[\uD800-\uFFFF]/;
const compareUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function byteOrder(names: readonly string[]): (a: string, b: string) => number {
  return names.some((n) => NEEDS_CODE_POINT_ORDER.test(n)) ? compareUtf8 : compareUnits;
}

function writeDir(dir: DirToWrite, prefix: string, out: string[]): void {
  if (dir.files.length === 0 && dir.subdirs.size === 0) {
    if (prefix !== '.') out.push(escapeName(prefix) + EMPTY_DIR_MARKER);
    return;
  }
  if (dir.files.length > 0) {
    const compare = byteOrder(dir.files.map((f) => f.name));
    dir.files.sort((a, b) => compare(a.name, b.name));
    out.push(streamLine(prefix, dir.files));
  }
  const names = [...dir.subdirs.keys()];
  names.sort(byteOrder(names));
  if (dir.files.length > 0 && names.length > 0) {
    const fileNames = new Set(dir.files.map((f) => f.name));
    const clash = names.find((n) => fileNames.has(n));
    if (clash !== undefined) throw conflict(`${JSON.stringify(clash)} is both a file and a directory in ${JSON.stringify(prefix)}`);
  }
  for (const name of names) writeDir(dir.subdirs.get(name)!, `${prefix}/${name}`, out);
}

function blockSize(locator: string): number {
  const size = locatorSize(locator);
  if (size === undefined) throw invalidArgument(`segment locator ${JSON.stringify(locator)} has no size hint`);
  return size;
}

/** One stream line for the files of a directory, already sorted by name. */
function streamLine(prefix: string, files: readonly NamedFile[]): string {
  const blocks: string[] = [];
  const tokens: string[] = [];
  let streamLength = 0;
  let lastBlockSize = 0;
  // The token being built: a file's next segment extends it when it continues the range.
  let name: string | undefined;
  let escaped = '';
  let start = 0;
  let length = 0;
  for (const file of files) {
    if (file.name !== name) {
      if (name !== undefined) tokens.push(`${start}:${length}:${escaped}`);
      name = undefined;
      escaped = escapeName(file.name);
    }
    if (file.segments.length === 0) {
      if (name !== undefined) tokens.push(`${start}:${length}:${escaped}`);
      name = file.name;
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
      if (name === file.name && start + length === at) {
        length += seg.length;
      } else {
        if (name !== undefined) tokens.push(`${start}:${length}:${escaped}`);
        name = file.name;
        start = at;
        length = seg.length;
      }
      streamLength += lastBlockSize;
    }
  }
  if (name !== undefined) tokens.push(`${start}:${length}:${escaped}`);
  const blockList = blocks.length > 0 ? blocks.join(' ') : EMPTY_BLOCK_LOCATOR;
  return `${escapeName(prefix)} ${blockList} ${tokens.join(' ')}\n`;
}
