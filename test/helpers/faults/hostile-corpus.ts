// A corpus of named hostile S3 requests: each says what it sends and the clean refusal it
// must get (status and S3 error code). The test runs them one by one against a real gateway
// and checks that none of them changed anything.

import { createHash } from 'node:crypto';
import { presign, rawExchange, sigV2Headers, signedChunkedPut } from './hostile-signing.js';
import { completeXml, deleteObjectsXml } from './s3-ops.js';
import { objectPath, s3, signHeaders, type RawS3Response, type S3Target } from './s3-raw.js';

export interface CorpusContext {
  readonly t: S3Target;
  readonly bucket: string;
  /** An object that exists in `bucket`. */
  readonly key: string;
  /** An open multipart upload of `bucket`/`uploadKey` with part 1 stored. */
  readonly uploadKey: string;
  readonly uploadId: string;
  readonly partEtag: string;
  /** The portable data hash of the bucket's collection (a read-only bucket name). */
  readonly pdh: string;
}

export interface HostileCase {
  readonly name: string;
  send(c: CorpusContext): Promise<RawS3Response | 'no-answer'>;
  /** Accepted statuses; 'no-answer' when the server must simply drop the request. */
  readonly status: ReadonlyArray<number | 'no-answer'>;
  /** Accepted S3 error codes (checked when the answer has a body). */
  readonly codes?: readonly string[];
}

const b64md5 = (s: string | Buffer): string => createHash('md5').update(s).digest('base64');
const sha256hex = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const amzDate = (offsetMs: number): string => new Date(Date.now() + offsetMs).toISOString().replace(/[:-]|\.\d{3}/g, '');
const victim = (c: CorpusContext): string => objectPath(c.bucket, 'victim');
const postXml = (c: CorpusContext, query: string, body: string | Buffer, extra: Record<string, string> = {}): Promise<RawS3Response> =>
  s3(c.t, { method: 'POST', path: `/${c.bucket}?${query}`, body, headers: { 'content-md5': b64md5(body), ...extra } });
