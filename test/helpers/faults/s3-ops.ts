// The S3 operations the adversarial workloads drive, as thin wrappers over raw requests:
// each returns the raw response (callers decide what counts as acknowledged) or the parsed
// fields a model needs.

import { createHash } from 'node:crypto';
import { objectPath, s3, xmlAll, xmlText, type RawS3Response, type S3Target } from './s3-raw.js';

export const putObject = (t: S3Target, bucket: string, key: string, body: Buffer, headers: Record<string, string> = {}): Promise<RawS3Response> =>
  s3(t, { method: 'PUT', path: objectPath(bucket, key), body, headers });

export const getObject = (t: S3Target, bucket: string, key: string, headers: Record<string, string> = {}): Promise<RawS3Response> =>
  s3(t, { method: 'GET', path: objectPath(bucket, key), headers });

export const headObject = (t: S3Target, bucket: string, key: string): Promise<RawS3Response> => s3(t, { method: 'HEAD', path: objectPath(bucket, key) });

export const deleteObject = (t: S3Target, bucket: string, key: string): Promise<RawS3Response> => s3(t, { method: 'DELETE', path: objectPath(bucket, key) });

export const createBucket = (t: S3Target, bucket: string): Promise<RawS3Response> => s3(t, { method: 'PUT', path: `/${bucket}` });

export const copyObject = (t: S3Target, bucket: string, key: string, source: { bucket: string; key: string }): Promise<RawS3Response> =>
  s3(t, { method: 'PUT', path: objectPath(bucket, key), headers: { 'x-amz-copy-source': objectPath(source.bucket, source.key) } });

export function deleteObjectsXml(keys: readonly string[], opts: { quiet?: boolean } = {}): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?><Delete>${opts.quiet ? '<Quiet>true</Quiet>' : ''}${keys.map((k) => `<Object><Key>${esc(k)}</Key></Object>`).join('')}</Delete>`;
}

/** DeleteObjects (verbose); `deleted` lists the keys the server reports as deleted. */
export async function deleteObjects(t: S3Target, bucket: string, keys: readonly string[]): Promise<{ res: RawS3Response; deleted: string[]; errors: string[] }> {
  const body = deleteObjectsXml(keys);
  const res = await s3(t, { method: 'POST', path: `/${bucket}?delete`, body, headers: { 'content-md5': createHash('md5').update(body).digest('base64'), 'content-type': 'application/xml' } });
  const deleted = [...res.text.matchAll(/<Deleted>([\s\S]*?)<\/Deleted>/g)].map((m) => xmlText(m[1]!, 'Key') ?? '');
  const errors = [...res.text.matchAll(/<Error>([\s\S]*?)<\/Error>/g)].map((m) => xmlText(m[1]!, 'Key') ?? '');
  return { res, deleted, errors };
}

export async function createUpload(t: S3Target, bucket: string, key: string): Promise<{ res: RawS3Response; uploadId?: string }> {
  const res = await s3(t, { method: 'POST', path: objectPath(bucket, key, 'uploads') });
  return { res, uploadId: res.status === 200 ? xmlText(res.text, 'UploadId') : undefined };
}

export const uploadPart = (t: S3Target, bucket: string, key: string, uploadId: string, part: number, body: Buffer): Promise<RawS3Response> =>
  s3(t, { method: 'PUT', path: objectPath(bucket, key, `partNumber=${part}&uploadId=${encodeURIComponent(uploadId)}`), body });

export function completeXml(parts: ReadonlyArray<{ part: number; etag: string }>): string {
  return `<CompleteMultipartUpload>${parts.map((p) => `<Part><PartNumber>${p.part}</PartNumber><ETag>"${p.etag}"</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
}

export const completeUpload = (t: S3Target, bucket: string, key: string, uploadId: string, parts: ReadonlyArray<{ part: number; etag: string }>): Promise<RawS3Response> =>
  s3(t, { method: 'POST', path: objectPath(bucket, key, `uploadId=${encodeURIComponent(uploadId)}`), body: completeXml(parts) });

export const abortUpload = (t: S3Target, bucket: string, key: string, uploadId: string): Promise<RawS3Response> =>
  s3(t, { method: 'DELETE', path: objectPath(bucket, key, `uploadId=${encodeURIComponent(uploadId)}`) });

export async function listParts(t: S3Target, bucket: string, key: string, uploadId: string): Promise<{ res: RawS3Response; parts: Map<number, string> }> {
  const res = await s3(t, { method: 'GET', path: objectPath(bucket, key, `uploadId=${encodeURIComponent(uploadId)}`) });
  const parts = new Map<number, string>();
  for (const m of res.text.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    parts.set(Number(xmlText(m[1]!, 'PartNumber')), (xmlText(m[1]!, 'ETag') ?? '').replace(/&quot;|"/g, ''));
  }
  return { res, parts };
}

/** Every key of a bucket with its size (ListObjectsV2, all pages). */
export async function listAll(t: S3Target, bucket: string, prefix = ''): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let token: string | undefined;
  do {
    const q = `list-type=2&prefix=${encodeURIComponent(prefix)}${token ? `&continuation-token=${encodeURIComponent(token)}` : ''}`;
    const res = await s3(t, { method: 'GET', path: `/${bucket}?${q}` });
    if (res.status !== 200) throw new Error(`ListObjectsV2 ${bucket} -> ${res.status} ${res.text}`);
    for (const m of res.text.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) out.set(unescapeXml(xmlText(m[1]!, 'Key') ?? ''), Number(xmlText(m[1]!, 'Size')));
    token = xmlText(res.text, 'IsTruncated') === 'true' ? xmlText(res.text, 'NextContinuationToken') : undefined;
  } while (token);
  return out;
}

export const unescapeXml = (s: string): string =>
  s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&amp;/g, '&');

export { s3, xmlAll };
