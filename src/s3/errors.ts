// Every S3 error code keepgate sends, with its HTTP status and default message, in one
// table (the status lives with the code, never chosen at a call site).

import { DomainError, type ErrorKind } from '../common/errors.js';

export const S3_ERRORS = {
  AccessDenied: [403, 'Access Denied'],
  BadDigest: [400, 'The Content-MD5 or checksum value that you specified did not match what the server received.'],
  BucketAlreadyExists: [409, 'The requested bucket name is not available.'],
  BucketAlreadyOwnedByYou: [409, 'Your previous request to create the named bucket succeeded and you already own it.'],
  BucketNotEmpty: [409, 'The bucket you tried to delete is not empty.'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed object size.'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed object size.'],
  IncompleteBody: [400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
  InvalidAccessKeyId: [403, 'The AWS access key ID you provided does not exist in our records.'],
  InvalidArgument: [400, 'Invalid Argument'],
  InvalidBucketName: [400, 'The specified bucket is not valid.'],
  InvalidDigest: [400, 'The Content-MD5 or checksum value you specified is not valid.'],
  InvalidPart: [400, 'One or more of the specified parts could not be found.'],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order.'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  InvalidRequest: [400, 'Invalid Request'],
  KeyTooLongError: [400, 'Your key is too long.'],
  MalformedXML: [400, 'The XML you provided was not well-formed or did not validate against our published schema.'],
  MetadataTooLarge: [400, 'Your metadata headers exceed the maximum allowed metadata size.'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  MissingContentLength: [411, 'You must provide the Content-Length HTTP header.'],
  MissingSecurityHeader: [400, 'Your request is missing a required header.'],
  NoSuchBucket: [404, 'The specified bucket does not exist.'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchUpload: [404, 'The specified multipart upload does not exist.'],
  NoSuchTagSet: [404, 'There is no tag set associated with the bucket.'],
  NoSuchBucketPolicy: [404, 'The bucket policy does not exist.'],
  NoSuchCORSConfiguration: [404, 'The CORS configuration does not exist.'],
  NotImplemented: [501, 'A header or query you provided requested a function that is not implemented.'],
  PreconditionFailed: [412, 'At least one of the preconditions you specified did not hold.'],
  RequestTimeout: [400, 'Your socket connection to the server was not read from or written to within the timeout period.'],
  RequestTimeTooSkewed: [403, 'The difference between the request time and the server\'s time is too large.'],
  ServiceUnavailable: [503, 'Service is unable to handle request.'],
  SignatureDoesNotMatch: [403, 'The request signature we calculated does not match the signature you provided.'],
  SlowDown: [503, 'Please reduce your request rate.'],
  XAmzContentSHA256Mismatch: [400, 'The provided \'x-amz-content-sha256\' header does not match what was computed.'],
  InvalidTag: [400, 'The tag provided was not a valid tag.'],
  InvalidURI: [400, 'Couldn\'t parse the specified URI.'],
  AuthorizationQueryParametersError: [400, 'Error parsing the X-Amz-Credential parameter.'],
} as const satisfies Record<string, readonly [number, string]>;

export type S3ErrorCode = keyof typeof S3_ERRORS;

export class S3Error extends Error {
  readonly code: S3ErrorCode;
  readonly status: number;
  /** Extra elements for the XML body (e.g. ArgumentName); never internal details. */
  readonly extra: Readonly<Record<string, string>>;
  constructor(code: S3ErrorCode, message?: string, options?: { cause?: unknown; extra?: Record<string, string> }) {
    super(message ?? S3_ERRORS[code][1], { cause: options?.cause });
    this.code = code;
    this.status = S3_ERRORS[code][0];
    this.extra = options?.extra ?? {};
    this.name = 'S3Error';
  }
}

const KIND_TO_CODE: Record<ErrorKind, S3ErrorCode> = {
  NotFound: 'NoSuchKey',
  PermissionDenied: 'AccessDenied',
  Unauthorized: 'AccessDenied',
  InvalidArgument: 'InvalidArgument',
  Conflict: 'InvalidArgument',
  PreconditionFailed: 'PreconditionFailed',
  NotEmpty: 'BucketNotEmpty',
  TooLarge: 'EntityTooLarge',
  Unavailable: 'ServiceUnavailable',
  Corrupt: 'InternalError',
  Internal: 'InternalError',
};

/** Maps any thrown value to an S3Error; domain messages are kept for client-facing kinds only. */
export function toS3Error(err: unknown): S3Error {
  if (err instanceof S3Error) return err;
  if (err instanceof DomainError) {
    const code = KIND_TO_CODE[err.kind];
    const clientFacing = err.kind !== 'Internal' && err.kind !== 'Corrupt' && err.kind !== 'Unavailable';
    return new S3Error(code, clientFacing ? err.message : undefined, { cause: err });
  }
  return new S3Error('InternalError', undefined, { cause: err });
}
