// PutObject: the body streams into the site (which waits on the write throttle), the
// payload checks run before the commit, and the ETag (hex MD5) comes back quoted with any
// verified x-amz-checksum-* echoed.

import { evaluateWrite } from '../conditions.js';
import { isDirectoryContentType } from '../content-type.js';
import { S3Error } from '../errors.js';
import { checkDeclaredSize, limitBody, MAX_OBJECT_BYTES } from '../request-body.js';
import type { S3Handler } from './context.js';
import { quoted, writeAttrsOf } from './shared.js';

export const putObject: S3Handler<'PutObject'> = async (ctx, op) => {
  if (op.key.endsWith('/') && !isDirectoryContentType(op.content.contentType)) {
    throw new S3Error('InvalidArgument', "cannot create object with trailing '/' char unless Content-Type is 'application/x-directory'");
  }
  const declared = checkDeclaredSize(ctx.headers, MAX_OBJECT_BYTES);
  const payload = ctx.payload();
  const ifMatch = op.conditions.ifMatch;
  const result = await ctx.site.putObject(ctx.principal, op.bucket, op.key, {
    body: limitBody(payload.body, MAX_OBJECT_BYTES),
    attrs: writeAttrsOf(op),
    verify: () => payload.verify(),
    expectedSize: declared,
    ifNoneMatch: op.conditions.ifNoneMatch === '*',
    // If-None-Match is checked by the site's atomic commit; If-Match against the key as it is now.
    ...(ifMatch !== undefined && { checkExisting: (existing) => evaluateWrite({ ifMatch }, existing) }),
  });
  return { kind: 'empty', status: 200, headers: { etag: quoted(result.etag), ...payload.checksumHeaders() } };
};
