// Request headers as the router and the pure S3 helpers read them. Node lower-cases header
// names and joins repeated headers with ", " (except set-cookie, which S3 never sees); a
// plain record is accepted too, so tests and other callers need no IncomingMessage.

import { S3Error } from './errors.js';

export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

const LOWER_CASE_NAMES: unique symbol = Symbol('header names are lower case');
/** The mark, inherited: cheaper than defining it on each record. */
const LOWER_CASE_PROTO: object = Object.create(Object.prototype, { [LOWER_CASE_NAMES]: { value: true } });

/**
 * An empty record for headers whose names the caller writes in lower case (as Node gives
 * them): lookups of absent headers then need no case-insensitive scan. The mark is a symbol,
 * invisible to Object.entries and to copies made with spread.
 */
export function lowerCaseHeaderMap(): Record<string, string> {
  return Object.create(LOWER_CASE_PROTO) as Record<string, string>;
}

/** The value of one header (name in lower case), repeated values joined with ", ". */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const v = Object.hasOwn(headers, name)
    ? headers[name]
    : (headers as { [LOWER_CASE_NAMES]?: boolean })[LOWER_CASE_NAMES]
      ? undefined
      : findCaseInsensitive(headers, name);
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(', ');
}

function findCaseInsensitive(headers: HeaderMap, name: string): string | readonly string[] | undefined {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Header names present, lower-cased (for prefix scans such as x-amz-meta-*). */
export function headerEntries(headers: HeaderMap): Array<[name: string, value: string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out.push([k.toLowerCase(), typeof v === 'string' ? v : v.join(', ')]);
  }
  return out;
}

// What Node's http.validateHeaderValue accepts (TAB, visible ASCII, obs-text 0x80-0xFF).
const HEADER_VALUE_OK = /^[\t\x20-\x7e\x80-\xff]*$/;

export function isSafeHeaderValue(value: string): boolean {
  return HEADER_VALUE_OK.test(value);
}

/**
 * A client-chosen value that will be sent back as a response header (response-* overrides):
 * non-ASCII text goes on the wire as its UTF-8 bytes, as AWS does; control characters are
 * refused, since Node would throw on them later.
 */
export function toWireHeaderValue(value: string, argumentName: string): string {
  const wire = /[\u0080-\uffff]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
  if (!isSafeHeaderValue(wire)) {
    throw new S3Error('InvalidArgument', `${argumentName} contains characters that are not allowed in a header.`, {
      extra: { ArgumentName: argumentName },
    });
  }
  return wire;
}
