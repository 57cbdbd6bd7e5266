// Operation name -> handler, for every S3Op variant (the type makes a missing one a
// compile error).

import type { S3Op, S3OperationName } from '../ops.js';
import type { S3Result } from '../respond.js';
import { createBucket, deleteBucket, getBucketLocation, getBucketVersioning, headBucket, listBuckets } from './bucket.js';
import type { HandlerContext, S3Handler } from './context.js';
import { copyObject, uploadPartCopy } from './copy.js';
import { listObjects, listObjectsV2 } from './list.js';
import { getBucketAcl, getBucketCors, getBucketPolicy, getObjectAcl, notImplemented } from './misc.js';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, uploadPart } from './multipart.js';
import { listMultipartUploads, listParts } from './multipart-list.js';
import { deleteObject, deleteObjects } from './object-delete.js';
import { getObject, headObject } from './object-read.js';
import { putObject } from './object-write.js';
import { deleteBucketTagging, getBucketTagging, getObjectTagging, putBucketTagging } from './tagging.js';

const HANDLERS: { readonly [N in S3OperationName]: S3Handler<N> } = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  DeleteBucket: deleteBucket,
  HeadBucket: headBucket,
  GetBucketLocation: getBucketLocation,
  GetBucketVersioning: getBucketVersioning,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  GetObject: getObject,
  HeadObject: headObject,
  PutObject: putObject,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  CopyObject: copyObject,
  UploadPartCopy: uploadPartCopy,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
  GetBucketTagging: getBucketTagging,
  PutBucketTagging: putBucketTagging,
  DeleteBucketTagging: deleteBucketTagging,
  GetObjectTagging: getObjectTagging,
  GetObjectAcl: getObjectAcl,
  GetBucketAcl: getBucketAcl,
  GetBucketPolicy: getBucketPolicy,
  GetBucketCors: getBucketCors,
  NotImplemented: notImplemented,
};

export function runHandler(ctx: HandlerContext, op: S3Op): Promise<S3Result> {
  // The table pairs each name with the handler of that variant; TS cannot follow the correlation.
  const handler = HANDLERS[op.name] as S3Handler<S3OperationName>;
  return handler(ctx, op);
}

export type { HandlerContext, HandlerConfig } from './context.js';
