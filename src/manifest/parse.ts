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
import { MAX_POSITION, goLocatorSize, parseGoDecimal } from './go-fields.js';
import { goQuote } from './quote.js';
import { indexBefore } from './scan.js';
import { StreamBlocks } from './stream-blocks.js';
import type { ManifestTree, Segment } from './types.js';

const NEWLINE = 0x0a;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;

export function parseManifest(text: string): ManifestTree {
  const end = text.length;
  if (end > 0 && text.charCodeAt(end - 1) !== NEWLINE) {
    throw malformed(text.split('\n').length, 'no trailing newline');
  }
  const loader = new TreeLoader();
  const blocks = new StreamBlocks();
  const scratch: Segment[] = [];
  let lineNo = 0;
  for (let start = 0; start < end; ) {
    const lineEnd = text.indexOf('\n', start);
    parseLine(text, start, lineEnd, ++lineNo, { loader, blocks, scratch });
    start = lineEnd + 1;
  }
  return loader.finish();
}

/** State reused across lines: the tree, the current line's blocks, one segment buffer. */
interface Workspace {
  readonly loader: TreeLoader;
  readonly blocks: StreamBlocks;
  readonly scratch: Segment[];
}

function parseLine(text: string, lineStart: number, lineEnd: number, lineNo: number, ws: Workspace): void {
  const { blocks, scratch } = ws;
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
      const size = goLocatorSize(text, tokStart, tokEnd);
      if (size < 0) throw malformed(lineNo, `bad locator ${goQuote(token)}`);
      blocks.add(token, size);
      continue;
    }
    if (blocks.count === 0) throw malformed(lineNo, `bad locator ${goQuote(text.slice(tokStart, tokEnd))}`);
    // A file token splits at its first two colons: pos:len:name (the name may hold more).
    const colon2 = indexBefore(text, ':', colon + 1, tokEnd);
    if (colon2 === tokEnd) throw malformed(lineNo, `bad file segment ${goQuote(text.slice(tokStart, tokEnd))}`);
    anyFileTokens = true;
    const offset = parseGoDecimal(text, tokStart, colon, MAX_POSITION);
    const length = parseGoDecimal(text, colon + 1, colon2, MAX_POSITION);
    if (offset < 0 || length < 0) throw malformed(lineNo, `bad file segment ${goQuote(text.slice(tokStart, tokEnd))}`);
    const rawName = text.slice(colon2 + 1, tokEnd);
    // Go places the file before it checks the range, so a naming error wins over a range
    // error; the range is mapped first only so that a new file takes its segments at once.
    const count = blocks.map(offset, length, scratch);
    stream ??= { parts: unescapeName(streamToken).split('/'), dir: undefined };
    const file = placeFile(ws, stream, rawName, length, lineNo, Math.max(count, 0));
    if (file === null) {
      if (length !== 0) throw malformed(lineNo, `cannot use name ${goQuote(rawName)} with length ${length}: is a directory`);
      continue; // an empty-directory marker
    }
    if (count < 0) {
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

/**
 * Places stream + name in the tree (Go's createFileAndParents) and appends
 * ws.scratch[0..count) to that file; null, appending nothing, for a directory marker.
 */
function placeFile(ws: Workspace, stream: StreamPlace, rawName: string, length: number, lineNo: number, count: number) {
  const { loader, scratch: segments } = ws;
  try {
    stream.dir ??= loader.descend(loader.root, stream.parts, stream.parts.length);
    if (!hasSlashOrBackslash(rawName)) {
      if (rawName === '' || rawName === '..') throw invalidPart(stream.parts, [rawName]);
      return loader.file(stream.dir, rawName, segments, count);
    }
    const parts = unescapeName(rawName).split('/');
    const dir = loader.descend(stream.dir, parts, parts.length - 1);
    const basename = parts[parts.length - 1]!;
    if (basename === '' || basename === '..') throw invalidPart(stream.parts, parts);
    return loader.file(dir, basename, segments, count);
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    throw malformed(lineNo, `cannot use name ${goQuote(rawName)} with length ${length}: ${err.message}`);
  }
}

function invalidPart(streamParts: readonly string[], nameParts: readonly string[]): Refusal {
  const path = [...streamParts, ...nameParts].map(goQuote).join(' ');
  return new Refusal(`invalid file part ${goQuote(nameParts[nameParts.length - 1]!)} in path [${path}]`);
}