const billionLaughs = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join('')}]><Delete><Object><Key>&j;</Key></Object></Delete>`;

const AUTH: HostileCase[] = [
  { name: 'anonymous GET', status: [403], codes: ['AccessDenied'], send: (c) => s3(c.t, { method: 'GET', path: objectPath(c.bucket, c.key), signing: 'none' }) },
  { name: 'anonymous PUT', status: [403], codes: ['AccessDenied'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'x', signing: 'none' }) },
  { name: 'unknown access key', status: [403], codes: ['InvalidAccessKeyId'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'x', credentials: { accessKeyId: 'zzzzz-gj3su-000000000000000', secretAccessKey: 'nope' } }) },
  { name: 'right key, wrong secret', status: [403], codes: ['SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'x', credentials: { ...c.t.credentials, secretAccessKey: 'wrong' } }) },
  { name: 'empty access key', status: [403, 400], codes: ['InvalidAccessKeyId', 'AccessDenied', 'InvalidArgument', 'InvalidRequest', 'AuthorizationQueryParametersError', 'SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key), credentials: { accessKeyId: '', secretAccessKey: '' } }) },
  {
    name: 'signature of one key replayed on another', status: [403], codes: ['SignatureDoesNotMatch'],
    send: (c) => {
      const headers = signHeaders(c.t, { method: 'PUT', path: objectPath(c.bucket, 'innocent'), body: 'x' });
      return s3(c.t, { method: 'PUT', path: victim(c), body: 'x', headers, signing: 'none' });
    },
  },
  {
    name: 'signature of a GET replayed as DELETE', status: [403], codes: ['SignatureDoesNotMatch'],
    send: (c) => {
      const headers = signHeaders(c.t, { method: 'GET', path: objectPath(c.bucket, c.key) });
      return s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key), headers, signing: 'none' });
    },
  },
  {
    name: 'signed request replayed with another body', status: [400], codes: ['XAmzContentSHA256Mismatch'],
    send: (c) => {
      const headers = signHeaders(c.t, { method: 'PUT', path: victim(c), body: 'original' });
      return s3(c.t, { method: 'PUT', path: victim(c), body: 'tampered', headers, signing: 'none' });
    },
  },
  { name: 'signed an hour ago', status: [403], codes: ['RequestTimeTooSkewed'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'x', headers: { 'x-amz-date': amzDate(-3600_000) } }) },
  { name: 'signed an hour ahead', status: [403], codes: ['RequestTimeTooSkewed'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key), headers: { 'x-amz-date': amzDate(3600_000) } }) },
  { name: 'malformed x-amz-date', status: [400, 403], codes: ['AccessDenied', 'InvalidArgument', 'InvalidRequest', 'SignatureDoesNotMatch', 'RequestTimeTooSkewed'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key), headers: { 'x-amz-date': '2024-13-45T99:99:99Z' } }) },
  { name: 'expired presigned URL', status: [403], codes: ['AccessDenied'], send: (c) => s3(c.t, { method: 'GET', path: presign(c.t, 'GET', objectPath(c.bucket, c.key), { 'X-Amz-Date': '20200101T000000Z', 'X-Amz-Expires': '60' }), signing: 'none' }) },
  { name: 'presigned URL with the key changed', status: [403], codes: ['SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'DELETE', path: presign(c.t, 'DELETE', objectPath(c.bucket, 'innocent')).replace('/innocent?', `/${encodeURIComponent(c.key)}?`), signing: 'none' }) },
  { name: 'presigned URL with X-Amz-Expires raised', status: [403], codes: ['SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'GET', path: presign(c.t, 'GET', objectPath(c.bucket, c.key), { 'X-Amz-Expires': '60' }).replace('X-Amz-Expires=60', 'X-Amz-Expires=600'), signing: 'none' }) },
  { name: 'presigned GET used as DELETE', status: [403], codes: ['SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'DELETE', path: presign(c.t, 'GET', objectPath(c.bucket, c.key)), signing: 'none' }) },
  { name: 'presigned URL valid for more than 7 days', status: [400], codes: ['AuthorizationQueryParametersError'], send: (c) => s3(c.t, { method: 'GET', path: presign(c.t, 'GET', objectPath(c.bucket, c.key), { 'X-Amz-Expires': '604801' }), signing: 'none' }) },
  { name: 'presigned URL without its signature', status: [400, 403], codes: ['AuthorizationQueryParametersError', 'AccessDenied'], send: (c) => s3(c.t, { method: 'GET', path: presign(c.t, 'GET', objectPath(c.bucket, c.key)).replace(/&?X-Amz-Signature=[0-9a-f]+/, ''), signing: 'none' }) },
  { name: 'garbage AWS4 Authorization header', status: [400, 403], codes: ['AuthorizationHeaderMalformed', 'AccessDenied', 'InvalidArgument', 'InvalidRequest', 'SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key), headers: { authorization: 'AWS4-HMAC-SHA256 garbage', 'x-amz-date': amzDate(0) }, signing: 'none' }) },
  { name: 'unsupported signing algorithm', status: [400, 403, 501], codes: ['NotImplemented', 'AuthorizationHeaderMalformed', 'AccessDenied', 'InvalidArgument', 'InvalidRequest', 'SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key), headers: { authorization: `AWS4-HMAC-SHA512 Credential=${c.t.credentials.accessKeyId}/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`, 'x-amz-date': amzDate(0) }, signing: 'none' }) },
  { name: 'SigV2 with a wrong signature', status: [403], codes: ['SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key), headers: sigV2Headers(c.t, 'DELETE', objectPath(c.bucket, c.key), 'wrong'), signing: 'none' }) },
  { name: 'SigV2 signature of another resource', status: [403], codes: ['SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key), headers: sigV2Headers(c.t, 'DELETE', objectPath(c.bucket, 'innocent')), signing: 'none' }) },
];

const PAYLOAD: HostileCase[] = [
  { name: 'x-amz-content-sha256 of other bytes', status: [400], codes: ['XAmzContentSHA256Mismatch'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'abc', headers: { 'x-amz-content-sha256': sha256hex('abd') } }) },
  { name: 'x-amz-content-sha256 not hex', status: [400, 403], codes: ['InvalidArgument', 'InvalidRequest', 'XAmzContentSHA256Mismatch', 'SignatureDoesNotMatch'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'abc', headers: { 'x-amz-content-sha256': 'zz' } }) },
  { name: 'Content-MD5 of other bytes', status: [400], codes: ['BadDigest'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'abc', headers: { 'content-md5': b64md5('abd') } }) },
  { name: 'Content-MD5 that is not an MD5', status: [400], codes: ['InvalidDigest'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'abc', headers: { 'content-md5': 'AAAA' } }) },
  { name: 'x-amz-checksum-crc32 mismatch', status: [400], codes: ['BadDigest'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'abc', headers: { 'x-amz-checksum-crc32': 'AAAAAA==' } }) },
  { name: 'x-amz-checksum-sha256 malformed', status: [400], codes: ['InvalidRequest', 'InvalidDigest', 'BadDigest', 'InvalidArgument'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'abc', headers: { 'x-amz-checksum-sha256': 'not-base64!' } }) },
  {
    name: 'aws-chunked body with one bad chunk signature', status: [403], codes: ['SignatureDoesNotMatch'],
    send: (c) => {
      const { headers, body } = signedChunkedPut(c.t, victim(c), Buffer.alloc(200_000, 7), 65_536);
      const text = body.toString('latin1');
      const sigs = [...text.matchAll(/chunk-signature=([0-9a-f]{64})/g)];
      const at = sigs[1]!.index! + 'chunk-signature='.length;
      const bad = Buffer.from(text.slice(0, at) + (text[at] === '0' ? '1' : '0') + text.slice(at + 1), 'latin1');
      return s3(c.t, { method: 'PUT', path: victim(c), body: bad, headers, signing: 'none' });
    },
  },
  {
    name: 'aws-chunked body shorter than x-amz-decoded-content-length', status: [400], codes: ['IncompleteBody', 'InvalidRequest'],
    send: (c) => {
      const body = Buffer.from('5\r\nhello\r\n0\r\n\r\n');
      return s3(c.t, { method: 'PUT', path: victim(c), body, signing: 'unsigned', headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '10' } });
    },
  },
  {
    name: 'aws-chunked framing garbage', status: [400], codes: ['IncompleteBody', 'InvalidRequest', 'InvalidArgument'],
    send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: Buffer.from('zz;chunk-signature=\r\nabc\r\n'), signing: 'unsigned', headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '3' } }),
  },
  {
    name: 'aws-chunked trailer checksum mismatch', status: [400], codes: ['BadDigest'],
    send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: Buffer.from('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n'), signing: 'unsigned', headers: { 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': '3', 'x-amz-trailer': 'x-amz-checksum-crc32' } }),
  },
  {
    name: 'declared 6 GiB PutObject', status: [400], codes: ['EntityTooLarge'],
    send: (c) => {
      const headers = signHeaders(c.t, { method: 'PUT', path: victim(c), signing: 'unsigned', headers: { 'content-length': String(6 * 1024 ** 3) } });
      return rawExchange(c.t, `PUT ${victim(c)} HTTP/1.1\r\n${Object.entries({ ...headers, connection: 'close' }).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, Buffer.from('partial'));
    },
  },
  {
    name: 'body cut short: Content-Length 100000, 50000 sent, then the connection closes', status: ['no-answer', 400], codes: [],
    send: (c) => {
      const headers = signHeaders(c.t, { method: 'PUT', path: victim(c), signing: 'unsigned', headers: { 'content-length': '100000' } });
      return rawExchange(c.t, `PUT ${victim(c)} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, Buffer.alloc(50_000, 1));
    },
  },
  {
    name: 'Content-Length and Transfer-Encoding together (smuggling)', status: [400], codes: [],
    send: (c) => {
      const headers = signHeaders(c.t, { method: 'PUT', path: victim(c), signing: 'unsigned', headers: { 'content-length': '5', 'transfer-encoding': 'chunked', connection: 'close' } });
      return rawExchange(c.t, `PUT ${victim(c)} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, Buffer.from('0\r\n\r\nGET / HTTP/1.1\r\n\r\n'));
    },
  },
];

