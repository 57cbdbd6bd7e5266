// The route tables: for each level (bucket, object) and method, the sub-resources that
// select an operation, in precedence order, and the operation when none is present. A
// sub-resource mapped to a name is an AWS operation keepgate does not serve (501).

import { parseCopySourceConditions, parseReadConditions, parseWriteConditions } from './conditions.js';
import { S3Error } from './errors.js';
import type { S3Op, UnsupportedOperationName } from './ops.js';
import { parseCopySourceRange, parseRangeHeader } from './range.js';
import { headerValue, type HeaderMap } from './route-headers.js';
import {
  bucketAcl,
  checksumAlgorithm,
  checksumType,
  copySource,
  metadataDirective,
  newObjectParams,
  responseOverrides,
} from './route-object.js';
import {
  listMultipartUploadsParams,
  listObjectsV1Params,
  listObjectsV2Params,
  listPartsParams,
  listType,
  partNumber,
  type QueryParams,
} from './route-query.js';

export interface Ctx {
  readonly q: QueryParams;
  readonly headers: HeaderMap;
  readonly base: Pick<S3Op, 'style' | 'rawPath'>;
}
export interface BucketCtx extends Ctx {
  readonly bucket: string;
}
export interface ObjectCtx extends BucketCtx {
  readonly key: string;
}

export type Method = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';

export interface Routes<C> {
  /** [sub-resource, operation]: the first sub-resource present in the query decides. */
  readonly table: ReadonlyArray<readonly [string, ((c: C) => S3Op) | UnsupportedOperationName]>;
  /** When none of the table's sub-resources is present; undefined => MethodNotAllowed. */
  readonly otherwise: ((c: C) => S3Op) | undefined;
}

const versionId = (c: Ctx): { versionId?: string } => {
  const v = c.q.get('versionId');
  return v === undefined || v === '' ? {} : { versionId: v };
};

