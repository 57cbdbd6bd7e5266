// Every S3 request, parsed: one variant per operation, named as AWS names it (these names
// are also the metric labels and log fields), with its parameters typed and validated.
// Request bodies (XML, object bytes) are not part of an op: handlers read them.

import type { ChecksumAlgorithm } from './body/checksums.js';
import type { ReadConditions, WriteConditions } from './conditions.js';
import type { UserMetadata } from './meta-headers.js';
import type { RangeSpec } from './range.js';

export const S3_OPERATIONS = [
  'ListBuckets',
  'CreateBucket',
  'DeleteBucket',
  'HeadBucket',
  'GetBucketLocation',
  'GetBucketVersioning',
  'ListObjects',
  'ListObjectsV2',
  'GetObject',
  'HeadObject',
  'PutObject',
  'DeleteObject',
  'DeleteObjects',
  'CopyObject',
  'UploadPartCopy',
  'CreateMultipartUpload',
  'UploadPart',
  'CompleteMultipartUpload',
  'AbortMultipartUpload',
  'ListParts',
  'ListMultipartUploads',
  'GetBucketTagging',
  'PutBucketTagging',
  'DeleteBucketTagging',
  'GetObjectTagging',
  'GetObjectAcl',
  'GetBucketAcl',
  'GetBucketPolicy',
  'GetBucketCors',
  'NotImplemented',
] as const;

export type S3OperationName = (typeof S3_OPERATIONS)[number];

/** AWS operations recognised but not served (answered 501 NotImplemented). */
export const UNSUPPORTED_OPERATIONS = [
  'PutBucketAcl',
  'PutObjectAcl',
  'PutBucketPolicy',
  'DeleteBucketPolicy',
  'GetBucketPolicyStatus',
  'PutBucketCors',
  'DeleteBucketCors',
  'PutBucketVersioning',
  'ListObjectVersions',
  'GetBucketWebsite',
  'PutBucketWebsite',
  'DeleteBucketWebsite',
  'GetBucketLifecycleConfiguration',
  'PutBucketLifecycleConfiguration',
  'DeleteBucketLifecycle',
  'GetBucketLogging',
  'PutBucketLogging',
  'GetBucketNotificationConfiguration',
  'PutBucketNotificationConfiguration',
  'GetBucketReplication',
  'PutBucketReplication',
  'DeleteBucketReplication',
  'GetBucketEncryption',
  'PutBucketEncryption',
  'DeleteBucketEncryption',
  'GetObjectLockConfiguration',
  'PutObjectLockConfiguration',
  'GetBucketOwnershipControls',
  'PutBucketOwnershipControls',
  'DeleteBucketOwnershipControls',
  'GetPublicAccessBlock',
  'PutPublicAccessBlock',
  'DeletePublicAccessBlock',
  'GetBucketRequestPayment',
  'PutBucketRequestPayment',
  'GetBucketAccelerateConfiguration',
  'PutBucketAccelerateConfiguration',
  'GetBucketAnalyticsConfiguration',
  'GetBucketInventoryConfiguration',
  'GetBucketMetricsConfiguration',
  'GetBucketIntelligentTieringConfiguration',
  'PutObjectTagging',
  'DeleteObjectTagging',
  'GetObjectAttributes',
  'GetObjectRetention',
  'PutObjectRetention',
  'GetObjectLegalHold',
  'PutObjectLegalHold',
  'GetObjectTorrent',
  'RestoreObject',
  'SelectObjectContent',
  'PostObject',
] as const;

export type UnsupportedOperationName = (typeof UNSUPPORTED_OPERATIONS)[number];

export type AddressingStyle = 'path' | 'virtual-host';

interface OpBase<N extends S3OperationName> {
  readonly name: N;
  readonly style: AddressingStyle;
  /** The request path exactly as received (percent-encoded), for signatures and error Resources. */
  readonly rawPath: string;
}

interface OnBucket {
  readonly bucket: string;
}

interface OnObject extends OnBucket {
  /** Decoded and validated (route-target.ts: validateKey). */
  readonly key: string;
}

export type EncodingType = 'url';

export interface ListObjectsV1Params {
  readonly prefix: string;
  /** Absent or empty in the request => undefined (rclone sends `delimiter=` for recursive lists). */
  readonly delimiter?: string;
  readonly marker: string;
  /** 0..1000; larger requests are capped at 1000, absent => 1000. */
  readonly maxKeys: number;
  readonly encodingType?: EncodingType;
}

export interface ListObjectsV2Params {
  readonly prefix: string;
  readonly delimiter?: string;
  readonly maxKeys: number;
  readonly encodingType?: EncodingType;
  /** Opaque to the router; the listing decodes it. */
  readonly continuationToken?: string;
  readonly startAfter?: string;
  readonly fetchOwner: boolean;
}

export interface ListMultipartUploadsParams {
  readonly prefix: string;
  readonly delimiter?: string;
  readonly keyMarker: string;
  readonly uploadIdMarker: string;
  readonly maxUploads: number;
  readonly encodingType?: EncodingType;
}

