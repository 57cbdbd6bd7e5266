// Query-string parameters: decoding, and the typed list/multipart parameters with S3's
// defaults and limits. Unknown parameters (the SDKs' x-id, cache busters) are kept in the
// map and simply never read.

import { S3Error } from './errors.js';
import type {
  EncodingType,
  ListMultipartUploadsParams,
  ListObjectsV1Params,
  ListObjectsV2Params,
  ListPartsParams,
} from './ops.js';

export type QueryParams = ReadonlyMap<string, string>;

/** Form-decodes a raw query (without `?`); a repeated name keeps its first value. */
export function parseQuery(rawQuery: string): QueryParams {
  const out = new Map<string, string>();
  if (rawQuery === '') return out;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeQueryPart(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decodeQueryPart(pair.slice(eq + 1));
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

function decodeQueryPart(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new S3Error('InvalidURI');
  }
}

function invalidArgument(name: string, value: string, message: string): S3Error {
  return new S3Error('InvalidArgument', message, { extra: { ArgumentName: name, ArgumentValue: value } });
}

const INT32_MAX = 2147483647;

/** A non-negative integer parameter; above `cap` it is capped (S3 caps max-keys silently). */
function cappedCount(q: QueryParams, name: string, cap: number): number {
  const raw = q.get(name);
  if (raw === undefined || raw === '') return cap;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n <= INT32_MAX)) throw invalidArgument(name, raw, `Provided ${name} not an integer or within integer range`);
  return Math.min(n, cap);
}

const LIST_CAP = 1000;

function encodingType(q: QueryParams): EncodingType | undefined {
  const raw = q.get('encoding-type');
  if (raw === undefined || raw === '') return undefined;
  if (raw.toLowerCase() === 'url') return 'url';
  throw invalidArgument('encoding-type', raw, 'Invalid Encoding Method specified in Request');
}

/** An empty `delimiter=` means no delimiter. */
function delimiter(q: QueryParams): string | undefined {
  const d = q.get('delimiter');
  return d === undefined || d === '' ? undefined : d;
}

function optional(q: QueryParams, name: string): string | undefined {
  const v = q.get(name);
  return v === undefined || v === '' ? undefined : v;
}

/** 1 for ListObjects, 2 for ListObjectsV2. */
export function listType(q: QueryParams): 1 | 2 {
  const raw = q.get('list-type');
  if (raw === undefined || raw === '' || raw === '1') return 1;
  if (raw === '2') return 2;
  throw invalidArgument('list-type', raw, 'Invalid List Type specified in Request');
}

export function listObjectsV1Params(q: QueryParams): ListObjectsV1Params {
  const d = delimiter(q);
  const e = encodingType(q);
  return {
    prefix: q.get('prefix') ?? '',
    ...(d !== undefined && { delimiter: d }),
    marker: q.get('marker') ?? '',
    maxKeys: cappedCount(q, 'max-keys', LIST_CAP),
    ...(e && { encodingType: e }),
  };
}

export function listObjectsV2Params(q: QueryParams): ListObjectsV2Params {
  const d = delimiter(q);
  const e = encodingType(q);
  const token = optional(q, 'continuation-token');
  const startAfter = optional(q, 'start-after');
  return {
    prefix: q.get('prefix') ?? '',
    ...(d !== undefined && { delimiter: d }),
    maxKeys: cappedCount(q, 'max-keys', LIST_CAP),
    ...(e && { encodingType: e }),
    ...(token !== undefined && { continuationToken: token }),
    ...(startAfter !== undefined && { startAfter }),
    fetchOwner: q.get('fetch-owner')?.toLowerCase() === 'true',
  };
}

export function listMultipartUploadsParams(q: QueryParams): ListMultipartUploadsParams {
  const d = delimiter(q);
  const e = encodingType(q);
  return {
    prefix: q.get('prefix') ?? '',
    ...(d !== undefined && { delimiter: d }),
    keyMarker: q.get('key-marker') ?? '',
    uploadIdMarker: q.get('upload-id-marker') ?? '',
    maxUploads: cappedCount(q, 'max-uploads', LIST_CAP),
    ...(e && { encodingType: e }),
  };
}

export function listPartsParams(q: QueryParams): ListPartsParams {
  const marker = q.get('part-number-marker');
  let partNumberMarker = 0;
  if (marker !== undefined && marker !== '') {
    partNumberMarker = /^\d+$/.test(marker) ? Number(marker) : NaN;
    if (!(partNumberMarker <= MAX_PART_NUMBER)) {
      throw invalidArgument('part-number-marker', marker, 'Provided part-number-marker not an integer or within integer range');
    }
  }
  return { maxParts: cappedCount(q, 'max-parts', LIST_CAP), partNumberMarker };
}

export const MAX_PART_NUMBER = 10000;

/** partNumber of UploadPart, UploadPartCopy and GetObject/HeadObject: 1..10000, leading zeros allowed. */
export function partNumber(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_PART_NUMBER)) {
    throw invalidArgument('partNumber', raw, `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`);
  }
  return n;
}
