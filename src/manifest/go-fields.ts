// Numeric fields as the Go SDK loader reads them (strconv.ParseInt), shared by the parser
// and the marshaller so both agree on every block's size.
import { indexBefore } from './scan.js';

const PLUS = 0x2b;
const MINUS = 0x2d;
/** Go reads a block size as int32 and file positions as int64. */
const MAX_BLOCK_SIZE_FIELD = 2 ** 31 - 1;
export const MAX_POSITION = 2 ** 63 - 1;

/** A decimal as Go's strconv.ParseInt reads it (optional sign), or -1 if malformed, negative or above max. */
export function parseGoDecimal(text: string, start: number, end: number, max: number): number {
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
export function goLocatorSize(text: string, start: number, end: number): number {
  const plus = indexBefore(text, '+', start, end);
  if (plus === end) return -1;
  return parseGoDecimal(text, plus + 1, indexBefore(text, '+', plus + 1, end), MAX_BLOCK_SIZE_FIELD);
}
