// The API server's strict manifest validator (sdk/ruby keep.rb `Manifest.validate!`, run
// before a collection is saved), reproduced rule for rule with its messages, because a
// manifest the gateway accepts must be one Arvados would accept too (ARVADOS.md a.2, a.4).
//
// Ruby quirks kept on purpose: `^`/`$` match at every line start/end (unescaped names may
// hold "\n"), `[[:digit:]]` means any Unicode decimal digit, names are checked after
// unescaping. One departure: an octal escape above \377 makes Ruby raise a non-validation
// exception (a 500); here the token is simply invalid.
import { ManifestError } from './errors.js';
import { rubyInspect } from './quote.js';
import { rubyLocatorAddress } from './ruby-locator.js';

// On raw tokens (never containing "\n", so anchors mean whole string). Control characters
// are exactly what these classes exclude.
// eslint-disable-next-line no-control-regex
const STREAM_TOKEN = /^(?:[^\x00-\x20\\]|\\[0-3][0-7][0-7])+$/;
// eslint-disable-next-line no-control-regex
const FILE_TOKEN = /^\p{Nd}+:\p{Nd}+:(?:[^\x00-\x20\\]|\\[0-3][0-7][0-7])+$/u;
const NON_8BIT_ESCAPE = /[^\\]\\[4-7][0-7][0-7]/;
// On unescaped text: (?<![^\n]) and (?![^\n]) are Ruby's multi-line ^ and $.
const STREAM_NAME = /(?<![^\n])\.(?:\/[^/]+)*(?![^\n])/;
const DOT_COMPONENT = /\/\.\.?(?:\/|(?![^\n]))/;
const EMPTY_DIR_TOKEN = /(?<![^\n])0:0:\.(?![^\n])/;
const FILE_NAME = /(?<![^\n])\p{Nd}+:\p{Nd}+:([^/]+(?:\/[^/]+)*)(?![^\n])/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Ruby's Manifest.unescape; undefined where Ruby would raise (escape above 255). */
function rubyUnescape(s: string): string | undefined {
  if (!s.includes('\\')) return s;
  let representable = true;
  const out = s.replace(/\\(\\|[0-7]{3})/g, (_, seq: string) => {
    if (seq === '\\') return '\\';
    const value = parseInt(seq, 8);
    representable &&= value <= 255;
    return String.fromCharCode(value);
  });
  return representable ? out : undefined;
}

function isStreamName(word: string): boolean {
  const name = rubyUnescape(word);
  return STREAM_TOKEN.test(word) && name !== undefined && STREAM_NAME.test(name) && !DOT_COMPONENT.test(name);
}

function isFileToken(word: string): boolean {
  const unescaped = rubyUnescape(word);
  if (unescaped === undefined) return false;
  if (EMPTY_DIR_TOKEN.test(unescaped)) return true;
  if (!FILE_TOKEN.test(word)) return false;
  const name = FILE_NAME.exec(unescaped)?.[1];
  return name !== undefined && !name.split('/').some((part) => part === '.' || part === '..');
}

/** Throws ManifestError (with the server's message) unless the server would accept `text`. */
export function validateManifest(text: string | null | undefined): void {
  if (text === null || text === undefined) throw new ManifestError('No manifest found', 0);
  if (text === '') return;
  if (LONE_SURROGATE.test(text)) throw new ManifestError('manifest_text must use UTF-8 encoding', 0);
  if (!text.endsWith('\n')) throw new ManifestError('Invalid manifest: does not end with newline', text.split('\n').length);
  let stream = 0;
  for (let pos = 0; pos < text.length; ) {
    const nl = text.indexOf('\n', pos);
    validateLine(text.slice(pos, nl), ++stream);
    pos = nl + 1;
  }
}

function validateLine(line: string, stream: number): void {
  const fail = (detail: string): ManifestError => new ManifestError(`Manifest invalid for stream ${stream}: ${detail}`, stream);
  // Ruby's split(/ /) keeps inner and leading empty words but drops trailing ones.
  const words = line.split(' ');
  while (words.length > 0 && words[words.length - 1] === '') words.pop();
  if (words.length === 0) throw fail('missing stream name');

  const streamWord = words[0]!;
  if (NON_8BIT_ESCAPE.test(streamWord)) throw fail(`>8-bit encoded chars not allowed on stream token ${rubyInspect(streamWord)}`);
  if (!isStreamName(streamWord)) throw fail(`missing or invalid stream name ${rubyInspect(streamWord)}`);

  let i = 1;
  while (i < words.length && rubyLocatorAddress(words[i]!) !== undefined) i++;
  if (i === 1) throw fail(`missing or invalid locator ${i < words.length ? rubyInspect(words[i]!) : ''}`);

  const firstFile = words[i];
  if (firstFile !== undefined && NON_8BIT_ESCAPE.test(firstFile)) {
    throw fail(`>8-bit encoded chars not allowed on file token ${rubyInspect(firstFile)}`);
  }
  const filesStart = i;
  while (i < words.length && isFileToken(words[i]!)) i++;
  if (i < words.length) throw fail(`invalid file token ${rubyInspect(words[i]!)}`);
  if (i === filesStart) throw fail('no file tokens');
  // split dropped trailing empty words, so a trailing space needs its own check.
  if (line.endsWith(' ')) throw fail('trailing space');
}
