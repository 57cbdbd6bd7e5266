// Every other response body: bucket configuration answers, copy and multipart results,
// DeleteResult, Tagging, AccessControlPolicy and Error.

import { checksumElements, ownerElements, quotedEtag, withAttributes, xmlDocument, xmlTimestamp } from './builder.js';
import type {
  CompleteMultipartUploadResult,
  CopyResult,
  DeleteResult,
  ErrorBody,
  InitiateMultipartUploadResult,
  Owner,
  Tag,
} from './types.js';

const NS = { namespace: true } as const;

/** GetBucketLocation: an empty element means us-east-1 to SDKs. */
export function locationConstraintXml(region: string): string {
  return xmlDocument('LocationConstraint', { '#text': region }, NS);
}

/** GetBucketVersioning: versioning is never enabled, which S3 says with an empty configuration. */
export function versioningConfigurationXml(): string {
  return xmlDocument('VersioningConfiguration', {}, NS);
}

export function copyObjectResultXml(r: CopyResult): string {
  return xmlDocument('CopyObjectResult', copyElements(r), NS);
}

export function copyPartResultXml(r: CopyResult): string {
  return xmlDocument('CopyPartResult', copyElements(r), NS);
}

const copyElements = (r: CopyResult) => ({
  LastModified: xmlTimestamp(r.lastModified),
  ETag: quotedEtag(r.etag),
  ...checksumElements(r.checksums),
});

export function initiateMultipartUploadResultXml(r: InitiateMultipartUploadResult): string {
  return xmlDocument('InitiateMultipartUploadResult', { Bucket: r.bucket, Key: r.key, UploadId: r.uploadId }, NS);
}

export function completeMultipartUploadResultXml(r: CompleteMultipartUploadResult): string {
  return xmlDocument(
    'CompleteMultipartUploadResult',
    {
      Location: r.location,
      Bucket: r.bucket,
      Key: r.key,
      ETag: quotedEtag(r.etag),
      ...checksumElements(r.checksums),
      ChecksumType: r.checksumType,
    },
    NS,
  );
}

/** DeleteObjects; in quiet mode only the errors are listed. */
export function deleteResultXml(r: DeleteResult): string {
  return xmlDocument(
    'DeleteResult',
    {
      Deleted: r.quiet ? [] : r.deleted.map((d) => ({ Key: d.key, VersionId: d.versionId })),
      Error: r.errors.map((e) => ({ Key: e.key, VersionId: e.versionId, Code: e.code, Message: e.message })),
    },
    NS,
  );
}

export function taggingXml(tags: readonly Tag[]): string {
  return xmlDocument('Tagging', { TagSet: { Tag: tags.map((t) => ({ Key: t.key, Value: t.value })) } }, NS);
}

/** keepgate has no ACLs: the owner has FULL_CONTROL, which is what clients expect to read (s3cmd info). */
export function accessControlPolicyXml(owner: Owner): string {
  return xmlDocument(
    'AccessControlPolicy',
    {
      Owner: ownerElements(owner),
      AccessControlList: {
        Grant: {
          Grantee: withAttributes(
            { 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xsi:type': 'CanonicalUser' },
            ownerElements(owner),
          ),
          Permission: 'FULL_CONTROL',
        },
      },
    },
    NS,
  );
}

const FIXED_ERROR_ELEMENTS = new Set(['Code', 'Message', 'Resource', 'RequestId']);

/** The S3 error document (no namespace, as S3 sends it). */
export function errorXml(e: ErrorBody): string {
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(e.extra ?? {})) {
    if (/^[A-Za-z][A-Za-z0-9]*$/.test(name) && !FIXED_ERROR_ELEMENTS.has(name)) extra[name] = value;
  }
  return xmlDocument(
    'Error',
    { Code: e.code, Message: e.message, ...extra, Resource: e.resource, RequestId: e.requestId },
    { namespace: false },
  );
}