export const BUCKET_ROUTES: Record<Method, Routes<BucketCtx>> = {
  GET: {
    table: [
      ['location', (c) => ({ ...c.base, name: 'GetBucketLocation', bucket: c.bucket })],
      ['versioning', (c) => ({ ...c.base, name: 'GetBucketVersioning', bucket: c.bucket })],
      ['tagging', (c) => ({ ...c.base, name: 'GetBucketTagging', bucket: c.bucket })],
      ['acl', (c) => ({ ...c.base, name: 'GetBucketAcl', bucket: c.bucket })],
      ['policy', (c) => ({ ...c.base, name: 'GetBucketPolicy', bucket: c.bucket })],
      ['cors', (c) => ({ ...c.base, name: 'GetBucketCors', bucket: c.bucket })],
      ['uploads', (c) => ({ ...c.base, name: 'ListMultipartUploads', bucket: c.bucket, list: listMultipartUploadsParams(c.q) })],
      ['versions', 'ListObjectVersions'],
      ['policyStatus', 'GetBucketPolicyStatus'],
      ['website', 'GetBucketWebsite'],
      ['lifecycle', 'GetBucketLifecycleConfiguration'],
      ['logging', 'GetBucketLogging'],
      ['notification', 'GetBucketNotificationConfiguration'],
      ['replication', 'GetBucketReplication'],
      ['encryption', 'GetBucketEncryption'],
      ['object-lock', 'GetObjectLockConfiguration'],
      ['ownershipControls', 'GetBucketOwnershipControls'],
      ['publicAccessBlock', 'GetPublicAccessBlock'],
      ['requestPayment', 'GetBucketRequestPayment'],
      ['accelerate', 'GetBucketAccelerateConfiguration'],
      ['analytics', 'GetBucketAnalyticsConfiguration'],
      ['inventory', 'GetBucketInventoryConfiguration'],
      ['metrics', 'GetBucketMetricsConfiguration'],
      ['intelligent-tiering', 'GetBucketIntelligentTieringConfiguration'],
    ],
    otherwise: (c) =>
      listType(c.q) === 2
        ? { ...c.base, name: 'ListObjectsV2', bucket: c.bucket, list: listObjectsV2Params(c.q) }
        : { ...c.base, name: 'ListObjects', bucket: c.bucket, list: listObjectsV1Params(c.q) },
  },
  HEAD: { table: [], otherwise: (c) => ({ ...c.base, name: 'HeadBucket', bucket: c.bucket }) },
  PUT: {
    table: [
      ['tagging', (c) => ({ ...c.base, name: 'PutBucketTagging', bucket: c.bucket })],
      ['acl', 'PutBucketAcl'],
      ['policy', 'PutBucketPolicy'],
      ['cors', 'PutBucketCors'],
      ['versioning', 'PutBucketVersioning'],
      ['website', 'PutBucketWebsite'],
      ['lifecycle', 'PutBucketLifecycleConfiguration'],
      ['logging', 'PutBucketLogging'],
      ['notification', 'PutBucketNotificationConfiguration'],
      ['replication', 'PutBucketReplication'],
      ['encryption', 'PutBucketEncryption'],
      ['object-lock', 'PutObjectLockConfiguration'],
      ['ownershipControls', 'PutBucketOwnershipControls'],
      ['publicAccessBlock', 'PutPublicAccessBlock'],
      ['requestPayment', 'PutBucketRequestPayment'],
      ['accelerate', 'PutBucketAccelerateConfiguration'],
    ],
    otherwise: (c) => ({ ...c.base, name: 'CreateBucket', bucket: c.bucket, ...bucketAcl(c.headers) }),
  },
  POST: {
    table: [['delete', (c) => ({ ...c.base, name: 'DeleteObjects', bucket: c.bucket })]],
    // A POST to a bucket without a sub-resource is a browser form upload.
    otherwise: (c) => ({ ...c.base, name: 'NotImplemented', operation: 'PostObject', bucket: c.bucket }),
  },
  DELETE: {
    table: [
      ['tagging', (c) => ({ ...c.base, name: 'DeleteBucketTagging', bucket: c.bucket })],
      ['policy', 'DeleteBucketPolicy'],
      ['cors', 'DeleteBucketCors'],
      ['website', 'DeleteBucketWebsite'],
      ['lifecycle', 'DeleteBucketLifecycle'],
      ['replication', 'DeleteBucketReplication'],
      ['encryption', 'DeleteBucketEncryption'],
      ['ownershipControls', 'DeleteBucketOwnershipControls'],
      ['publicAccessBlock', 'DeletePublicAccessBlock'],
    ],
    otherwise: (c) => ({ ...c.base, name: 'DeleteBucket', bucket: c.bucket }),
  },
};

function readObject(c: ObjectCtx, name: 'GetObject' | 'HeadObject'): S3Op {
  const rangeHeader = headerValue(c.headers, 'range');
  const range = parseRangeHeader(rangeHeader);
  const part = c.q.get('partNumber');
  if (part !== undefined && rangeHeader !== undefined) {
    throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
  }
  return {
    ...c.base,
    name,
    bucket: c.bucket,
    key: c.key,
    ...(range && { range, rangeHeader }),
    ...(part !== undefined && { partNumber: partNumber(part) }),
    ...versionId(c),
    conditions: parseReadConditions(c.headers),
    overrides: responseOverrides(c.q),
    checksumMode: headerValue(c.headers, 'x-amz-checksum-mode')?.trim().toUpperCase() === 'ENABLED',
  };
}

