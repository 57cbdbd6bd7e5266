// Answers for features keepgate does not have, shaped so that clients which ask anyway
// (s3cmd info reads the ACL, policy and CORS of every object it describes) get what they
// can parse: the owner's FULL_CONTROL policy, and the "not configured" errors.

import { S3Error } from '../errors.js';
import { accessControlPolicyXml } from '../xml/responses.js';
import type { S3Handler } from './context.js';

export const getObjectAcl: S3Handler<'GetObjectAcl'> = async (ctx, op) => {
  await ctx.site.openObject(ctx.principal, op.bucket, op.key);
  return { kind: 'xml', body: accessControlPolicyXml(ctx.owner) };
};

export const getBucketAcl: S3Handler<'GetBucketAcl'> = async (ctx, op) => {
  await ctx.site.headBucket(ctx.principal, op.bucket);
  return { kind: 'xml', body: accessControlPolicyXml(ctx.owner) };
};

export const getBucketPolicy: S3Handler<'GetBucketPolicy'> = async (ctx, op) => {
  await ctx.site.headBucket(ctx.principal, op.bucket);
  throw new S3Error('NoSuchBucketPolicy', undefined, { extra: { BucketName: op.bucket } });
};

export const getBucketCors: S3Handler<'GetBucketCors'> = async (ctx, op) => {
  await ctx.site.headBucket(ctx.principal, op.bucket);
  throw new S3Error('NoSuchCORSConfiguration', undefined, { extra: { BucketName: op.bucket } });
};

export const notImplemented: S3Handler<'NotImplemented'> = async (_ctx, op) => {
  const what = op.operation ?? 'This operation';
  throw new S3Error('NotImplemented', `${what} is not implemented by keepgate.`);
};