const XML: HostileCase[] = [
  { name: 'XML bomb (billion laughs) in DeleteObjects', status: [400], codes: ['MalformedXML'], send: (c) => postXml(c, 'delete', billionLaughs) },
  { name: 'external entity in CompleteMultipartUpload', status: [400], codes: ['MalformedXML'], send: (c) => s3(c.t, { method: 'POST', path: objectPath(c.bucket, c.uploadKey, `uploadId=${c.uploadId}`), body: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>` }) },
  { name: 'DeleteObjects body of 5 MiB', status: [400], codes: ['MalformedXML'], send: (c) => postXml(c, 'delete', `<Delete>${'<Object><Key>k</Key></Object>'.repeat(5 * 1024 * 1024 / 28)}</Delete>`) },
  { name: '1,001 keys in DeleteObjects', status: [400], codes: ['MalformedXML'], send: (c) => postXml(c, 'delete', deleteObjectsXml(Array.from({ length: 1001 }, (_, i) => (i === 0 ? c.key : `k${i}`)))) },
  { name: 'XML nested 10,000 deep', status: [400], codes: ['MalformedXML'], send: (c) => postXml(c, 'delete', `<Delete>${'<a>'.repeat(10_000)}${'</a>'.repeat(10_000)}</Delete>`) },
  { name: 'XML that is not UTF-8', status: [400], codes: ['MalformedXML'], send: (c) => postXml(c, 'delete', Buffer.concat([Buffer.from('<Delete><Object><Key>'), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('</Key></Object></Delete>')])) },
  { name: 'DeleteObjects with an unclosed element', status: [400], codes: ['MalformedXML'], send: (c) => postXml(c, 'delete', `<Delete><Object><Key>${c.key}</Key></Object>`) },
  { name: 'DeleteObjects with Content-MD5 of other bytes', status: [400], codes: ['BadDigest'], send: (c) => postXml(c, 'delete', deleteObjectsXml([c.key]), { 'content-md5': b64md5('other') }) },
  { name: 'CompleteMultipartUpload with parts out of order', status: [400], codes: ['InvalidPartOrder'], send: (c) => s3(c.t, { method: 'POST', path: objectPath(c.bucket, c.uploadKey, `uploadId=${c.uploadId}`), body: completeXml([{ part: 2, etag: c.partEtag }, { part: 1, etag: c.partEtag }]) }) },
  { name: 'CompleteMultipartUpload naming a part never sent', status: [400], codes: ['InvalidPart'], send: (c) => s3(c.t, { method: 'POST', path: objectPath(c.bucket, c.uploadKey, `uploadId=${c.uploadId}`), body: completeXml([{ part: 1, etag: c.partEtag }, { part: 7, etag: c.partEtag }]) }) },
  { name: 'CompleteMultipartUpload with a wrong ETag', status: [400], codes: ['InvalidPart'], send: (c) => s3(c.t, { method: 'POST', path: objectPath(c.bucket, c.uploadKey, `uploadId=${c.uploadId}`), body: completeXml([{ part: 1, etag: '0'.repeat(32) }]) }) },
  { name: 'CompleteMultipartUpload of a made-up upload id', status: [404], codes: ['NoSuchUpload'], send: (c) => s3(c.t, { method: 'POST', path: objectPath(c.bucket, c.uploadKey, 'uploadId=zzzzz-4zz18-000000000000000'), body: completeXml([{ part: 1, etag: c.partEtag }]) }) },
  { name: 'CompleteMultipartUpload of the upload under another key', status: [404], codes: ['NoSuchUpload'], send: (c) => s3(c.t, { method: 'POST', path: objectPath(c.bucket, c.key, `uploadId=${c.uploadId}`), body: completeXml([{ part: 1, etag: c.partEtag }]) }) },
  { name: 'PutBucketTagging with a malformed tag set', status: [400], codes: ['MalformedXML', 'InvalidTag'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}?tagging`, body: '<Tagging><TagSet><Tag><Key></Key></Tag></TagSet></Tagging>', headers: { 'content-md5': b64md5('<Tagging><TagSet><Tag><Key></Key></Tag></TagSet></Tagging>') } }) },
];

