// Small pieces several handler families share.

import { SiteError, type WriteAttrs } from '../../site/site.js';
import { evaluateWrite, type WriteConditions } from '../conditions.js';
import { S3Error } from '../errors.js';
import type { ContentHeaders, NewObjectParams } from '../ops.js';
import { collectBody } from '../request-body.js';
import type { HandlerContext } from './context.js';

export const quoted = (etag: string): string => `"${etag}"`;

/** RFC 7231 IMF-fixdate, as Last-Modified needs it. */
export const httpDate = (d: Date): string => d.toUTCString();

/** Stored representation headers, in the order S3 lists them, with their wire names. */
export const CONTENT_HEADER_NAMES = [
  ['contentType', 'content-type'],
  ['contentEncoding', 'content-encoding'],
  ['contentDisposition', 'content-disposition'],
  ['contentLanguage', 'content-language'],
  ['cacheControl', 'cache-control'],
  ['expires', 'expires'],
] as const satisfies ReadonlyArray<readonly [keyof ContentHeaders, string]>;

/** What a write stores with the new object: its representation headers and x-amz-meta-*. */
export function writeAttrsOf(params: NewObjectParams): WriteAttrs {
  const headers: Record<string, string> = {};
  for (const [field, name] of CONTENT_HEADER_NAMES) {
    const value = params.content[field];
    if (field !== 'contentType' && value !== undefined) headers[name] = value;
  }
  return {
    ...(params.content.contentType !== undefined && { contentType: params.content.contentType }),
    headers,
    userMeta: params.metadata,
  };
}

/** Buckets are never versioned: only the "null" version exists. */
export function requireNullVersion(versionId: string | undefined): void {
  if (versionId !== undefined && versionId !== 'null') {
    throw new S3Error('InvalidArgument', 'Invalid version id specified', { extra: { ArgumentName: 'versionId', ArgumentValue: versionId } });
  }
}

/** Reads and verifies a small XML request body. */
export async function readXmlBody(ctx: HandlerContext, maxBytes: number): Promise<Buffer> {
  const payload = ctx.payload();
  const body = await collectBody(payload.body, maxBytes);
  await payload.verify();
  return body;
}

/**
 * If-Match / If-None-Match on the destination of a copy or a multipart completion. The site's
 * writes check nothing there atomically, so
 * this reads the destination first: a writer in between can slip through.
 */
export async function checkDestination(ctx: HandlerContext, bucket: string, key: string, conditions: WriteConditions): Promise<void> {
  if (conditions.ifMatch === undefined && conditions.ifNoneMatch === undefined) return;
  const existing = await ctx.site.openObject(ctx.principal, bucket, key).then(
    (o) => o.info,
    (err: unknown) => {
      if (err instanceof SiteError && err.reason === 'NoSuchKey') return undefined;
      throw err;
    },
  );
  evaluateWrite(conditions, existing);
}
