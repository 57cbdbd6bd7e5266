// Bucket tagging is the bucket's string-valued properties; an object's tags are those of
// the collection (or project) holding it, read-only.

import { parseTagging, XML_BODY_LIMITS } from '../xml/request-bodies.js';
import { taggingXml } from '../xml/responses.js';
import type { S3Handler } from './context.js';
import { readXmlBody } from './shared.js';

export const getBucketTagging: S3Handler<'GetBucketTagging'> = async (ctx, op) => {
  const tags = await ctx.site.getBucketTagging(ctx.principal, op.bucket);
  return { kind: 'xml', body: taggingXml(tags) };
};

export const putBucketTagging: S3Handler<'PutBucketTagging'> = async (ctx, op) => {
  const tags = parseTagging(await readXmlBody(ctx, XML_BODY_LIMITS.PutBucketTagging));
  await ctx.site.putBucketTagging(ctx.principal, op.bucket, tags.map((t) => ({ key: t.key, value: t.value })));
  return { kind: 'empty', status: 204 };
};

export const deleteBucketTagging: S3Handler<'DeleteBucketTagging'> = async (ctx, op) => {
  await ctx.site.deleteBucketTagging(ctx.principal, op.bucket);
  return { kind: 'empty', status: 204 };
};

export const getObjectTagging: S3Handler<'GetObjectTagging'> = async (ctx, op) => {
  const tags = await ctx.site.getObjectTagging(ctx.principal, op.bucket, op.key);
  return { kind: 'xml', body: taggingXml(tags) };
};