const NAMES: HostileCase[] = [
  { name: 'key with a .. component', status: [400], codes: ['InvalidArgument', 'InvalidURI', 'InvalidRequest'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}/a/../${c.key}`, body: 'x' }) },
  { name: 'key with a percent-encoded .. component', status: [400], codes: ['InvalidArgument', 'InvalidURI', 'InvalidRequest'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}/a/%2e%2e/${c.key}`, body: 'x' }) },
  { name: 'key that is just ..', status: [400], codes: ['InvalidArgument', 'InvalidURI', 'InvalidRequest'], send: (c) => s3(c.t, { method: 'DELETE', path: `/${c.bucket}/..` }) },
  { name: 'key with NUL', status: [400], codes: ['InvalidArgument', 'InvalidURI', 'InvalidRequest'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}/a%00b`, body: 'x' }) },
  { name: 'key of 1,025 bytes', status: [400], codes: ['KeyTooLongError'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}/${'k'.repeat(1025)}`, body: 'x' }) },
  { name: 'key with an empty component', status: [400], codes: ['InvalidArgument', 'InvalidURI', 'InvalidRequest'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}/a//b`, body: 'x' }) },
  // aws4 cannot sign these paths: sent unsigned, either refusal (bad URI or no credentials) is right.
  { name: 'key with invalid percent-encoding', status: [400, 403], codes: ['InvalidURI', 'InvalidArgument', 'AccessDenied'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}/a%zzb`, body: 'x', signing: 'none' }) },
  { name: 'key with invalid UTF-8', status: [400, 403], codes: ['InvalidURI', 'InvalidArgument', 'AccessDenied'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}/a%ff%fe`, body: 'x', signing: 'none' }) },
  { name: 'copy source with .. climbing out of its bucket', status: [400, 404], codes: ['InvalidArgument', 'InvalidRequest', 'NoSuchBucket', 'NoSuchKey', 'InvalidURI'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), headers: { 'x-amz-copy-source': `/${c.bucket}/../../etc/passwd` } }) },
  { name: 'copy source in a bucket that does not exist', status: [404], codes: ['NoSuchBucket'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), headers: { 'x-amz-copy-source': '/no-such-bucket-here/k' } }) },
  { name: 'copy source without a key', status: [400], codes: ['InvalidArgument', 'InvalidRequest'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), headers: { 'x-amz-copy-source': `/${c.bucket}` } }) },
  { name: 'bucket named ..', status: [400, 404], codes: ['InvalidBucketName', 'NoSuchBucket'], send: (c) => s3(c.t, { method: 'PUT', path: '/%2e%2e' }) },
  { name: 'bucket name with a control character', status: [400], codes: ['InvalidBucketName'], send: (c) => s3(c.t, { method: 'PUT', path: '/bad%01name' }) },
  { name: 'bucket name with an encoded slash', status: [400], codes: ['InvalidBucketName'], send: (c) => s3(c.t, { method: 'PUT', path: '/a%2Fb' }) },
  { name: 'bucket name of 300 characters', status: [400], codes: ['InvalidBucketName'], send: (c) => s3(c.t, { method: 'PUT', path: `/${'b'.repeat(300)}` }) },
  { name: 'the hidden multipart staging project as a bucket', status: [400, 403, 404], codes: ['InvalidBucketName', 'NoSuchBucket', 'AccessDenied'], send: (c) => s3(c.t, { method: 'GET', path: '/.keepgate-uploads?list-type=2' }) },
  { name: 'creating a bucket in the reserved namespace', status: [400, 403], codes: ['InvalidBucketName', 'InvalidArgument', 'AccessDenied'], send: (c) => s3(c.t, { method: 'PUT', path: '/.keepgate-uploads' }) },
  { name: 'writing into a PDH bucket', status: [403], codes: ['AccessDenied'], send: (c) => s3(c.t, { method: 'PUT', path: `/${encodeURIComponent(c.pdh)}/new`, body: 'x' }) },
  { name: 'deleting from a PDH bucket', status: [403], codes: ['AccessDenied'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.pdh, c.key) }) },
  { name: 'a made-up collection uuid as bucket', status: [404], codes: ['NoSuchBucket'], send: (c) => s3(c.t, { method: 'PUT', path: '/zzzzz-4zz18-000000000000000/k', body: 'x' }) },
];

