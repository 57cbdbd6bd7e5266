// Manifest text -> ManifestTree with the Go SDK loader's semantics (ARVADOS.md a.4): lenient
// about what the server validator rejects (stream names, hash syntax, `..`, ordering), but
// every structural problem is a ManifestError naming the line, in Go's words.
//
// Speed matters (100,000-file manifests): the text is scanned in place with indexOf, a token
// is sliced only when it becomes a value (locator, name), and only names holding a backslash
// or slash go through unescaping and splitting.
import { malformed } from './errors.js';
import { unescapeName } from './escape.js';
import { DirNode, Refusal, TreeLoader } from './load-tree.js';
import { goQuote } from './quote.js';
import { indexBefore } from './scan.js';
import { StreamBlocks } from './stream-blocks.js';
import type { ManifestTree } from './types.js';

const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const PLUS = 0x2b;
const MINUS = 0x2d;
/** Go reads a block size as int32 and file positions as int64. */
const MAX_BLOCK_SIZE_FIELD = 2 ** 31 - 1;
const MAX_POSITION = 2 ** 63 - 1;

export function parseManifest(text: string): ManifestTree {
  const end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) !== NEWLINE) {
    throw malformed(text.split('\n').length, 'no trailing newline');
  }
  const loader = new TreeLoader();
  const blocks = new StreamBlocks();
  let lineNo = 0;
  for (let start = 0; start < end; ) {
    const lineEnd = text.indexOf('\n', start);
    parseLine(text, start, lineEnd, ++lineNo, loader, blocks);
    start = lineEnd + 1;
  }
  return loader.finish();
}

/** A decimal as Go's strconv.ParseInt reads it (optional sign), or -1 if malformed, negative or above max. */
function parseDecimal(text: string, start: number, end: number, max: number): number {
  let i = start;
  const sign = i < end ? text.charCodeAt(i) : 0;
  if (sign === PLUS || sign === MINUS) i++;
  if (i === end) return -1;
  let value = 0;
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  if (value > max) return -1;
  return sign === MINUS && value !== 0 ? -1 : value;
}

/** Go's only locator check: a `+` and an int32 size right after it (hash unchecked). */
function locatorSize(text: string, start: number, end: number): number {
  const plus = indexBefore(text, '+', start, end);
  if (plus === end) return -1;
  return parseDecimal(text, plus + 1, indexBefore(text, '+', plus + 1, end), MAX_BLOCK_SIZE_FIELD);
}

function parseLine(text: string, lineStart: number, lineEnd: number, lineNo: number, loader: TreeLoader, blocks: StreamBlocks): void {
  blocks.reset();
  let sep = indexBefore(text, ' ', lineStart, lineEnd);
  const streamToken = text.slice(lineStart, sep);
  let stream: StreamPlace | undefined; // resolved at the first file token, when Go creates it
  let anyFileTokens = false;
  let colon = -1; // next ':' at or after the current token (text.length when none)
  while (sep < lineEnd) {
    const tokStart = sep + 1;
    sep = indexBefore(text, ' ', tokStart, lineEnd);
    const tokEnd = sep;
    if (colon < tokStart) {
      colon = text.indexOf(':', tokStart);
      if (colon === -1) colon = text.length;
    }
    if (colon >= tokEnd) {
      // No colon: a block locator, allowed only before the first file token.
      const token = text.slice(tokStart, tokEnd);
      if (anyFileTokens) throw malformed(lineNo, `bad file segment ${goQuote(token)}`);
      const size = locatorSize(text, tokStart, tokEnd);
      if (size < 0) throw malformed(lineNo, `bad locator ${goQuote(token)}`);
      blocks.add(token, size);
      continue;
    }
    if (blocks.count === 0) throw malformed(lineNo, `bad locator ${goQuote(text.slice(tokStart, tokEnd))}`);
    // A file token splits at its first two colons: pos:len:name (the name may hold more).
    const colon2 = indexBefore(text, ':', colon + 1, tokEnd);
    if (colon2 === tokEnd) throw malformed(lineNo, `bad file segment ${goQuote(text.slice(tokStart, tokEnd))}`);
    anyFileTokens = true;
    const offset = parseDecimal(text, tokStart, colon, MAX_POSITION);
    const length = parseDecimal(text, colon + 1, colon2, MAX_POSITION);
    if (offset < 0 || length < 0) throw malformed(lineNo, `bad file segment ${goQuote(text.slice(tokStart, tokEnd))}`);
    const rawName = text.slice(colon2 + 1, tokEnd);
    stream ??= { parts: unescapeName(streamToken).split('/'), dir: undefined };
    const file = placeFile(loader, stream, rawName, length, lineNo);
    if (file === null) {
      if (length !== 0) throw malformed(lineNo, `cannot use name ${goQuote(rawName)} with length ${length}: is a directory`);
      continue; // an empty-directory marker
    }
    if (!blocks.map(offset, length, file.segments)) {
      throw malformed(lineNo, `invalid segment in ${blocks.length}-byte stream: ${goQuote(text.slice(tokStart, tokEnd))}`);
    }
  }
  if (!anyFileTokens) throw malformed(lineNo, 'no file segments');
}

interface StreamPlace {
  readonly parts: readonly string[];
  dir: DirNode | undefined;
}

function hasSlashOrBackslash(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === SLASH || c === BACKSLASH) return true;
  }
  return false;
}

/** Places stream + name in the tree (Go's createFileAndParents); null for a directory marker. */
function placeFile(loader: TreeLoader, stream: StreamPlace, rawName: string, length: number, lineNo: number) {
  const nameParts = hasSlashOrBackslash(rawName) ? unescapeName(rawName).split('/') : [rawName];
  const basename = nameParts[nameParts.length - 1]!;
  try {
    stream.dir ??= loader.descend(loader.root, stream.parts, stream.parts.length);
    const dir = nameParts.length === 1 ? stream.dir : loader.descend(stream.dir, nameParts, nameParts.length - 1);
    if (basename === '' || basename === '..') {
      const path = [...stream.parts, ...nameParts].map(goQuote).join(' ');
      throw new Refusal(`invalid file part ${goQuote(basename)} in path [${path}]`);
    }
    return loader.file(dir, basename);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    throw malformed(lineNo, `cannot use name ${goQuote(rawName)} with length ${length}: ${err.message}`);
  }
}
