// Failures of the site layer. The reasons are the S3 nouns (the site maps S3 buckets and
// keys onto Arvados things), so the protocol layer can name the exact S3 error without the
// site knowing anything about HTTP.

import { DomainError, type ErrorKind } from '../common/errors.js';

const REASON_KIND = {
  NoSuchBucket: 'NotFound',
  NoSuchKey: 'NotFound',
  NoSuchUpload: 'NotFound',
  NoSuchTagSet: 'NotFound',
  InvalidPart: 'InvalidArgument',
  InvalidPartOrder: 'InvalidArgument',
  EntityTooSmall: 'InvalidArgument',
  InvalidArgument: 'InvalidArgument',
  InvalidRequest: 'InvalidArgument',
  InvalidTag: 'InvalidArgument',
  BucketNotEmpty: 'NotEmpty',
  BucketAlreadyOwnedByYou: 'Conflict',
  BucketAlreadyExists: 'Conflict',
  PreconditionFailed: 'PreconditionFailed',
  AccessDenied: 'PermissionDenied',
  InvalidAccessKeyId: 'Unauthorized',
  ServiceUnavailable: 'Unavailable',
  SlowDown: 'Unavailable',
} as const satisfies Record<string, ErrorKind>;

export type SiteErrorReason = keyof typeof REASON_KIND;

export class SiteError extends DomainError {
  readonly reason: SiteErrorReason;
  constructor(reason: SiteErrorReason, message: string, options?: { cause?: unknown }) {
    super(REASON_KIND[reason], message, options);
    this.reason = reason;
  }
}
