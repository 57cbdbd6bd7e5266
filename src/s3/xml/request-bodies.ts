// Request bodies: DeleteObjects, CompleteMultipartUpload, PutBucketTagging, CreateBucket.
// Each parser validates the document's shape and S3's limits before a handler acts on it.

import { S3Error } from '../errors.js';
import { normalizeEtag } from '../conditions.js';
import { MAX_PART_NUMBER } from '../route-query.js';
import { childNamed, childrenNamed, expectRoot, malformed, parseXml, type XmlNode } from './parser.js';
import type { Checksums, CompleteMultipartUploadRequest, CompletedPart, CreateBucketConfiguration, DeleteRequest, Tag } from './types.js';

/**
 * Body size limits. DeleteObjects: 1000 keys of up to 1024 bytes, which escaping can grow
 * several times; CompleteMultipartUpload: 10,000 parts with checksums.
 */
export const XML_BODY_LIMITS = {
  DeleteObjects: 4 * 1024 * 1024,
  CompleteMultipartUpload: 4 * 1024 * 1024,
  PutBucketTagging: 1024 * 1024,
  CreateBucket: 1024 * 1024,
} as const;

export const MAX_DELETE_KEYS = 1000;
export const MAX_TAGS = 50;
const MAX_TAG_KEY_CHARS = 128;
const MAX_TAG_VALUE_CHARS = 256;

function requiredText(node: XmlNode, name: string): string {
  const child = childNamed(node, name);
  if (!child) throw malformed(`Element ${name} is missing in ${node.name}.`);
  return child.text;
}

function optionalText(node: XmlNode, name: string): string | undefined {
  return childNamed(node, name)?.text;
}

export function parseDeleteObjects(body: Uint8Array | string): DeleteRequest {
  const root = expectRoot(parseXml(body, { maxBytes: XML_BODY_LIMITS.DeleteObjects }), 'Delete');
  const objects = childrenNamed(root, 'Object');
  if (objects.length === 0 || objects.length > MAX_DELETE_KEYS) {
    throw malformed(`A Delete request must list between 1 and ${MAX_DELETE_KEYS} objects.`);
  }
  return {
    quiet: optionalText(root, 'Quiet')?.trim().toLowerCase() === 'true',
    objects: objects.map((o) => {
      const versionId = optionalText(o, 'VersionId')?.trim();
      return { key: requiredText(o, 'Key'), ...(versionId && { versionId }) };
    }),
  };
}

const CHECKSUM_ELEMENTS = [
  ['crc32', 'ChecksumCRC32'],
  ['crc32c', 'ChecksumCRC32C'],
  ['crc64nvme', 'ChecksumCRC64NVME'],
  ['sha1', 'ChecksumSHA1'],
  ['sha256', 'ChecksumSHA256'],
] as const;

/**
 * An integer, else MalformedXML. As S3: below 1 is InvalidArgument; above the limit no such
 * part can have been uploaded, so InvalidPart.
 */
function completedPartNumber(raw: string): number {
  if (!/^-?\d+$/.test(raw)) throw malformed(`Invalid PartNumber ${raw}.`);
  const n = Number(raw);
  if (n < 1) throw new S3Error('InvalidArgument', `PartNumber must be at least 1, not ${raw}.`);
  if (n > MAX_PART_NUMBER) throw new S3Error('InvalidPart', `Part ${raw} cannot exist: part numbers go up to ${MAX_PART_NUMBER}.`);
  return n;
}

function completedPart(part: XmlNode): CompletedPart {
  const partNumber = completedPartNumber(requiredText(part, 'PartNumber').trim());
  const checksums: { -readonly [K in keyof Checksums]: string } = {};
  for (const [field, element] of CHECKSUM_ELEMENTS) {
    const v = optionalText(part, element)?.trim();
    if (v) checksums[field] = v;
  }
  return { partNumber, etag: normalizeEtag(requiredText(part, 'ETag')), checksums };
}

/** Parts must be listed in strictly ascending order (InvalidPartOrder otherwise, as S3). */
export function parseCompleteMultipartUpload(body: Uint8Array | string): CompleteMultipartUploadRequest {
  const root = expectRoot(parseXml(body, { maxBytes: XML_BODY_LIMITS.CompleteMultipartUpload }), 'CompleteMultipartUpload');
  const nodes = childrenNamed(root, 'Part');
  if (nodes.length === 0) throw malformed('You must specify at least one part.');
  if (nodes.length > MAX_PART_NUMBER) throw malformed(`At most ${MAX_PART_NUMBER} parts can be listed.`);
  const parts = nodes.map(completedPart);
  for (let i = 1; i < parts.length; i++) {
    if (parts[i]!.partNumber <= parts[i - 1]!.partNumber) throw new S3Error('InvalidPartOrder');
  }
  return { parts };
}

function invalidTag(message: string): S3Error {
  return new S3Error('InvalidTag', message);
}

/** Tag keys are unique, 1..128 characters; values 0..256; at most 50 tags. */
export function parseTagging(body: Uint8Array | string): readonly Tag[] {
  const root = expectRoot(parseXml(body, { maxBytes: XML_BODY_LIMITS.PutBucketTagging }), 'Tagging');
  const tagSet = childNamed(root, 'TagSet');
  if (!tagSet) throw malformed('Element TagSet is missing in Tagging.');
  const tags = childrenNamed(tagSet, 'Tag').map((t) => ({ key: requiredText(t, 'Key'), value: optionalText(t, 'Value') ?? '' }));
  if (tags.length > MAX_TAGS) throw invalidTag(`Bucket tag count cannot be greater than ${MAX_TAGS}`);
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    const keyChars = [...key].length;
    if (keyChars === 0 || keyChars > MAX_TAG_KEY_CHARS) throw invalidTag('The TagKey you have provided is invalid');
    if ([...value].length > MAX_TAG_VALUE_CHARS) throw invalidTag('The TagValue you have provided is invalid');
    if (seen.has(key)) throw invalidTag('Cannot provide multiple Tags with the same key');
    seen.add(key);
  }
  return tags;
}

/** An empty body is allowed (the common case); the LocationConstraint is read and ignored. */
export function parseCreateBucketConfiguration(body: Uint8Array | string): CreateBucketConfiguration {
  if (isBlank(body)) return {};
  const root = expectRoot(parseXml(body, { maxBytes: XML_BODY_LIMITS.CreateBucket }), 'CreateBucketConfiguration');
  const location = optionalText(root, 'LocationConstraint')?.trim();
  return location ? { locationConstraint: location } : {};
}

function isBlank(body: Uint8Array | string): boolean {
  if (typeof body === 'string') return body.trim() === '';
  // Stops at the first non-blank byte: no copy of a large body.
  return body.every((b) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d);
}
