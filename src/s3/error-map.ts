// Any failure -> the S3Error a client sees. A SiteError's reason is already an S3 code
// (the site names its failures after S3 nouns); everything else goes through toS3Error's
// DomainError table. Messages of server-side failures are never sent: the caller logs them.

import { SiteError, type SiteErrorReason } from '../site/site.js';
import { S3Error, toS3Error, type S3ErrorCode } from './errors.js';

// Compile-time check that every site reason is an S3 code.
const SITE_REASON_CODE: { readonly [R in SiteErrorReason]: S3ErrorCode & R } = {
  NoSuchBucket: 'NoSuchBucket',
  NoSuchKey: 'NoSuchKey',
  NoSuchUpload: 'NoSuchUpload',
  NoSuchTagSet: 'NoSuchTagSet',
  InvalidPart: 'InvalidPart',
  InvalidPartOrder: 'InvalidPartOrder',
  EntityTooSmall: 'EntityTooSmall',
  InvalidArgument: 'InvalidArgument',
  InvalidRequest: 'InvalidRequest',
  InvalidTag: 'InvalidTag',
  BucketNotEmpty: 'BucketNotEmpty',
  BucketAlreadyOwnedByYou: 'BucketAlreadyOwnedByYou',
  BucketAlreadyExists: 'BucketAlreadyExists',
  PreconditionFailed: 'PreconditionFailed',
  AccessDenied: 'AccessDenied',
  InvalidAccessKeyId: 'InvalidAccessKeyId',
  ServiceUnavailable: 'ServiceUnavailable',
  SlowDown: 'SlowDown',
};

/** Reasons whose site message describes the server's state rather than the request. */
const GENERIC_MESSAGE: ReadonlySet<SiteErrorReason> = new Set(['ServiceUnavailable', 'SlowDown']);

export function s3ErrorOf(err: unknown): S3Error {
  if (err instanceof SiteError) {
    const code = SITE_REASON_CODE[err.reason];
    return new S3Error(code, GENERIC_MESSAGE.has(err.reason) ? undefined : err.message, { cause: err });
  }
  return toS3Error(err);
}

/** Server-side failures: logged with their cause at error level. */
export function isServerFault(err: S3Error): boolean {
  return err.status >= 500;
}
