// Percent-encoding as AWS signers do it (RFC 3986 unreserved characters kept, every other
// byte of the UTF-8 form as %XX upper case), applied to text that arrived already encoded.
// Working byte by byte on the received text makes "decode, then encode" one pass that cannot
// fail: a stray '%' is a literal percent sign, and non-UTF-8 escapes survive unchanged.

const HEX = '0123456789ABCDEF';

function isUnreserved(c: number): boolean {
  return (
    (c >= 0x61 && c <= 0x7a) || // a-z
    (c >= 0x41 && c <= 0x5a) || // A-Z
    (c >= 0x30 && c <= 0x39) || // 0-9
    c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e // - . _ ~
  );
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

function escapeByte(b: number): string {
  return `%${HEX[b >> 4]}${HEX[b & 15]}`;
}

export interface ReencodeOptions {
  /** Keep '/' (paths) instead of writing %2F (query keys and values). */
  readonly keepSlash: boolean;
  /** Read '+' as an encoded space, as form-encoded query strings do. */
  readonly plusIsSpace: boolean;
}

// Text made only of unreserved characters (and '/', where kept) encodes to itself.
const UNCHANGED_WITH_SLASH = /^[A-Za-z0-9\-._~/]*$/;
const UNCHANGED = /^[A-Za-z0-9\-._~]*$/;

/** AWS URI-encoding of the text that `raw` (percent-encoded) stands for. */
export function reencode(raw: string, opts: ReencodeOptions): string {
  if ((opts.keepSlash ? UNCHANGED_WITH_SLASH : UNCHANGED).test(raw)) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    let byte = -1;
    if (c === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        byte = (hi << 4) | lo;
        i += 2;
      }
    } else if (c === 0x2b && opts.plusIsSpace) {
      byte = 0x20;
    }
    if (byte >= 0) {
      out += isUnreserved(byte) || (byte === 0x2f && opts.keepSlash) ? String.fromCharCode(byte) : escapeByte(byte);
    } else if (c < 0x80) {
      out += isUnreserved(c) || (c === 0x2f && opts.keepSlash) ? raw[i] : escapeByte(c);
    } else {
      // A raw non-ASCII character: encode its UTF-8 bytes (a surrogate pair is one character).
      const cp = raw.codePointAt(i)!;
      if (cp > 0xffff) i++;
      for (const b of Buffer.from(String.fromCodePoint(cp), 'utf8')) out += escapeByte(b);
    }
  }
  return out;
}

/** Percent-decodes `raw` into its bytes, then reads them as UTF-8. */
export function percentDecode(raw: string, opts: { readonly plusIsSpace: boolean }): string {
  if (!raw.includes('%') && !(opts.plusIsSpace && raw.includes('+'))) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x25 && i + 2 < raw.length) {
      const hi = hexValue(raw.charCodeAt(i + 1));
      const lo = hexValue(raw.charCodeAt(i + 2));
      if (hi >= 0 && lo >= 0) {
        bytes.push((hi << 4) | lo);
        i += 2;
        continue;
      }
    }
    if (c === 0x2b && opts.plusIsSpace) bytes.push(0x20);
    else if (c < 0x80) bytes.push(c);
    else {
      const cp = raw.codePointAt(i)!;
      if (cp > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(cp), 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** One `key=value` of a query string, both still encoded as received. */
export interface RawQueryParam {
  readonly key: string;
  readonly value: string;
}

/** Splits a raw query string; a bare `key` has the value ''. Empty pieces are skipped. */
export function splitQuery(rawQuery: string): RawQueryParam[] {
  const params: RawQueryParam[] = [];
  if (rawQuery === '') return params;
  for (const piece of rawQuery.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    params.push(eq < 0 ? { key: piece, value: '' } : { key: piece.slice(0, eq), value: piece.slice(eq + 1) });
  }
  return params;
}

/** Decoded query parameters by name; the first of repeated names wins. */
export function decodeQuery(params: readonly RawQueryParam[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of params) {
    const key = percentDecode(p.key, { plusIsSpace: true });
    if (!out.has(key)) out.set(key, percentDecode(p.value, { plusIsSpace: true }));
  }
  return out;
}

const QUERY_ENCODING: ReencodeOptions = { keepSlash: false, plusIsSpace: true };

/**
 * The SigV4 canonical query string: every parameter (repeated ones included) encoded the AWS
 * way, sorted by key then value; `omit` names parameters left out (X-Amz-Signature).
 */
export function canonicalQuery(params: readonly RawQueryParam[], omit?: string): string {
  const pairs: Array<[string, string]> = [];
  for (const p of params) {
    if (omit !== undefined && percentDecode(p.key, { plusIsSpace: true }) === omit) continue;
    pairs.push([reencode(p.key, QUERY_ENCODING), reencode(p.value, QUERY_ENCODING)]);
  }
  // Encoded strings are ASCII, so code-unit order is byte order.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * The canonical URI of a path as received: AWS SDKs send S3 paths URI-encoded once, exactly as
 * they sign them, and S3 never normalises (no dot segments, no slash collapsing), so only the
 * spelling of the escapes is normalised here (what an SDK would have sent for the same bytes).
 */
export function canonicalUri(rawPath: string): string {
  return rawPath === '' ? '/' : reencode(rawPath, { keepSlash: true, plusIsSpace: false });
}
