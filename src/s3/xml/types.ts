// Typed inputs of the XML response builders and outputs of the request-body parsers.
// ETags are passed without quotes everywhere; the builders add them.

import type { ListMultipartUploadsParams, ListObjectsV1Params, ListObjectsV2Params, ListPartsParams } from '../ops.js';

export interface Owner {
  readonly id: string;
  readonly displayName: string;
}

/** Base64 checksums as S3 reports them (ChecksumCRC32, ...). */
export interface Checksums {
  readonly crc32?: string;
  readonly crc32c?: string;
  readonly crc64nvme?: string;
  readonly sha1?: string;
  readonly sha256?: string;
}

export interface BucketSummary {
  readonly name: string;
  readonly creationDate: Date;
}

export interface ListBucketsResult {
  readonly owner: Owner;
  readonly buckets: readonly BucketSummary[];
}

export interface ObjectSummary {
  readonly key: string;
  readonly lastModified: Date;
  readonly etag: string;
  readonly size: number;
  /** STANDARD when absent. */
  readonly storageClass?: string;
  /** Sent in v1 listings when given, in v2 only with fetch-owner. */
  readonly owner?: Owner;
}

interface ListPage {
  readonly bucket: string;
  readonly isTruncated: boolean;
  readonly contents: readonly ObjectSummary[];
  /** Each ends with the delimiter; sorted. */
  readonly commonPrefixes: readonly string[];
}

export interface ListObjectsV1Result extends ListPage {
  readonly params: ListObjectsV1Params;
  /** Required (non-empty) when truncated: clients loop or crash without it (CLIENTS.md R2.2). */
  readonly nextMarker?: string;
}

export interface ListObjectsV2Result extends ListPage {
  readonly params: ListObjectsV2Params;
  readonly nextContinuationToken?: string;
}

export interface UploadSummary {
  readonly key: string;
  readonly uploadId: string;
  readonly initiator: Owner;
  readonly owner: Owner;
  readonly initiated: Date;
  readonly storageClass?: string;
}

export interface ListMultipartUploadsResult {
  readonly bucket: string;
  readonly params: ListMultipartUploadsParams;
  readonly isTruncated: boolean;
  readonly nextKeyMarker?: string;
  readonly nextUploadIdMarker?: string;
  readonly uploads: readonly UploadSummary[];
  readonly commonPrefixes: readonly string[];
}

export interface PartSummary {
  readonly partNumber: number;
  readonly lastModified: Date;
  readonly etag: string;
  readonly size: number;
  readonly checksums?: Checksums;
}

export interface ListPartsResult {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly initiator: Owner;
  readonly owner: Owner;
  readonly storageClass?: string;
  readonly checksumAlgorithm?: string;
  readonly params: ListPartsParams;
  readonly isTruncated: boolean;
  readonly nextPartNumberMarker?: number;
  readonly parts: readonly PartSummary[];
}

export interface CopyResult {
  readonly lastModified: Date;
  readonly etag: string;
  readonly checksums?: Checksums;
}

export interface InitiateMultipartUploadResult {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
}

export interface CompleteMultipartUploadResult {
  /** The object's URL. */
  readonly location: string;
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly checksums?: Checksums;
  readonly checksumType?: string;
}

export interface DeleteResult {
  /** Quiet mode: only errors are reported. */
  readonly quiet: boolean;
  readonly deleted: ReadonlyArray<{ readonly key: string; readonly versionId?: string }>;
  readonly errors: ReadonlyArray<{ readonly key: string; readonly code: string; readonly message: string; readonly versionId?: string }>;
}

export interface Tag {
  readonly key: string;
  readonly value: string;
}

export interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly resource?: string;
  readonly requestId: string;
  /** Extra elements (BucketName, Key, Condition, ArgumentName...), after Message. */
  readonly extra?: Readonly<Record<string, string>>;
}

// Request bodies.

export interface DeleteRequest {
  readonly quiet: boolean;
  /** Keys exactly as sent (not validated: each bad key is a per-key error in the result). */
  readonly objects: ReadonlyArray<{ readonly key: string; readonly versionId?: string }>;
}

export interface CompletedPart {
  readonly partNumber: number;
  /** Without quotes. */
  readonly etag: string;
  readonly checksums: Checksums;
}

export interface CompleteMultipartUploadRequest {
  /** Strictly ascending part numbers. */
  readonly parts: readonly CompletedPart[];
}

export interface CreateBucketConfiguration {
  /** Read and ignored: keepgate has one location. */
  readonly locationConstraint?: string;
}
