// CopyObject and UploadPartCopy. Both reuse the source's segments: no bytes are read or
// written. Source conditions (x-amz-copy-source-if-*) are checked against the source the
// copy actually uses.

import { evaluateCopySource } from '../conditions.js';
import { S3Error } from '../errors.js';
import { checkCopySourceRange } from '../range.js';
import { copyObjectResultXml, copyPartResultXml } from '../xml/responses.js';
import type { S3Handler } from './context.js';
import { sliceSegments } from './segment-slice.js';
import { checkDestination, requireNullVersion, writeAttrsOf } from './shared.js';

export const copyObject: S3Handler<'CopyObject'> = async (ctx, op) => {
  requireNullVersion(op.source.versionId);
  if (op.key.endsWith('/')) throw new S3Error('InvalidRequest', 'A directory placeholder cannot be the destination of a copy.');
  await checkDestination(ctx, op.bucket, op.key, op.conditions);
  const result = await ctx.site.copyObject(ctx.principal, op.bucket, op.key, {
    srcBucket: op.source.bucket,
    srcKey: op.source.key,
    ...(op.directive === 'REPLACE' && { replaceAttrs: writeAttrsOf(op) }),
    checkSource: (info) => evaluateCopySource(op.sourceConditions, info),
  });
  return { kind: 'xml', body: copyObjectResultXml({ lastModified: result.lastModified, etag: result.etag }) };
};

export const uploadPartCopy: S3Handler<'UploadPartCopy'> = async (ctx, op) => {
  requireNullVersion(op.source.versionId);
  const source = await ctx.site.sourceSegments(ctx.principal, op.source.bucket, op.source.key);
  evaluateCopySource(op.sourceConditions, source.info);
  let segments = source.segments;
  if (op.sourceRange) {
    checkCopySourceRange(op.sourceRange, source.info.size);
    segments = sliceSegments(segments, op.sourceRange.start, op.sourceRange.end + 1);
  }
  const part = await ctx.site.multipart.copyPart(ctx.principal, op.bucket, op.key, op.uploadId, op.partNumber, segments);
  return { kind: 'xml', body: copyPartResultXml({ lastModified: part.lastModified, etag: part.etag }) };
};
