// Conditional requests (RFC 9110 §13 as S3 applies them): If-Match, If-None-Match,
// If-Modified-Since, If-Unmodified-Since on reads; If-None-Match: * and If-Match on writes;
// the x-amz-copy-source-if-* variants on copies. Parsing happens in the router (before any
// I/O); evaluation needs the object's ETag and Last-Modified and happens in the handler.

import { S3Error } from './errors.js';
import { headerValue, type HeaderMap } from './route-headers.js';

/** `*`, or ETags normalised (no `W/`, no quotes). */
export type EtagCondition = '*' | readonly string[];

export interface ReadConditions {
  readonly ifMatch?: EtagCondition;
  readonly ifNoneMatch?: EtagCondition;
  readonly ifModifiedSince?: Date;
  readonly ifUnmodifiedSince?: Date;
}

export interface WriteConditions {
  readonly ifMatch?: EtagCondition;
  /** S3 supports only `*` here (create-only). */
  readonly ifNoneMatch?: '*';
}

export interface Validators {
  /** The object's ETag, with or without quotes. */
  readonly etag: string;
  readonly lastModified: Date;
}

export type ReadOutcome = 'proceed' | 'not-modified';

/** Strips `W/` and surrounding quotes: S3 compares ETags weakly, and clients quote inconsistently. */
export function normalizeEtag(etag: string): string {
  let s = etag.trim();
  if (s.startsWith('W/')) s = s.slice(2);
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1);
  return s;
}

/** `*` or a comma-separated list of (possibly quoted, possibly weak) ETags. */
export function parseEtagList(value: string): EtagCondition {
  if (value.trim() === '*') return '*';
  const tags: string[] = [];
  // Quoted tags may contain commas; bare ones may not.
  for (const m of value.matchAll(/\s*(?:W\/)?(?:"([^"]*)"|([^,\s]+))\s*(?:,|$)/g)) {
    const tag = m[1] ?? m[2];
    if (tag !== undefined) tags.push(normalizeEtag(tag));
  }
  return tags;
}

/** An HTTP-date; unparsable dates make the condition absent (RFC 9110 §13.1.3/§13.1.4). */
function parseHttpDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

function readConditions(headers: HeaderMap, prefix: string): ReadConditions {
  const ifMatch = headerValue(headers, `${prefix}if-match`);
  const ifNoneMatch = headerValue(headers, `${prefix}if-none-match`);
  const ifModifiedSince = parseHttpDate(headerValue(headers, `${prefix}if-modified-since`));
  const ifUnmodifiedSince = parseHttpDate(headerValue(headers, `${prefix}if-unmodified-since`));
  return {
    ...(ifMatch !== undefined && { ifMatch: parseEtagList(ifMatch) }),
    ...(ifNoneMatch !== undefined && { ifNoneMatch: parseEtagList(ifNoneMatch) }),
    ...(ifModifiedSince && { ifModifiedSince }),
    ...(ifUnmodifiedSince && { ifUnmodifiedSince }),
  };
}

export function parseReadConditions(headers: HeaderMap): ReadConditions {
  return readConditions(headers, '');
}

export function parseCopySourceConditions(headers: HeaderMap): ReadConditions {
  return readConditions(headers, 'x-amz-copy-source-');
}

export function parseWriteConditions(headers: HeaderMap): WriteConditions {
  const ifMatch = headerValue(headers, 'if-match');
  const ifNoneMatch = headerValue(headers, 'if-none-match');
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
    throw new S3Error('NotImplemented', 'A header you provided implies functionality that is not implemented', {
      extra: { Header: 'If-None-Match' },
    });
  }
  return {
    ...(ifMatch !== undefined && { ifMatch: parseEtagList(ifMatch) }),
    ...(ifNoneMatch !== undefined && { ifNoneMatch: '*' as const }),
  };
}

function matches(cond: EtagCondition, etag: string): boolean {
  return cond === '*' || cond.includes(normalizeEtag(etag));
}

// HTTP dates have whole seconds: compare at that resolution or every object with
// milliseconds would look modified after the date the client got from Last-Modified.
const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

function preconditionFailed(condition: string): S3Error {
  return new S3Error('PreconditionFailed', undefined, { extra: { Condition: condition } });
}

type Verdict =
  | { readonly outcome: 'proceed' }
  | { readonly outcome: 'failed'; readonly condition: string }
  | { readonly outcome: 'not-modified'; readonly condition: string };

/**
 * RFC 9110 §13.2.2 order: If-Match, else If-Unmodified-Since (412 on failure); then
 * If-None-Match, else If-Modified-Since (304 on failure). S3 documents the same outcome for
 * the combined cases (If-Match true + If-Unmodified-Since false -> 200; If-None-Match false +
 * If-Modified-Since true -> 304).
 */
function decide(c: ReadConditions, v: Validators): Verdict {
  if (c.ifMatch !== undefined) {
    if (!matches(c.ifMatch, v.etag)) return { outcome: 'failed', condition: 'If-Match' };
  } else if (c.ifUnmodifiedSince && seconds(v.lastModified) > seconds(c.ifUnmodifiedSince)) {
    return { outcome: 'failed', condition: 'If-Unmodified-Since' };
  }
  if (c.ifNoneMatch !== undefined) {
    if (matches(c.ifNoneMatch, v.etag)) return { outcome: 'not-modified', condition: 'If-None-Match' };
  } else if (c.ifModifiedSince && seconds(v.lastModified) <= seconds(c.ifModifiedSince)) {
    return { outcome: 'not-modified', condition: 'If-Modified-Since' };
  }
  return { outcome: 'proceed' };
}

/** GET/HEAD: throws 412 PreconditionFailed, or says whether to answer 304 or go on. */
export function evaluateRead(c: ReadConditions, v: Validators): ReadOutcome {
  const verdict = decide(c, v);
  if (verdict.outcome === 'failed') throw preconditionFailed(verdict.condition);
  return verdict.outcome;
}

/** CopyObject/UploadPartCopy source: the same rules, but S3 answers 412 where a GET would get 304. */
export function evaluateCopySource(c: ReadConditions, v: Validators): void {
  const verdict = decide(c, v);
  if (verdict.outcome !== 'proceed') throw preconditionFailed(`x-amz-copy-source-${verdict.condition}`);
}

/**
 * PutObject/CompleteMultipartUpload/CopyObject destination. `existing` is the object as it is
 * now (undefined when absent). As S3: If-None-Match: * on an existing key -> 412; If-Match on
 * a missing key -> 404 NoSuchKey; If-Match with a different ETag -> 412. The caller must check
 * against the state its atomic commit replaces, or the check races with other writers.
 */
export function evaluateWrite(c: WriteConditions, existing: Pick<Validators, 'etag'> | undefined): void {
  if (c.ifNoneMatch === '*' && existing) throw preconditionFailed('If-None-Match');
  if (c.ifMatch !== undefined) {
    if (!existing) throw new S3Error('NoSuchKey');
    if (!matches(c.ifMatch, existing.etag)) throw preconditionFailed('If-Match');
  }
}
