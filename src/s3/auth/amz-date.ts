// Request timestamps: the ISO 8601 basic form of X-Amz-Date, and the HTTP Date header that
// older clients send instead. Both are checked against the clock with the same tolerance.
import { S3Error } from '../errors.js';

const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Milliseconds since the epoch of a `yyyymmddThhmmssZ` timestamp, or undefined. */
export function parseAmzDate(value: string): number | undefined {
  const m = ISO_BASIC.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 20130230 over into March (and year 0099 into 1999): reject anything that moved.
  const date = new Date(ms);
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d ? ms : undefined;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

// RFC 1123 ("Tue, 04 Feb 2020 05:06:07 GMT", or "+0000"), RFC 850 and asctime start with a day name;
// the check keeps Date.parse away from free-form strings it would guess at.
const HTTP_DATE = /^[A-Za-z]{3,9},? +[0-9A-Za-z :+-]+$/;

/** Milliseconds since the epoch of an HTTP Date header value, or undefined. */
export function parseHttpDate(value: string): number | undefined {
  if (!HTTP_DATE.test(value.trim())) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Throws RequestTimeTooSkewed when `requestMs` is further than `maxSkewSeconds` from `nowMs`. */
export function checkSkew(requestMs: number, nowMs: number, maxSkewSeconds: number): void {
  if (Math.abs(nowMs - requestMs) > maxSkewSeconds * 1000) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      extra: { RequestTime: formatAmzDate(requestMs), ServerTime: new Date(nowMs).toISOString() },
    });
  }
}
