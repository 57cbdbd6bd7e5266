// AWS Signature Version 2 (S3 "REST authentication"), in the header form `AWS <key>:<sig>`
// and the query form (AWSAccessKeyId, Signature, Expires) that boto3 and the AWS CLI v1 use
// for presigned URLs against custom endpoints. The signature is base64(HMAC-SHA1(secret,
// string to sign)), and it is really checked (keep-web does not; ARVADOS.md §i).
import { createHmac } from 'node:crypto';
import { S3Error } from '../errors.js';
import { accessKeyForDisplay } from './credentials.js';
import { checkSkew, parseAmzDate, parseHttpDate } from './amz-date.js';
import { percentDecode, splitQuery, type RawQueryParam } from './canonical.js';
import { signaturesEqual } from './signing.js';
import type { AuthRequest, ResolvedSecret, ResolveSecret } from './types.js';

/**
 * Query parameters that name a sub-resource and so belong to the canonical resource: the
 * list of the AWS documentation, plus what botocore (the main SigV2 signer left) adds.
 */
export const V2_SUBRESOURCES: ReadonlySet<string> = new Set([
  'accelerate', 'acl', 'analytics', 'cors', 'defaultObjectAcl', 'delete', 'inventory', 'lifecycle', 'location',
  'logging', 'metrics', 'notification', 'object-lock', 'partNumber', 'policy', 'replication', 'requestPayment',
  'restore', 'select', 'select-type', 'storageClass', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId',
  'versioning', 'versions', 'website', 'response-cache-control', 'response-content-disposition',
  'response-content-encoding', 'response-content-language', 'response-content-type', 'response-expires',
]);

/** `[/bucket]<path as received>[?sub-resources sorted by name, values decoded]`. */
export function canonicalResourceV2(rawPath: string, params: readonly RawQueryParam[], virtualHostBucket?: string): string {
  const path = (virtualHostBucket !== undefined ? `/${virtualHostBucket}` : '') + (rawPath === '' ? '/' : rawPath);
  const subs = params
    .filter((p) => V2_SUBRESOURCES.has(p.key))
    .map((p, i) => ({ key: p.key, value: p.value, i }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  if (subs.length === 0) return path;
  // An empty value (`?acl`, or `?acl=`) is written as the bare name.
  return `${path}?${subs.map((s) => (s.value === '' ? s.key : `${s.key}=${percentDecode(s.value, { plusIsSpace: false })}`)).join('&')}`;
}

/**
 * The resources a request may have been signed with. S3 names a bucket `/<bucket>/`, and
 * botocore signs a path-style bucket request (sent as `/bucket?acl`) that way.
 */
function resourcesOf(req: AuthRequest): string[] {
  const params = splitQuery(req.rawQuery);
  const asSent = canonicalResourceV2(req.rawPath, params, req.virtualHostBucket);
  const bareBucket = req.virtualHostBucket === undefined && /^\/[^/]+$/.test(req.rawPath);
  return bareBucket ? [asSent, canonicalResourceV2(`${req.rawPath}/`, params)] : [asSent];
}

export interface V2StringToSignParts {
  readonly method: string;
  readonly contentMd5: string;
  readonly contentType: string;
  /** The Date header, '' when x-amz-date is sent, or Expires for the query form. */
  readonly date: string;
  /** x-amz-* headers, lower-case names. */
  readonly amzHeaders: ReadonlyMap<string, string>;
  readonly resource: string;
}

export function stringToSignV2(p: V2StringToSignParts): string {
  const amz = [...p.amzHeaders.keys()].sort().map((k) => `${k}:${p.amzHeaders.get(k)!.trim()}\n`).join('');
  return `${p.method}\n${p.contentMd5.trim()}\n${p.contentType.trim()}\n${p.date}\n${amz}${p.resource}`;
}

export function signV2(secret: string, toSign: string): string {
  return createHmac('sha1', secret).update(toSign, 'utf8').digest('base64');
}

export interface V2Deps {
  readonly resolveSecret: ResolveSecret;
  readonly nowMs: number;
  readonly maxSkewSeconds: number;
}

export interface V2Verified {
  readonly accessKey: string;
  readonly resolved: ResolvedSecret;
}

function amzHeadersOf(headers: AuthRequest['headers']): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(headers)) if (k.startsWith('x-amz-') && v !== undefined) out.set(k, v);
  return out;
}

