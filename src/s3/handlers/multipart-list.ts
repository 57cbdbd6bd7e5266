// ListParts and ListMultipartUploads. The site returns all parts of an upload and all
// uploads of a bucket (each bounded: 10,000 parts, a user's pending uploads); the S3 paging
// (markers, max-parts/max-uploads, prefix and delimiter) is applied here.

import type { UploadInfo } from '../../site/site.js';
import { compareUtf8 } from '../../common/utf8-order.js';
import type { ListMultipartUploadsParams } from '../ops.js';
import { listMultipartUploadsResultXml, listPartsResultXml } from '../xml/list-responses.js';
import type { S3Handler } from './context.js';

export const listParts: S3Handler<'ListParts'> = async (ctx, op) => {
  const { parts } = await ctx.site.multipart.listParts(ctx.principal, op.bucket, op.key, op.uploadId);
  const after = parts.filter((p) => p.partNumber > op.list.partNumberMarker).sort((a, b) => a.partNumber - b.partNumber);
  const page = after.slice(0, op.list.maxParts);
  const isTruncated = after.length > page.length;
  const body = listPartsResultXml({
    bucket: op.bucket,
    key: op.key,
    uploadId: op.uploadId,
    initiator: ctx.owner,
    owner: ctx.owner,
    params: op.list,
    isTruncated,
    ...(isTruncated && page.length > 0 && { nextPartNumberMarker: page.at(-1)!.partNumber }),
    parts: page.map((p) => ({ partNumber: p.partNumber, lastModified: p.lastModified, etag: p.etag, size: p.size })),
  });
  return { kind: 'xml', body };
};

export interface UploadsPage {
  readonly uploads: UploadInfo[];
  readonly commonPrefixes: string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextUploadIdMarker?: string;
}

function byKeyThenAge(a: UploadInfo, b: UploadInfo): number {
  return compareUtf8(a.key, b.key) || a.initiated.getTime() - b.initiated.getTime() || compareUtf8(a.uploadId, b.uploadId);
}

/** One page of uploads in S3 order (key, then initiation time), after the markers. */
export function pageUploads(all: readonly UploadInfo[], p: ListMultipartUploadsParams): UploadsPage {
  const sorted = all.filter((u) => u.key.startsWith(p.prefix)).sort(byKeyThenAge);
  const markerAt = sorted.findIndex((u) => u.key === p.keyMarker && u.uploadId === p.uploadIdMarker);
  const isAfterMarker = (u: UploadInfo, i: number): boolean => {
    const c = compareUtf8(u.key, p.keyMarker);
    return p.keyMarker === '' || c > 0 || (c === 0 && p.uploadIdMarker !== '' && i > markerAt);
  };
  const uploads: UploadInfo[] = [];
  const commonPrefixes: string[] = [];
  let next: { key: string; uploadId?: string } | undefined;
  for (const [i, u] of sorted.entries()) {
    if (!isAfterMarker(u, i)) continue;
    const cut = p.delimiter ? u.key.indexOf(p.delimiter, p.prefix.length) : -1;
    const prefix = cut >= 0 ? u.key.slice(0, cut + p.delimiter!.length) : undefined;
    // A prefix at or before the key marker was returned on an earlier page.
    if (prefix !== undefined && (prefix === commonPrefixes.at(-1) || compareUtf8(prefix, p.keyMarker) <= 0)) continue;
    if (uploads.length + commonPrefixes.length >= p.maxUploads) {
      return { uploads, commonPrefixes, isTruncated: true, ...markers(next) };
    }
    if (prefix !== undefined) {
      commonPrefixes.push(prefix);
      next = { key: prefix };
    } else {
      uploads.push(u);
      next = { key: u.key, uploadId: u.uploadId };
    }
  }
  return { uploads, commonPrefixes, isTruncated: false };
}

function markers(next: { key: string; uploadId?: string } | undefined): Pick<UploadsPage, 'nextKeyMarker' | 'nextUploadIdMarker'> {
  if (!next) return {};
  return { nextKeyMarker: next.key, ...(next.uploadId !== undefined && { nextUploadIdMarker: next.uploadId }) };
}

export const listMultipartUploads: S3Handler<'ListMultipartUploads'> = async (ctx, op) => {
  const page = pageUploads(await ctx.site.multipart.listUploads(ctx.principal, op.bucket), op.list);
  const body = listMultipartUploadsResultXml({
    bucket: op.bucket,
    params: op.list,
    isTruncated: page.isTruncated,
    ...(page.nextKeyMarker !== undefined && { nextKeyMarker: page.nextKeyMarker }),
    ...(page.nextUploadIdMarker !== undefined && { nextUploadIdMarker: page.nextUploadIdMarker }),
    uploads: page.uploads.map((u) => ({ key: u.key, uploadId: u.uploadId, initiator: ctx.owner, owner: ctx.owner, initiated: u.initiated })),
    commonPrefixes: page.commonPrefixes,
  });
  return { kind: 'xml', body };
};
