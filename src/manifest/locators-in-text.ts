// Rewriting the block locators of a manifest in place: signing every locator for a token,
// or removing `+A` signatures before storing (as the API server stores manifest_text).
// A locator is a token after the stream name that the server's locator grammar accepts;
// everything else, separators included, is copied unchanged.
import { rubyLocatorAddress } from './ruby-locator.js';
import { indexBefore } from './scan.js';

export function mapLocators(text: string, fn: (locator: string) => string): string {
  const out: string[] = [];
  let copied = 0;
  for (let pos = 0; pos < text.length; ) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    let sep = indexBefore(text, ' ', pos, lineEnd); // end of the stream name
    while (sep < lineEnd) {
      const start = sep + 1;
      sep = indexBefore(text, ' ', start, lineEnd);
      const token = text.slice(start, sep);
      if (rubyLocatorAddress(token) === undefined) continue;
      out.push(text.slice(copied, start), fn(token));
      copied = sep;
    }
    pos = lineEnd + 1;
  }
  if (out.length === 0) return text;
  out.push(text.slice(copied));
  return out.join('');
}

const SIGNATURE_HINT = /\+A[^+]*/g;

export function stripSignatures(text: string): string {
  if (!text.includes('+A')) return text;
  return mapLocators(text, (locator) => locator.replace(SIGNATURE_HINT, ''));
}
