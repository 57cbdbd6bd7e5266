// CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload. Parts
// stream into the site like PutObject bodies; Complete splices the parts' segments into
// the destination file (the site checks part order, ETags and sizes).

import { checkDeclaredSize, limitBody, MAX_OBJECT_BYTES } from '../request-body.js';
import {
  completeMultipartUploadResultXml,
  initiateMultipartUploadResultXml,
} from '../xml/responses.js';
import { parseCompleteMultipartUpload, XML_BODY_LIMITS } from '../xml/request-bodies.js';
import type { S3Handler } from './context.js';
import { checkDestination, quoted, readXmlBody, writeAttrsOf } from './shared.js';

export const createMultipartUpload: S3Handler<'CreateMultipartUpload'> = async (ctx, op) => {
  const uploadId = await ctx.site.multipart.create(ctx.principal, op.bucket, op.key, writeAttrsOf(op));
  // Echoed as S3 does; keepgate keeps no per-part checksums, so Complete reports none.
  const headers: Record<string, string> = {};
  if (op.checksumAlgorithm) headers['x-amz-checksum-algorithm'] = op.checksumAlgorithm;
  if (op.checksumType) headers['x-amz-checksum-type'] = op.checksumType;
  return { kind: 'xml', body: initiateMultipartUploadResultXml({ bucket: op.bucket, key: op.key, uploadId }), headers };
};

export const uploadPart: S3Handler<'UploadPart'> = async (ctx, op) => {
  const declared = checkDeclaredSize(ctx.headers, MAX_OBJECT_BYTES);
  const payload = ctx.payload();
  const part = await ctx.site.multipart.uploadPart(
    ctx.principal,
    op.bucket,
    op.key,
    op.uploadId,
    op.partNumber,
    limitBody(payload.body, MAX_OBJECT_BYTES),
    () => payload.verify(),
    declared,
  );
  return { kind: 'empty', status: 200, headers: { etag: quoted(part.etag), ...payload.checksumHeaders() } };
};

/** A key in a URL path: each segment percent-encoded, slashes kept. */
const encodeKey = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

export const completeMultipartUpload: S3Handler<'CompleteMultipartUpload'> = async (ctx, op) => {
  const request = parseCompleteMultipartUpload(await readXmlBody(ctx, XML_BODY_LIMITS.CompleteMultipartUpload));
  await checkDestination(ctx, op.bucket, op.key, op.conditions);
  const { etag } = await ctx.site.multipart.complete(ctx.principal, op.bucket, op.key, op.uploadId, request.parts);
  const location = `${ctx.origin}/${encodeURIComponent(op.bucket)}/${encodeKey(op.key)}`;
  return { kind: 'xml', body: completeMultipartUploadResultXml({ location, bucket: op.bucket, key: op.key, etag }) };
};

export const abortMultipartUpload: S3Handler<'AbortMultipartUpload'> = async (ctx, op) => {
  await ctx.site.multipart.abort(ctx.principal, op.bucket, op.key, op.uploadId);
  return { kind: 'empty', status: 204 };
};