export interface ListPartsParams {
  readonly maxParts: number;
  readonly partNumberMarker: number;
}

/** Representation headers stored with an object (x-amz-meta-* aside). aws-chunked is already removed from contentEncoding. */
export interface ContentHeaders {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly contentDisposition?: string;
  readonly contentLanguage?: string;
  readonly cacheControl?: string;
  readonly expires?: string;
}

/** GetObject/HeadObject response-* query overrides, already safe to send as header values. */
export type ResponseOverrides = ContentHeaders;

export const CANNED_ACLS = [
  'private',
  'public-read',
  'public-read-write',
  'authenticated-read',
  'aws-exec-read',
  'bucket-owner-read',
  'bucket-owner-full-control',
  'log-delivery-write',
] as const;
export type CannedAcl = (typeof CANNED_ACLS)[number];

// The one list lives with the checksum code; re-exported because ops name the algorithm.
export { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm } from './body/checksums.js';

export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
}

export type MetadataDirective = 'COPY' | 'REPLACE';

export interface ReadObjectParams {
  readonly range?: RangeSpec;
  /** The Range header as sent (for InvalidRange's RangeRequested). */
  readonly rangeHeader?: string;
  readonly partNumber?: number;
  readonly versionId?: string;
  readonly conditions: ReadConditions;
  readonly overrides: ResponseOverrides;
  /** x-amz-checksum-mode: ENABLED */
  readonly checksumMode: boolean;
}

export interface NewObjectParams {
  readonly content: ContentHeaders;
  readonly metadata: UserMetadata;
  readonly acl?: CannedAcl;
}

export type S3Op =
  | OpBase<'ListBuckets'>
  | (OpBase<'CreateBucket'> & OnBucket & { readonly acl?: CannedAcl })
  | (OpBase<'DeleteBucket'> & OnBucket)
  | (OpBase<'HeadBucket'> & OnBucket)
  | (OpBase<'GetBucketLocation'> & OnBucket)
  | (OpBase<'GetBucketVersioning'> & OnBucket)
  | (OpBase<'ListObjects'> & OnBucket & { readonly list: ListObjectsV1Params })
  | (OpBase<'ListObjectsV2'> & OnBucket & { readonly list: ListObjectsV2Params })
  | (OpBase<'GetObject'> & OnObject & ReadObjectParams)
  | (OpBase<'HeadObject'> & OnObject & ReadObjectParams)
  | (OpBase<'PutObject'> & OnObject & NewObjectParams & { readonly conditions: WriteConditions })
  | (OpBase<'DeleteObject'> & OnObject & { readonly versionId?: string })
  | (OpBase<'DeleteObjects'> & OnBucket)
  | (OpBase<'CopyObject'> &
      OnObject &
      NewObjectParams & {
        readonly source: CopySource;
        readonly sourceConditions: ReadConditions;
        /** COPY: content and metadata come from the source, and the request's are ignored. */
        readonly directive: MetadataDirective;
        readonly conditions: WriteConditions;
      })
  | (OpBase<'UploadPartCopy'> &
      OnObject & {
        readonly uploadId: string;
        readonly partNumber: number;
        readonly source: CopySource;
        readonly sourceRange?: { readonly start: number; readonly end: number };
        readonly sourceConditions: ReadConditions;
      })
  | (OpBase<'CreateMultipartUpload'> &
      OnObject &
      NewObjectParams & {
        readonly checksumAlgorithm?: ChecksumAlgorithm;
        readonly checksumType?: 'COMPOSITE' | 'FULL_OBJECT';
      })
  | (OpBase<'UploadPart'> & OnObject & { readonly uploadId: string; readonly partNumber: number })
  | (OpBase<'CompleteMultipartUpload'> & OnObject & { readonly uploadId: string; readonly conditions: WriteConditions })
  | (OpBase<'AbortMultipartUpload'> & OnObject & { readonly uploadId: string })
  | (OpBase<'ListParts'> & OnObject & { readonly uploadId: string; readonly list: ListPartsParams })
  | (OpBase<'ListMultipartUploads'> & OnBucket & { readonly list: ListMultipartUploadsParams })
  | (OpBase<'GetBucketTagging'> & OnBucket)
  | (OpBase<'PutBucketTagging'> & OnBucket)
  | (OpBase<'DeleteBucketTagging'> & OnBucket)
  | (OpBase<'GetObjectTagging'> & OnObject)
  | (OpBase<'GetObjectAcl'> & OnObject)
  | (OpBase<'GetBucketAcl'> & OnBucket)
  | (OpBase<'GetBucketPolicy'> & OnBucket)
  | (OpBase<'GetBucketCors'> & OnBucket)
  | (OpBase<'NotImplemented'> & {
      /** The AWS operation, when the request names one. */
      readonly operation?: UnsupportedOperationName;
      readonly bucket?: string;
      readonly key?: string;
    });

/** The variant of S3Op with a given name. */
export type S3OpOf<N extends S3OperationName> = Extract<S3Op, { readonly name: N }>;
