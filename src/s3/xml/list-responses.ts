// Listing bodies: ListAllMyBucketsResult, ListBucketResult (v1 and v2),
// ListMultipartUploadsResult, ListPartsResult, with elements in the order AWS sends them.
// With encoding-type=url, Key, Prefix, Delimiter, Marker, NextMarker, StartAfter (and
// KeyMarker/NextKeyMarker for uploads) are URL-encoded and EncodingType is echoed.

import { ownerElements, quotedEtag, checksumElements, xmlDocument, xmlTimestamp, type XmlElements } from './builder.js';
import type {
  ListBucketsResult,
  ListMultipartUploadsResult,
  ListObjectsV1Result,
  ListObjectsV2Result,
  ListPartsResult,
  ObjectSummary,
} from './types.js';
import { listEncoder } from './url-encoding.js';

const STANDARD = 'STANDARD';

export function listAllMyBucketsResultXml(r: ListBucketsResult): string {
  return xmlDocument(
    'ListAllMyBucketsResult',
    {
      Owner: ownerElements(r.owner),
      Buckets: { Bucket: r.buckets.map((b) => ({ Name: b.name, CreationDate: xmlTimestamp(b.creationDate) })) },
    },
    { namespace: true },
  );
}

function contents(objects: readonly ObjectSummary[], encode: (s: string) => string, withOwner: boolean): XmlElements[] {
  return objects.map((o) => ({
    Key: encode(o.key),
    LastModified: xmlTimestamp(o.lastModified),
    ETag: quotedEtag(o.etag),
    Size: String(o.size),
    Owner: withOwner && o.owner ? ownerElements(o.owner) : undefined,
    StorageClass: o.storageClass ?? STANDARD,
  }));
}

const commonPrefixes = (prefixes: readonly string[], encode: (s: string) => string): XmlElements[] =>
  prefixes.map((p) => ({ Prefix: encode(p) }));

/** ListObjects (v1). KeyCount is not AWS's but keep-web sends it and no client minds. */
export function listBucketResultV1Xml(r: ListObjectsV1Result): string {
  const p = r.params;
  const enc = listEncoder(p.encodingType);
  return xmlDocument(
    'ListBucketResult',
    {
      Name: r.bucket,
      Prefix: enc(p.prefix),
      Marker: enc(p.marker),
      NextMarker: r.isTruncated && r.nextMarker ? enc(r.nextMarker) : undefined,
      MaxKeys: String(p.maxKeys),
      Delimiter: p.delimiter !== undefined ? enc(p.delimiter) : undefined,
      EncodingType: p.encodingType,
      IsTruncated: String(r.isTruncated),
      Contents: contents(r.contents, enc, true),
      CommonPrefixes: commonPrefixes(r.commonPrefixes, enc),
      KeyCount: String(r.contents.length + r.commonPrefixes.length),
    },
    { namespace: true },
  );
}

/** ListObjectsV2. */
export function listBucketResultV2Xml(r: ListObjectsV2Result): string {
  const p = r.params;
  const enc = listEncoder(p.encodingType);
  return xmlDocument(
    'ListBucketResult',
    {
      Name: r.bucket,
      Prefix: enc(p.prefix),
      ContinuationToken: p.continuationToken,
      NextContinuationToken: r.isTruncated && r.nextContinuationToken ? r.nextContinuationToken : undefined,
      StartAfter: p.startAfter !== undefined ? enc(p.startAfter) : undefined,
      KeyCount: String(r.contents.length + r.commonPrefixes.length),
      MaxKeys: String(p.maxKeys),
      Delimiter: p.delimiter !== undefined ? enc(p.delimiter) : undefined,
      EncodingType: p.encodingType,
      IsTruncated: String(r.isTruncated),
      Contents: contents(r.contents, enc, p.fetchOwner),
      CommonPrefixes: commonPrefixes(r.commonPrefixes, enc),
    },
    { namespace: true },
  );
}

export function listMultipartUploadsResultXml(r: ListMultipartUploadsResult): string {
  const p = r.params;
  const enc = listEncoder(p.encodingType);
  return xmlDocument(
    'ListMultipartUploadsResult',
    {
      Bucket: r.bucket,
      KeyMarker: enc(p.keyMarker),
      UploadIdMarker: p.uploadIdMarker,
      NextKeyMarker: enc(r.nextKeyMarker ?? ''),
      NextUploadIdMarker: r.nextUploadIdMarker ?? '',
      Delimiter: p.delimiter !== undefined ? enc(p.delimiter) : undefined,
      Prefix: enc(p.prefix),
      MaxUploads: String(p.maxUploads),
      EncodingType: p.encodingType,
      IsTruncated: String(r.isTruncated),
      Upload: r.uploads.map((u) => ({
        Key: enc(u.key),
        UploadId: u.uploadId,
        Initiator: ownerElements(u.initiator),
        Owner: ownerElements(u.owner),
        StorageClass: u.storageClass ?? STANDARD,
        Initiated: xmlTimestamp(u.initiated),
      })),
      CommonPrefixes: commonPrefixes(r.commonPrefixes, enc),
    },
    { namespace: true },
  );
}

export function listPartsResultXml(r: ListPartsResult): string {
  return xmlDocument(
    'ListPartsResult',
    {
      Bucket: r.bucket,
      Key: r.key,
      UploadId: r.uploadId,
      Initiator: ownerElements(r.initiator),
      Owner: ownerElements(r.owner),
      StorageClass: r.storageClass ?? STANDARD,
      PartNumberMarker: String(r.params.partNumberMarker),
      NextPartNumberMarker: String(r.nextPartNumberMarker ?? r.parts.at(-1)?.partNumber ?? 0),
      MaxParts: String(r.params.maxParts),
      IsTruncated: String(r.isTruncated),
      ChecksumAlgorithm: r.checksumAlgorithm,
      Part: r.parts.map((part) => ({
        PartNumber: String(part.partNumber),
        LastModified: xmlTimestamp(part.lastModified),
        ETag: quotedEtag(part.etag),
        Size: String(part.size),
        ...checksumElements(part.checksums),
      })),
    },
    { namespace: true },
  );
}
