// Quoting of offending tokens inside error messages, in the two styles upstream uses, so
// messages read exactly like the Go loader's (`%q`) and the API server's (`String#inspect`).

// Go's strconv.IsPrint and Ruby's isprint agree closely enough for messages: letters, marks,
// numbers, punctuation and symbols (plus the ASCII space, handled separately).
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const SHORT_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x09: '\\t',
  0x0a: '\\n',
  0x0b: '\\v',
  0x0c: '\\f',
  0x0d: '\\r',
};

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** Go `%q` of a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (SHORT_ESCAPES[c] !== undefined) out += SHORT_ESCAPES[c];
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex(c, 2)}`;
    else if (c >= 0xd800 && c <= 0xdfff) out += '\uFFFD'; // lone surrogate: Go would see U+FFFD
    else if (PRINTABLE.test(ch)) out += ch;
    else out += c < 0x10000 ? `\\u${hex(c, 4)}` : `\\U${hex(c, 8)}`;
  }
  return `${out}"`;
}

/** Ruby `String#inspect` of a UTF-8 string. */
export function rubyInspect(s: string): string {
  let out = '"';
  const chars = Array.from(s);
  chars.forEach((ch, i) => {
    const c = ch.codePointAt(0)!;
    const next = chars[i + 1];
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '#' && (next === '{' || next === '$' || next === '@')) out += '\\#';
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c === 0x1b) out += '\\e';
    else if (SHORT_ESCAPES[c] !== undefined) out += SHORT_ESCAPES[c];
    else if (c >= 0x80 && PRINTABLE.test(ch)) out += ch;
    else out += c < 0x10000 ? `\\u${hex(c, 4).toUpperCase()}` : `\\u{${c.toString(16).toUpperCase()}}`;
  });
  return `${out}"`;
}
