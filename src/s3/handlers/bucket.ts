// Service and bucket operations: ListBuckets, CreateBucket, DeleteBucket, HeadBucket,
// GetBucketLocation, GetBucketVersioning.

import { metaResponseHeaders } from '../meta-headers.js';
import { listAllMyBucketsResultXml } from '../xml/list-responses.js';
import { parseCreateBucketConfiguration, XML_BODY_LIMITS } from '../xml/request-bodies.js';
import { locationConstraintXml, versioningConfigurationXml } from '../xml/responses.js';
import type { S3Handler } from './context.js';
import { quoted, readXmlBody } from './shared.js';

export const listBuckets: S3Handler<'ListBuckets'> = async (ctx) => {
  const buckets = await ctx.site.listBuckets(ctx.principal);
  const body = listAllMyBucketsResultXml({
    owner: ctx.owner,
    buckets: buckets.map((b) => ({ name: b.name, creationDate: b.created })),
  });
  return { kind: 'xml', body };
};

export const createBucket: S3Handler<'CreateBucket'> = async (ctx, op) => {
  // The location constraint is read (a malformed document is an error) and ignored: one region.
  parseCreateBucketConfiguration(await readXmlBody(ctx, XML_BODY_LIMITS.CreateBucket));
  await ctx.site.createBucket(ctx.principal, op.bucket);
  return { kind: 'empty', status: 200, headers: { location: `/${encodeURIComponent(op.bucket)}` } };
};

export const deleteBucket: S3Handler<'DeleteBucket'> = async (ctx, op) => {
  await ctx.site.deleteBucket(ctx.principal, op.bucket);
  return { kind: 'empty', status: 204 };
};

export const headBucket: S3Handler<'HeadBucket'> = async (ctx, op) => {
  const head = await ctx.site.headBucket(ctx.principal, op.bucket);
  const headers: Record<string, string> = {
    ...metaResponseHeaders({ properties: head.properties }),
    'x-amz-bucket-region': ctx.config.region,
  };
  if (head.etag !== undefined) headers['etag'] = quoted(head.etag);
  return { kind: 'empty', status: 200, headers };
};

export const getBucketLocation: S3Handler<'GetBucketLocation'> = async (ctx, op) => {
  await ctx.site.headBucket(ctx.principal, op.bucket);
  // S3 reports us-east-1 as an empty constraint, and SDKs read it that way.
  const region = ctx.config.region === 'us-east-1' ? '' : ctx.config.region;
  return { kind: 'xml', body: locationConstraintXml(region) };
};

export const getBucketVersioning: S3Handler<'GetBucketVersioning'> = async (ctx, op) => {
  await ctx.site.headBucket(ctx.principal, op.bucket);
  return { kind: 'xml', body: versioningConfigurationXml() };
};
