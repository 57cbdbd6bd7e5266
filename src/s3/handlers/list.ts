// ListObjects (v1) and ListObjectsV2 over the site's listing (keys in UTF-8 byte order;
// `next` = the last key or common prefix of a truncated page). v1 pages with a truncated
// result always carry NextMarker; v2's continuation token is base64url of `next`.

import type { ListResult } from '../../site/site.js';
import { S3Error } from '../errors.js';
import { listBucketResultV1Xml, listBucketResultV2Xml } from '../xml/list-responses.js';
import type { ObjectSummary, Owner } from '../xml/types.js';
import type { S3Handler } from './context.js';

export function encodeContinuationToken(next: string): string {
  return Buffer.from(next, 'utf8').toString('base64url');
}

export function decodeContinuationToken(token: string): string {
  const next = Buffer.from(token, 'base64url').toString('utf8');
  if (next === '' || encodeContinuationToken(next) !== token) {
    throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', { extra: { ArgumentName: 'continuation-token' } });
  }
  return next;
}

function summaries(result: ListResult, owner: Owner): ObjectSummary[] {
  return result.contents.map((o) => ({ key: o.key, lastModified: o.lastModified, etag: o.etag, size: o.size, owner }));
}

/** A truncated page without a place to resume from (max-keys=0) is reported as complete. */
const truncated = (r: ListResult): r is ListResult & { next: string } => r.isTruncated && r.next !== undefined;

export const listObjects: S3Handler<'ListObjects'> = async (ctx, op) => {
  const p = op.list;
  const result = await ctx.site.listObjects(ctx.principal, op.bucket, {
    prefix: p.prefix,
    delimiter: p.delimiter ?? '',
    startAfter: p.marker,
    maxKeys: p.maxKeys,
  });
  const body = listBucketResultV1Xml({
    bucket: op.bucket,
    params: p,
    isTruncated: truncated(result),
    contents: summaries(result, ctx.owner),
    commonPrefixes: result.commonPrefixes,
    ...(truncated(result) && { nextMarker: result.next }),
  });
  return { kind: 'xml', body };
};

export const listObjectsV2: S3Handler<'ListObjectsV2'> = async (ctx, op) => {
  const p = op.list;
  const startAfter = p.continuationToken !== undefined ? decodeContinuationToken(p.continuationToken) : (p.startAfter ?? '');
  const result = await ctx.site.listObjects(ctx.principal, op.bucket, {
    prefix: p.prefix,
    delimiter: p.delimiter ?? '',
    startAfter,
    maxKeys: p.maxKeys,
  });
  const body = listBucketResultV2Xml({
    bucket: op.bucket,
    params: p,
    isTruncated: truncated(result),
    contents: summaries(result, ctx.owner),
    commonPrefixes: result.commonPrefixes,
    ...(truncated(result) && { nextContinuationToken: encodeContinuationToken(result.next) }),
  });
  return { kind: 'xml', body };
};