/** Checks `signature` against each way of writing the Date line, in order. */
async function check(accessKey: string, signature: string, variants: readonly V2StringToSignParts[], deps: V2Deps): Promise<V2Verified> {
  const resolved = await deps.resolveSecret(accessKey);
  if (!resolved) throw new S3Error('InvalidAccessKeyId', undefined, { extra: { AWSAccessKeyId: accessKeyForDisplay(accessKey) } });
  const strings = variants.map(stringToSignV2);
  if (!strings.some((toSign) => signaturesEqual(signV2(resolved.secret, toSign), signature))) {
    throw new S3Error('SignatureDoesNotMatch', undefined, {
      extra: { AWSAccessKeyId: accessKeyForDisplay(accessKey), StringToSign: strings[0]!, SignatureProvided: signature },
    });
  }
  return { accessKey, resolved };
}

/** Verifies `Authorization: AWS <access key>:<signature>`. */
export async function verifyV2Header(req: AuthRequest, deps: V2Deps): Promise<V2Verified> {
  const value = (req.headers.authorization ?? '').slice('AWS '.length).trim();
  const colon = value.lastIndexOf(':');
  if (colon <= 0 || colon === value.length - 1) {
    throw new S3Error('InvalidRequest', 'The authorization header is malformed; expecting "AWS <AccessKeyId>:<Signature>".');
  }
  const amzDate = req.headers['x-amz-date'];
  const dateValue = amzDate ?? req.headers.date ?? '';
  const requestMs = parseHttpDate(dateValue) ?? parseAmzDate(dateValue);
  if (requestMs === undefined) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  checkSkew(requestMs, deps.nowMs, deps.maxSkewSeconds);
  const parts: Omit<V2StringToSignParts, 'resource'> = {
    method: req.method,
    contentMd5: req.headers['content-md5'] ?? '',
    contentType: req.headers['content-type'] ?? '',
    date: req.headers.date ?? '',
    amzHeaders: amzHeadersOf(req.headers),
  };
  // With x-amz-date (itself signed among the x-amz-* headers) AWS documents an empty Date
  // line; botocore writes the Date header there all the same when both are sent.
  const dates = amzDate !== undefined && parts.date !== '' ? [parts.date, ''] : [parts.date];
  const variants = dates.flatMap((date) => resourcesOf(req).map((resource) => ({ ...parts, date, resource })));
  return check(value.slice(0, colon), value.slice(colon + 1), variants, deps);
}

/**
 * Verifies `?AWSAccessKeyId=…&Expires=…&Signature=…`. botocore moves the x-amz-*, Content-MD5
 * and Content-Type headers it signed into the query string, so those are read there first.
 */
export async function verifyV2Query(req: AuthRequest, query: ReadonlyMap<string, string>, deps: V2Deps): Promise<V2Verified> {
  const accessKey = query.get('AWSAccessKeyId');
  // base64 holds '+', which an unencoded query string turns into a space.
  const signature = query.get('Signature')?.replaceAll(' ', '+');
  const expires = query.get('Expires');
  if (!accessKey || !signature || expires === undefined) {
    throw new S3Error('AccessDenied', 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
  }
  if (!/^\d{1,12}$/.test(expires)) throw new S3Error('AccessDenied', 'Invalid date (should be seconds since epoch): Expires');
  if (deps.nowMs > Number(expires) * 1000) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      extra: { Expires: new Date(Number(expires) * 1000).toISOString(), ServerTime: new Date(deps.nowMs).toISOString() },
    });
  }
  const amzHeaders = amzHeadersOf(req.headers);
  for (const [k, v] of query) if (k.toLowerCase().startsWith('x-amz-')) amzHeaders.set(k.toLowerCase(), v);
  const parts: Omit<V2StringToSignParts, 'resource'> = {
    method: req.method,
    contentMd5: query.get('content-md5') ?? req.headers['content-md5'] ?? '',
    contentType: query.get('content-type') ?? req.headers['content-type'] ?? '',
    date: expires,
    amzHeaders,
  };
  return check(accessKey, signature, resourcesOf(req).map((resource) => ({ ...parts, resource })), deps);
}
