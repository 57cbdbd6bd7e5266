// Object parameters carried in headers and in the response-* query parameters.

import { parseChecksumAlgorithm } from './body/checksums.js';
import { S3Error } from './errors.js';
import { metadataFromRequestHeaders } from './meta-headers.js';
import {
  CANNED_ACLS,
  type CannedAcl,
  type ChecksumAlgorithm,
  type ContentHeaders,
  type CopySource,
  type MetadataDirective,
  type NewObjectParams,
  type ResponseOverrides,
} from './ops.js';
import { headerValue, toWireHeaderValue, type HeaderMap } from './route-headers.js';
import type { QueryParams } from './route-query.js';
import { decodePath, validateBucketName, validateKey } from './route-target.js';

/** `aws-chunked` is transfer framing (CLIENTS.md R1.6): never stored, so never sent back. */
function storedContentEncoding(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const kept = value
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '' && t.toLowerCase() !== 'aws-chunked');
  return kept.length ? kept.join(', ') : undefined;
}

const CONTENT_HEADERS = [
  ['contentType', 'content-type'],
  ['contentDisposition', 'content-disposition'],
  ['contentLanguage', 'content-language'],
  ['cacheControl', 'cache-control'],
  ['expires', 'expires'],
] as const;

export function contentHeaders(headers: HeaderMap): ContentHeaders {
  const out: { -readonly [K in keyof ContentHeaders]: string } = {};
  for (const [field, name] of CONTENT_HEADERS) {
    const v = headerValue(headers, name);
    if (v !== undefined) out[field] = v;
  }
  const encoding = storedContentEncoding(headerValue(headers, 'content-encoding'));
  if (encoding !== undefined) out.contentEncoding = encoding;
  return out;
}

const OVERRIDES = [
  ['contentType', 'response-content-type'],
  ['contentLanguage', 'response-content-language'],
  ['expires', 'response-expires'],
  ['cacheControl', 'response-cache-control'],
  ['contentDisposition', 'response-content-disposition'],
  ['contentEncoding', 'response-content-encoding'],
] as const;

export function responseOverrides(q: QueryParams): ResponseOverrides {
  const out: { -readonly [K in keyof ResponseOverrides]: string } = {};
  for (const [field, name] of OVERRIDES) {
    const v = q.get(name);
    if (v !== undefined) out[field] = toWireHeaderValue(v, name);
  }
  return out;
}

function cannedAcl(headers: HeaderMap): CannedAcl | undefined {
  const v = headerValue(headers, 'x-amz-acl');
  if (v === undefined) return undefined;
  const acl = CANNED_ACLS.find((a) => a === v.trim().toLowerCase());
  if (!acl) throw new S3Error('InvalidArgument', undefined, { extra: { ArgumentName: 'x-amz-acl', ArgumentValue: v } });
  return acl;
}

export function newObjectParams(headers: HeaderMap): NewObjectParams {
  const acl = cannedAcl(headers);
  return {
    content: contentHeaders(headers),
    metadata: metadataFromRequestHeaders(headers),
    ...(acl && { acl }),
  };
}

export function bucketAcl(headers: HeaderMap): { readonly acl?: CannedAcl } {
  const acl = cannedAcl(headers);
  return acl ? { acl } : {};
}

export function metadataDirective(headers: HeaderMap): MetadataDirective {
  const v = headerValue(headers, 'x-amz-metadata-directive');
  if (v === undefined) return 'COPY';
  const d = v.trim().toUpperCase();
  if (d === 'COPY' || d === 'REPLACE') return d;
  throw new S3Error('InvalidArgument', 'Unknown metadata directive.', {
    extra: { ArgumentName: 'x-amz-metadata-directive', ArgumentValue: v },
  });
}

export function checksumAlgorithm(headers: HeaderMap): ChecksumAlgorithm | undefined {
  const v = headerValue(headers, 'x-amz-checksum-algorithm');
  if (v === undefined) return undefined;
  const alg = parseChecksumAlgorithm(v);
  if (!alg) throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
  return alg;
}

export function checksumType(headers: HeaderMap): 'COMPOSITE' | 'FULL_OBJECT' | undefined {
  const v = headerValue(headers, 'x-amz-checksum-type');
  if (v === undefined) return undefined;
  const t = v.trim().toUpperCase();
  if (t === 'COMPOSITE' || t === 'FULL_OBJECT') return t;
  throw new S3Error('InvalidRequest', 'Value for x-amz-checksum-type header is invalid.');
}

/**
 * x-amz-copy-source: `[/]<bucket>/<key>[?versionId=<id>]`, URL-encoded as clients send it
 * (CLIENTS.md R2.9). The bucket and key obey the same rules as a request's.
 */
export function copySource(value: string): CopySource {
  const q = value.indexOf('?');
  const path = q < 0 ? value : value.slice(0, q);
  const versionId = q < 0 ? undefined : new URLSearchParams(value.slice(q + 1)).get('versionId') ?? undefined;
  const decoded = decodePath(path.startsWith('/') ? path.slice(1) : path);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', {
      extra: { ArgumentName: 'x-amz-copy-source', ArgumentValue: value },
    });
  }
  const bucket = decoded.slice(0, slash);
  const key = decoded.slice(slash + 1);
  validateBucketName(bucket);
  validateKey(key);
  return { bucket, key, ...(versionId !== undefined && { versionId }) };
}
