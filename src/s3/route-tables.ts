// The route tables: for each level (bucket, object) and method, the sub-resources that
// select an operation, in precedence order, and the operation when none is present. A
// sub-resource mapped to a name is an AWS operation keepgate does not serve (501).
// Ops list their own fields first and spreads last: on Node 20 every property written after
// a spread in an object literal takes V8's slow path (~0.5 µs each, per request).

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
      ['location', (c) => ({ name: 'GetBucketLocation', bucket: c.bucket, ...c.base })],
      ['versioning', (c) => ({ name: 'GetBucketVersioning', bucket: c.bucket, ...c.base })],
      ['tagging', (c) => ({ name: 'GetBucketTagging', bucket: c.bucket, ...c.base })],
      ['acl', (c) => ({ name: 'GetBucketAcl', bucket: c.bucket, ...c.base })],
      ['policy', (c) => ({ name: 'GetBucketPolicy', bucket: c.bucket, ...c.base })],
      ['cors', (c) => ({ name: 'GetBucketCors', bucket: c.bucket, ...c.base })],
      ['uploads', (c) => ({ name: 'ListMultipartUploads', bucket: c.bucket, list: listMultipartUploadsParams(c.q), ...c.base })],
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
        ? { name: 'ListObjectsV2', bucket: c.bucket, list: listObjectsV2Params(c.q), ...c.base }
        : { name: 'ListObjects', bucket: c.bucket, list: listObjectsV1Params(c.q), ...c.base },
  },
  HEAD: { table: [], otherwise: (c) => ({ name: 'HeadBucket', bucket: c.bucket, ...c.base }) },
  PUT: {
    table: [
      ['tagging', (c) => ({ name: 'PutBucketTagging', bucket: c.bucket, ...c.base })],
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
    otherwise: (c) => ({ name: 'CreateBucket', bucket: c.bucket, ...c.base, ...bucketAcl(c.headers) }),
  },
  POST: {
    table: [['delete', (c) => ({ name: 'DeleteObjects', bucket: c.bucket, ...c.base })]],
    // A POST to a bucket without a sub-resource is a browser form upload.
    otherwise: (c) => ({ name: 'NotImplemented', operation: 'PostObject', bucket: c.bucket, ...c.base }),
  },
  DELETE: {
    table: [
      ['tagging', (c) => ({ name: 'DeleteBucketTagging', bucket: c.bucket, ...c.base })],
      ['policy', 'DeleteBucketPolicy'],
      ['cors', 'DeleteBucketCors'],
      ['website', 'DeleteBucketWebsite'],
      ['lifecycle', 'DeleteBucketLifecycle'],
      ['replication', 'DeleteBucketReplication'],
      ['encryption', 'DeleteBucketEncryption'],
      ['ownershipControls', 'DeleteBucketOwnershipControls'],
      ['publicAccessBlock', 'DeletePublicAccessBlock'],
    ],
    otherwise: (c) => ({ name: 'DeleteBucket', bucket: c.bucket, ...c.base }),
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
    name,
    bucket: c.bucket,
    key: c.key,
    conditions: parseReadConditions(c.headers),
    overrides: responseOverrides(c.q),
    checksumMode: headerValue(c.headers, 'x-amz-checksum-mode')?.trim().toUpperCase() === 'ENABLED',
    ...c.base,
    ...(range && { range, rangeHeader }),
    ...(part !== undefined && { partNumber: partNumber(part) }),
    ...versionId(c),
  };
}

function uploadPart(c: ObjectCtx): S3Op {
  const uploadId = c.q.get('uploadId') ?? '';
  const part = partNumber(c.q.get('partNumber') ?? '');
  const source = headerValue(c.headers, 'x-amz-copy-source');
  if (source === undefined) return { name: 'UploadPart', bucket: c.bucket, key: c.key, uploadId, partNumber: part, ...c.base };
  const range = headerValue(c.headers, 'x-amz-copy-source-range');
  return {
    name: 'UploadPartCopy',
    bucket: c.bucket,
    key: c.key,
    uploadId,
    partNumber: part,
    source: copySource(source),
    sourceConditions: parseCopySourceConditions(c.headers),
    ...c.base,
    ...(range !== undefined && { sourceRange: parseCopySourceRange(range) }),
  };
}

function putObject(c: ObjectCtx): S3Op {
  const source = headerValue(c.headers, 'x-amz-copy-source');
  const conditions = parseWriteConditions(c.headers);
  if (source === undefined) {
    return { name: 'PutObject', bucket: c.bucket, key: c.key, conditions, ...c.base, ...newObjectParams(c.headers) };
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
    name: 'CopyObject',
    bucket: c.bucket,
    key: c.key,
    source: parsed,
    sourceConditions: parseCopySourceConditions(c.headers),
    directive,
    conditions,
    ...c.base,
    ...newObjectParams(c.headers),
  };
}

export const OBJECT_ROUTES: Record<Method, Routes<ObjectCtx>> = {
  GET: {
    table: [
      [
        'uploadId',
        (c) => ({ name: 'ListParts', bucket: c.bucket, key: c.key, uploadId: c.q.get('uploadId') ?? '', list: listPartsParams(c.q), ...c.base }),
      ],
      ['tagging', (c) => ({ name: 'GetObjectTagging', bucket: c.bucket, key: c.key, ...c.base })],
      ['acl', (c) => ({ name: 'GetObjectAcl', bucket: c.bucket, key: c.key, ...c.base })],
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
            name: 'CreateMultipartUpload',
            bucket: c.bucket,
            key: c.key,
            ...c.base,
            ...newObjectParams(c.headers),
            ...(alg && { checksumAlgorithm: alg }),
            ...(type && { checksumType: type }),
          };
        },
      ],
      [
        'uploadId',
        (c) => ({
          name: 'CompleteMultipartUpload',
          bucket: c.bucket,
          key: c.key,
          uploadId: c.q.get('uploadId') ?? '',
          conditions: parseWriteConditions(c.headers),
          ...c.base,
        }),
      ],
      ['restore', 'RestoreObject'],
      ['select', 'SelectObjectContent'],
    ],
    otherwise: undefined,
  },
  DELETE: {
    table: [
      ['uploadId', (c) => ({ name: 'AbortMultipartUpload', bucket: c.bucket, key: c.key, uploadId: c.q.get('uploadId') ?? '', ...c.base })],
      ['tagging', 'DeleteObjectTagging'],
    ],
    otherwise: (c) => ({ name: 'DeleteObject', bucket: c.bucket, key: c.key, ...c.base, ...versionId(c) }),
  },
};
