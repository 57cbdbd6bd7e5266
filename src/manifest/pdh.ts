// Portable data hash, as the API server computes it (ARVADOS.md a.6): every line
// right-trimmed and re-split on whitespace, each locator after the stream name reduced to
// `hash[+size]`, then md5 + '+' + byte length of that text. Signed and unsigned forms of a
// manifest therefore share one PDH.
import { createHash } from 'node:crypto';
import { rubyLocatorAddress } from './ruby-locator.js';

/** Ruby's `\s` for String#split(' '): space, \t, \n, \v, \f, \r. */
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** The server's `portable_manifest_text`. */
export function portableManifestText(text: string): string {
  if (text === '') return '';
  const lines: string[] = [];
  for (let pos = 0; pos < text.length; ) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    // String#rstrip also drops trailing NULs.
    let end = lineEnd;
    while (end > pos && (isSpace(text.charCodeAt(end - 1)) || text.charCodeAt(end - 1) === 0)) end--;
    lines.push(portableLine(text, pos, end));
    pos = lineEnd + 1;
  }
  return `${lines.join('\n')}\n`;
}

function portableLine(text: string, start: number, end: number): string {
  const words: string[] = [];
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i === end) break;
    const wordStart = i;
    while (i < end && !isSpace(text.charCodeAt(i))) i++;
    const word = text.slice(wordStart, i);
    const address = words.length > 0 ? rubyLocatorAddress(word) : undefined;
    words.push(address === undefined ? word : address.hash + address.sizeHint);
  }
  return words.join(' ');
}

export function portableDataHash(text: string): string {
  const portable = portableManifestText(text);
  return `${createHash('md5').update(portable, 'utf8').digest('hex')}+${Buffer.byteLength(portable, 'utf8')}`;
}