const PROTOCOL: HostileCase[] = [
  { name: 'user metadata over 2 KB', status: [400], codes: ['MetadataTooLarge'], send: (c) => s3(c.t, { method: 'PUT', path: victim(c), body: 'x', headers: { 'x-amz-meta-big': 'm'.repeat(3000) } }) },
  {
    // Node refuses the headers (431) and may reset the connection while they are still arriving.
    name: 'headers over 64 KiB', status: [431, 400, 'no-answer'], codes: [],
    send: (c) => {
      const headers = signHeaders(c.t, { method: 'PUT', path: victim(c), body: 'x', headers: { 'x-padding': 'p'.repeat(64 * 1024), connection: 'close' } });
      return rawExchange(c.t, `PUT ${victim(c)} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`, Buffer.from('x'));
    },
  },
  { name: 'PATCH', status: [405], codes: ['MethodNotAllowed'], send: (c) => s3(c.t, { method: 'PATCH', path: objectPath(c.bucket, c.key), body: 'x' }) },
  { name: 'OPTIONS (CORS preflight)', status: [403, 405, 501], codes: ['MethodNotAllowed', 'NotImplemented', 'AccessDenied'], send: (c) => s3(c.t, { method: 'OPTIONS', path: objectPath(c.bucket, c.key), signing: 'none', headers: { origin: 'http://evil.example', 'access-control-request-method': 'DELETE' } }) },
  { name: 'PROPFIND (WebDAV)', status: [405], codes: ['MethodNotAllowed'], send: (c) => s3(c.t, { method: 'PROPFIND', path: `/${c.bucket}` }) },
  { name: 'PUT on the service root', status: [405], codes: ['MethodNotAllowed'], send: (c) => s3(c.t, { method: 'PUT', path: '/', body: 'x' }) },
  { name: 'PutObjectAcl', status: [501], codes: ['NotImplemented'], send: (c) => s3(c.t, { method: 'PUT', path: objectPath(c.bucket, c.key, 'acl'), body: '<AccessControlPolicy/>' }) },
  { name: 'PutBucketPolicy', status: [501], codes: ['NotImplemented'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}?policy`, body: '{"Statement":[]}' }) },
  { name: 'PutBucketLifecycleConfiguration', status: [501], codes: ['NotImplemented'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}?lifecycle`, body: '<LifecycleConfiguration/>' }) },
  { name: 'PutBucketVersioning (Enabled)', status: [501], codes: ['NotImplemented'], send: (c) => s3(c.t, { method: 'PUT', path: `/${c.bucket}?versioning`, body: '<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>' }) },
  { name: 'PostObject (browser form upload)', status: [501, 403], codes: ['NotImplemented', 'AccessDenied'], send: (c) => s3(c.t, { method: 'POST', path: `/${c.bucket}`, body: '--x\r\nContent-Disposition: form-data; name="key"\r\n\r\nvictim\r\n--x--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=x' } }) },
  { name: 'RestoreObject', status: [501], codes: ['NotImplemented'], send: (c) => s3(c.t, { method: 'POST', path: objectPath(c.bucket, c.key, 'restore'), body: '<RestoreRequest/>' }) },
  { name: 'UploadPart number 0', status: [400], codes: ['InvalidArgument'], send: (c) => s3(c.t, { method: 'PUT', path: objectPath(c.bucket, c.uploadKey, `partNumber=0&uploadId=${c.uploadId}`), body: 'x' }) },
  { name: 'UploadPart number 10001', status: [400], codes: ['InvalidArgument'], send: (c) => s3(c.t, { method: 'PUT', path: objectPath(c.bucket, c.uploadKey, `partNumber=10001&uploadId=${c.uploadId}`), body: 'x' }) },
  { name: 'UploadPart to a made-up upload id', status: [404], codes: ['NoSuchUpload'], send: (c) => s3(c.t, { method: 'PUT', path: objectPath(c.bucket, c.uploadKey, 'partNumber=2&uploadId=not-an-upload'), body: 'x' }) },
  { name: 'ListObjects with max-keys=-1', status: [400], codes: ['InvalidArgument'], send: (c) => s3(c.t, { method: 'GET', path: `/${c.bucket}?list-type=2&max-keys=-1` }) },
  { name: 'ListObjects with a forged continuation token', status: [400, 200], codes: ['InvalidArgument'], send: (c) => s3(c.t, { method: 'GET', path: `/${c.bucket}?list-type=2&continuation-token=${encodeURIComponent('../../../etc')}` }) },
  { name: 'Range past the end', status: [416], codes: ['InvalidRange'], send: (c) => s3(c.t, { method: 'GET', path: objectPath(c.bucket, c.key), headers: { range: 'bytes=99999999-' } }) },
  { name: 'DeleteObject with a made-up versionId', status: [400, 404, 501], codes: ['InvalidArgument', 'NotImplemented'], send: (c) => s3(c.t, { method: 'DELETE', path: objectPath(c.bucket, c.key, 'versionId=abc') }) },
];

export const HOSTILE_CORPUS: readonly HostileCase[] = [...AUTH, ...PAYLOAD, ...XML, ...NAMES, ...PROTOCOL];