function uploadPart(c: ObjectCtx): S3Op {
  const uploadId = c.q.get('uploadId') ?? '';
  const part = partNumber(c.q.get('partNumber') ?? '');
  const source = headerValue(c.headers, 'x-amz-copy-source');
  if (source === undefined) return { ...c.base, name: 'UploadPart', bucket: c.bucket, key: c.key, uploadId, partNumber: part };
  const range = headerValue(c.headers, 'x-amz-copy-source-range');
  return {
    ...c.base,
    name: 'UploadPartCopy',
    bucket: c.bucket,
    key: c.key,
    uploadId,
    partNumber: part,
    source: copySource(source),
    ...(range !== undefined && { sourceRange: parseCopySourceRange(range) }),
    sourceConditions: parseCopySourceConditions(c.headers),
  };
}

function putObject(c: ObjectCtx): S3Op {
  const source = headerValue(c.headers, 'x-amz-copy-source');
  const conditions = parseWriteConditions(c.headers);
  if (source === undefined) {
    return { ...c.base, name: 'PutObject', bucket: c.bucket, key: c.key, ...newObjectParams(c.headers), conditions };
  }
  const parsed = copySource(source);
  const directive = metadataDirective(c.headers);
  if (directive === 'COPY' && parsed.bucket === c.bucket && parsed.key === c.key) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  return {
    ...c.base,
    name: 'CopyObject',
    bucket: c.bucket,
    key: c.key,
    ...newObjectParams(c.headers),
    source: parsed,
    sourceConditions: parseCopySourceConditions(c.headers),
    directive,
    conditions,
  };
}

export const OBJECT_ROUTES: Record<Method, Routes<ObjectCtx>> = {
  GET: {
    table: [
      [
        'uploadId',
        (c) => ({ ...c.base, name: 'ListParts', bucket: c.bucket, key: c.key, uploadId: c.q.get('uploadId') ?? '', list: listPartsParams(c.q) }),
      ],
      ['tagging', (c) => ({ ...c.base, name: 'GetObjectTagging', bucket: c.bucket, key: c.key })],
      ['acl', (c) => ({ ...c.base, name: 'GetObjectAcl', bucket: c.bucket, key: c.key })],
      ['attributes', 'GetObjectAttributes'],
      ['retention', 'GetObjectRetention'],
      ['legal-hold', 'GetObjectLegalHold'],
      ['torrent', 'GetObjectTorrent'],
    ],
    otherwise: (c) => readObject(c, 'GetObject'),
  },
  HEAD: { table: [], otherwise: (c) => readObject(c, 'HeadObject') },
  PUT: {
    table: [
      ['uploadId', uploadPart],
      ['tagging', 'PutObjectTagging'],
      ['acl', 'PutObjectAcl'],
      ['retention', 'PutObjectRetention'],
      ['legal-hold', 'PutObjectLegalHold'],
    ],
    otherwise: putObject,
  },
  POST: {
    table: [
      [
        'uploads',
        (c) => {
          const alg = checksumAlgorithm(c.headers);
          const type = checksumType(c.headers);
          return {
            ...c.base,
            name: 'CreateMultipartUpload',
            bucket: c.bucket,
            key: c.key,
            ...newObjectParams(c.headers),
            ...(alg && { checksumAlgorithm: alg }),
            ...(type && { checksumType: type }),
          };
        },
      ],
      [
        'uploadId',
        (c) => ({
          ...c.base,
          name: 'CompleteMultipartUpload',
          bucket: c.bucket,
          key: c.key,
          uploadId: c.q.get('uploadId') ?? '',
          conditions: parseWriteConditions(c.headers),
        }),
      ],
      ['restore', 'RestoreObject'],
      ['select', 'SelectObjectContent'],
    ],
    otherwise: undefined,
  },
  DELETE: {
    table: [
      ['uploadId', (c) => ({ ...c.base, name: 'AbortMultipartUpload', bucket: c.bucket, key: c.key, uploadId: c.q.get('uploadId') ?? '' })],
      ['tagging', 'DeleteObjectTagging'],
    ],
    otherwise: (c) => ({ ...c.base, name: 'DeleteObject', bucket: c.bucket, key: c.key, ...versionId(c) }),
  },
};
