// Value encodings for x-amz-meta-* headers, as keep-web produces them (ARVADOS.md f.6):
// Go's encoding/json for non-string property values, and RFC 2047 "B" encoded-words
// (Go's mime.BEncoding with charset UTF-8) for values that are not plain printable ASCII.

import { compareUtf8 } from '../common/utf8-order.js';

/** JSON as Go's json.Marshal writes a decoded JSON value: keys in byte order, HTML-safe escapes. */
export function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort(compareUtf8)) out[k] = sortKeys((value as Record<string, unknown>)[k]);
  return out;
}

/**
 * Go's rule (mime.WordEncoder): anything outside TAB and 0x20-0x7E needs encoding. keep-web
 * let 0x7F through raw, but Node refuses DEL in a header value, so it is encoded here too.
 */
export function needsEncoding(value: string): boolean {
  return /[^\t\x20-\x7e]/.test(value);
}

// An encoded-word is at most 75 chars; "=?UTF-8?b?" + "?=" leave 63 for base64, i.e. 45 input bytes.
const MAX_WORD_BYTES = 45;

/** RFC 2047 B encoding, words of at most 45 UTF-8 bytes, never splitting a character. */
export function rfc2047Encode(value: string): string {
  if (!needsEncoding(value)) return value;
  const whole = Buffer.from(value, 'utf8');
  if (whole.length <= MAX_WORD_BYTES) return encodedWord(whole);
  const words: string[] = [];
  let word: Buffer[] = [];
  let wordBytes = 0;
  for (const ch of value) {
    const bytes = Buffer.from(ch, 'utf8');
    if (wordBytes + bytes.length > MAX_WORD_BYTES) {
      words.push(encodedWord(Buffer.concat(word)));
      word = [];
      wordBytes = 0;
    }
    word.push(bytes);
    wordBytes += bytes.length;
  }
  words.push(encodedWord(Buffer.concat(word)));
  return words.join(' ');
}

const encodedWord = (bytes: Buffer): string => `=?UTF-8?b?${bytes.toString('base64')}?=`;

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/**
 * Decodes RFC 2047 encoded-words (B or Q; UTF-8, US-ASCII or ISO-8859-1), dropping the
 * whitespace between adjacent words as the RFC says. Words in other charsets, or that do not
 * decode, are kept as they are.
 */
export function rfc2047Decode(value: string): string {
  if (!value.includes('=?')) return value;
  let out = '';
  let last = 0;
  let previousWasWord = false;
  for (const m of value.matchAll(ENCODED_WORD)) {
    const decoded = decodeWord(m[1] ?? '', m[2] ?? '', m[3] ?? '');
    const between = value.slice(last, m.index);
    if (!(previousWasWord && decoded !== undefined && /^\s*$/.test(between))) out += between;
    out += decoded ?? m[0];
    previousWasWord = decoded !== undefined;
    last = m.index + m[0].length;
  }
  return out + value.slice(last);
}

function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  const cs = charset.split('*')[0]!.toLowerCase();
  let bytes: Buffer;
  if (encoding === 'b' || encoding === 'B') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
    bytes = Buffer.from(text, 'base64');
  } else {
    if (/=(?![0-9A-Fa-f]{2})/.test(text)) return undefined;
    bytes = Buffer.from(
      text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    );
  }
  if (cs === 'utf-8' || cs === 'utf8') return utf8OrUndefined(bytes);
  if (cs === 'us-ascii' || cs === 'iso-8859-1' || cs === 'latin1') return bytes.toString('latin1');
  return undefined;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Node hands header bytes over as Latin-1. A client that sent raw UTF-8 (Go clients, curl)
 * meant UTF-8, so bytes that form valid UTF-8 are read as such; anything else stays Latin-1.
 */
export function fromWireLatin1(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[\u0100-\uffff]/.test(value)) return value;
  return utf8OrUndefined(Buffer.from(value, 'latin1')) ?? value;
}
