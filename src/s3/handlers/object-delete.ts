// DeleteObject (idempotent: a missing key is a 204 too) and DeleteObjects (up to 1000 keys,
// each failure reported per key, quiet or verbose). The batch body's Content-MD5 or
// x-amz-checksum-* is checked by the payload pipeline, like any other body's.

import { Throttle } from '../../common/throttle.js';
import { s3ErrorOf, isServerFault } from '../error-map.js';
import { validateKey } from '../route-target.js';
import { deleteResultXml } from '../xml/responses.js';
import { parseDeleteObjects, XML_BODY_LIMITS } from '../xml/request-bodies.js';
import type { DeleteResult } from '../xml/types.js';
import type { S3Handler } from './context.js';
import { readXmlBody, requireNullVersion } from './shared.js';

/** Deletes of one batch in flight at once. */
const DELETE_CONCURRENCY = 16;

export const deleteObject: S3Handler<'DeleteObject'> = async (ctx, op) => {
  requireNullVersion(op.versionId);
  await ctx.site.deleteObject(ctx.principal, op.bucket, op.key);
  return { kind: 'empty', status: 204 };
};

type Deleted = DeleteResult['deleted'][number];
type Failed = DeleteResult['errors'][number];

export const deleteObjects: S3Handler<'DeleteObjects'> = async (ctx, op) => {
  const request = parseDeleteObjects(await readXmlBody(ctx, XML_BODY_LIMITS.DeleteObjects));
  await ctx.site.headBucket(ctx.principal, op.bucket); // an unknown bucket fails the request, not each key
  const throttle = new Throttle(DELETE_CONCURRENCY);
  const outcomes = await Promise.all(
    request.objects.map((o) =>
      throttle.run(async (): Promise<{ ok: Deleted } | { failed: Failed }> => {
        const version = o.versionId !== undefined ? { versionId: o.versionId } : {};
        try {
          validateKey(o.key);
          requireNullVersion(o.versionId);
          await ctx.site.deleteObject(ctx.principal, op.bucket, o.key);
          return { ok: { key: o.key, ...version } };
        } catch (err) {
          const e = s3ErrorOf(err);
          if (isServerFault(e)) ctx.logFault(err, 'DeleteObjects: one key failed');
          return { failed: { key: o.key, code: e.code, message: e.message, ...version } };
        }
      }),
    ),
  );
  const result: DeleteResult = {
    quiet: request.quiet,
    deleted: outcomes.flatMap((r) => ('ok' in r ? [r.ok] : [])),
    errors: outcomes.flatMap((r) => ('failed' in r ? [r.failed] : [])),
  };
  return { kind: 'xml', body: deleteResultXml(result) };
};
