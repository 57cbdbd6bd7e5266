// Which manifest tokens the API server treats as block locators: its LOCATOR_REGEXP (hash in
// either case, size optional, `[A-Z][A-Za-z0-9@_-]*` hints), i.e. keep's 'ruby' grammar.
import { tryParseLocator } from '../keep/locator.js';

const PLUS = 0x2b;

/** The token as a Ruby-grammar locator: its hash and raw `+size` text ('' when absent). */
export function rubyLocatorAddress(token: string): { hash: string; sizeHint: string } | undefined {
  // Cheap shape test first: most tokens of a big manifest are file tokens.
  if (token.length < 32 || (token.length > 32 && token.charCodeAt(32) !== PLUS)) return undefined;
  const loc = tryParseLocator(token, { grammar: 'ruby' });
  if (loc === undefined) return undefined;
  if (loc.size === undefined) return { hash: loc.hash, sizeHint: '' };
  // The size as written (leading zeros included): the PDH hashes text, not numbers.
  const end = token.indexOf('+', 33);
  return { hash: loc.hash, sizeHint: token.slice(32, end === -1 ? token.length : end) };
}
