// Stream and file names in manifest tokens (ARVADOS.md a.2). Names are byte strings
// upstream; here they are JS strings whose UTF-8 encoding is those bytes.
//  - writer: every byte 0x00-0x20, ':' and '\' becomes '\' + 3 octal digits; everything
//    else (0x7F, multi-byte UTF-8) is written raw. All escaped bytes are ASCII, so working
//    on UTF-16 units is byte exact.
//  - reader: '\\' -> '\', '\' + 3 octal digits <= 255 -> that byte, anything else verbatim.
//    Escapes may spell out multi-byte UTF-8 (`\303\251` = 'é'), so decoding works on bytes.

const BACKSLASH = 0x5c;
const COLON = 0x3a;

function needsEscape(c: number): boolean {
  return c <= 0x20 || c === COLON || c === BACKSLASH;
}

export function escapeName(name: string): string {
  let i = 0;
  while (i < name.length && !needsEscape(name.charCodeAt(i))) i++;
  if (i === name.length) return name;
  let out = name.slice(0, i);
  for (; i < name.length; i++) {
    const c = name.charCodeAt(i);
    out += needsEscape(c) ? `\\${c.toString(8).padStart(3, '0')}` : name[i];
  }
  return out;
}

const isOctal = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x37;

export function unescapeName(escaped: string): string {
  if (!escaped.includes('\\')) return escaped;
  const src = Buffer.from(escaped, 'utf8');
  const out = Buffer.allocUnsafe(src.length);
  let o = 0;
  let i = 0;
  while (i < src.length) {
    const b = src[i]!;
    if (b !== BACKSLASH) {
      out[o++] = b;
      i++;
    } else if (src[i + 1] === BACKSLASH) {
      out[o++] = BACKSLASH;
      i += 2;
    } else if (isOctal(src[i + 1]) && isOctal(src[i + 2]) && isOctal(src[i + 3])) {
      const value = (src[i + 1]! - 0x30) * 64 + (src[i + 2]! - 0x30) * 8 + (src[i + 3]! - 0x30);
      // An octal escape above 255 is not a byte: the Go reader keeps all four chars.
      if (value <= 255) out[o++] = value;
      else o += src.copy(out, o, i, i + 4);
      i += 4;
    } else {
      out[o++] = b;
      i++;
    }
  }
  return out.toString('utf8', 0, o);
}
