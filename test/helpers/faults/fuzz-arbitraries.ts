// fast-check generators of hostile S3 and Arvados REST requests: methods, paths, queries,
// headers, Authorization values, aws-chunked framings, Range values, XML documents and
// REST filters, mixing well-formed pieces with garbage so that requests get past the first
// check often enough to reach the deeper parsers.

import fc from 'fast-check';

const printable = (max: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[\\x20-\\x7e]{0,${max}}$`));
const token = fc.stringMatching(/^[A-Za-z0-9._~+-]{1,24}$/);

export const methodArb = fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE', 'GET', 'PUT', 'POST', 'OPTIONS', 'PATCH', 'TRACE', 'MKCOL', 'COPY');

const segmentArb = fc.oneof(
  fc.constantFrom('fuzz', 'fuzz', 'existing.txt', 'dir', '..', '.', '', '%00', '%2F', '%2e%2e', '%zz', '%ff%fe', '%E2%82%AC', 'a+b', 'zzzzz-4zz18-000000000000000', 'zzzzz-j7d0g-000000000000000', 'd41d8cd98f00b204e9800998ecf8427e+0', '.keepgate-uploads'),
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  fc.stringMatching(/^[a-zA-Z0-9%._~!$&'()*+,;=:@-]{0,40}$/),
  fc.constant('k'.repeat(1100)),
);
export const pathArb = fc.array(segmentArb, { maxLength: 4 }).map((s) => `/${s.join('/')}`);

const QUERY_KEYS = [
  'uploads', 'uploadId', 'partNumber', 'delete', 'tagging', 'acl', 'policy', 'versioning', 'location', 'list-type', 'max-keys',
  'prefix', 'delimiter', 'marker', 'start-after', 'continuation-token', 'encoding-type', 'fetch-owner', 'versionId', 'max-uploads',
  'max-parts', 'part-number-marker', 'key-marker', 'upload-id-marker', 'response-content-type', 'response-content-disposition',
  'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'AWSAccessKeyId',
  'Signature', 'Expires', 'x-id', 'select', 'restore', 'cors', 'lifecycle', 'website', 'attributes', 'torrent',
];
const queryValueArb = fc.oneof(fc.constantFrom('', '0', '1', '-1', '1000', '1001', '99999999999999999999', '2', 'url', 'true', 'AWS4-HMAC-SHA256', '20200101T000000Z'), fc.string({ maxLength: 30 }).map(encodeURIComponent));
export const queryArb = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), token), fc.option(queryValueArb, { nil: undefined })), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&'));

const HEADER_NAMES = [
  'range', 'content-md5', 'x-amz-content-sha256', 'x-amz-date', 'date', 'x-amz-copy-source', 'x-amz-copy-source-range', 'if-match',
  'if-none-match', 'if-modified-since', 'if-unmodified-since', 'x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme',
  'x-amz-checksum-sha1', 'x-amz-checksum-sha256', 'x-amz-sdk-checksum-algorithm', 'x-amz-checksum-algorithm', 'x-amz-trailer', 'content-encoding',
  'x-amz-decoded-content-length', 'x-amz-meta-a', 'x-amz-meta-', 'content-type', 'x-amz-metadata-directive', 'x-amz-tagging',
  'x-amz-security-token', 'x-amz-acl', 'x-amz-server-side-encryption', 'x-amz-storage-class', 'x-amz-expected-bucket-owner',
  'x-amz-checksum-mode', 'cache-control', 'content-disposition',
];
const headerValueArb = fc.oneof(
  printable(60),
  fc.constantFrom('bytes=0-0', 'bytes=-1', 'bytes=5-', 'bytes=1-0', 'bytes=0-1,3-4', 'UNSIGNED-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'aws-chunked', '/fuzz/existing.txt', '/fuzz/../x',
    '*', '"abc"', 'COPY', 'REPLACE', '100-continue', 'AAAAAA==', '1B2M2Y8AsgTpgAmY7PhCfg==', '-5', '99999999999999999999'),
);
export const headersArb = fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValueArb, { maxKeys: 5 });

/** Authorization values: garbage, and near-misses of SigV4 and SigV2 for the given key. */
export function authorizationArb(accessKey: string): fc.Arbitrary<string | undefined> {
  const hex = fc.stringMatching(/^[0-9a-f]{0,70}$/);
  return fc.oneof(
    fc.constant(undefined),
    printable(120),
    fc.tuple(fc.constantFrom(accessKey, 'zzzzz-gj3su-000000000000000', '', 'a/b'), printable(20), fc.constantFrom('host', 'host;x-amz-date', '', 'host;;x'), hex).map(
      ([k, date, signed, sig]) => `AWS4-HMAC-SHA256 Credential=${k}/${date}/us-east-1/s3/aws4_request, SignedHeaders=${signed}, Signature=${sig}`,
    ),
    fc.tuple(fc.constantFrom(accessKey, 'nobody'), printable(40)).map(([k, s]) => `AWS ${k}:${s}`),
    fc.constantFrom('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 ', 'AWS ', 'Bearer x', `AWS4-HMAC-SHA256 Credential=${accessKey}`),
  );
}

export const bodyArb = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 2048 }).map((a) => Buffer.from(a)),
  printable(300).map((s) => Buffer.from(s)),
  fc.constant(Buffer.from('<Delete><Object><Key>existing.txt</Key></Object></Delete>')),
);

/** An aws-chunked body: valid chunks mixed with wrong sizes, bad extensions, junk, trailers and truncation. */
export const awsChunkedArb = fc
  .record({
    chunks: fc.array(fc.record({ data: fc.uint8Array({ maxLength: 300 }), sizeDelta: fc.constantFrom(0, 0, 0, 1, -1, 1000), ext: fc.constantFrom('', '', ';chunk-signature=abc', ';x', ';chunk-signature=' + '0'.repeat(64)) }), { maxLength: 4 }),
    final: fc.constantFrom('0\r\n', '0\r\n', '0;chunk-signature=00\r\n', '', 'zz\r\n'),
    trailers: fc.array(fc.tuple(fc.constantFrom('x-amz-checksum-crc32', 'x-amz-checksum-sha256', 'x-amz-trailer-signature', 'junk'), printable(20)), { maxLength: 2 }),
    end: fc.constantFrom('\r\n', '\r\n', '', '\r\n\r\n'),
    cut: fc.option(fc.nat(2000), { nil: undefined }),
  })
  .map(({ chunks, final, trailers, end, cut }) => {
    const parts: Buffer[] = [];
    let decoded = 0;
    for (const c of chunks) {
      parts.push(Buffer.from(`${Math.max(0, c.data.length + c.sizeDelta).toString(16)}${c.ext}\r\n`), Buffer.from(c.data), Buffer.from('\r\n'));
      decoded += c.data.length;
    }
    parts.push(Buffer.from(final), ...trailers.map(([n, v]) => Buffer.from(`${n}:${v}\r\n`)), Buffer.from(end));
    const body = Buffer.concat(parts);
    return { body: cut === undefined ? body : body.subarray(0, cut), decoded, trailer: trailers[0]?.[0] };
  });

export const rangeArb = fc.oneof(
  fc.tuple(fc.option(fc.integer({ min: -5, max: 300 }), { nil: undefined }), fc.option(fc.integer({ min: -5, max: 300 }), { nil: undefined })).map(([a, b]) => `bytes=${a ?? ''}-${b ?? ''}`),
  fc.constantFrom('bytes=', 'bytes=-', 'bytes=0-0,5-6', 'bytes=abc', 'items=0-5', 'bytes= 1-2', 'bytes=1-2 ', 'bytes=-0', 'bytes=00000000000000000001-2', 'bytes=18446744073709551616-'),
  printable(30),
);

/** XML request documents: the right roots with random children and text, and malformed fragments. */
export const xmlArb = fc.oneof(
  fc.tuple(fc.constantFrom('Delete', 'CompleteMultipartUpload', 'Tagging', 'CreateBucketConfiguration'), fc.array(fc.tuple(fc.constantFrom('Object', 'Key', 'Part', 'PartNumber', 'ETag', 'Quiet', 'TagSet', 'Tag', 'Value', 'VersionId', 'ChecksumCRC32', 'LocationConstraint'), fc.oneof(printable(20), fc.constantFrom('1', '0', '-1', '10001', 'true', '"x"', '<![CDATA[a]]>', '&amp;', '&#0;', '&#x10FFFF;', '&bogus;'))), { maxLength: 6 }))
    .map(([root, kids]) => `<?xml version="1.0" encoding="UTF-8"?><${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${kids.map(([n, v]) => `<${n}>${v}</${n}>`).join('')}</${root}>`),
  printable(200).map((s) => `<Delete>${s}`),
  fc.constantFrom('', '<', '<?xml?>', '<Delete/>', '<Delete><Object/></Delete>', '<!DOCTYPE a [<!ENTITY b "c">]><Delete/>', '<a:Delete xmlns:a="x"><a:Object><a:Key>k</a:Key></a:Object></a:Delete>'),
);

/** Requests that look like what SDKs send (real methods, buckets and keys) with hostile details. */
export const plausibleArb = fc.record({
  method: fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE'),
  path: fc.oneof(
    fc.constantFrom('/', '/fuzz', '/fuzz/', '/fuzz/existing.txt', '/fuzz-xml', '/no-such-bucket'),
    fc.tuple(fc.constantFrom('fuzz', 'fuzz-xml'), fc.array(fc.stringMatching(/^[a-z0-9 ._-]{1,12}$/).map(encodeURIComponent), { minLength: 1, maxLength: 3 }))
      .map(([b, k]) => `/${b}/${k.join('/')}`),
  ),
  query: fc.array(fc.tuple(fc.constantFrom('uploads', 'uploadId', 'partNumber', 'delete', 'tagging', 'list-type', 'max-keys', 'prefix', 'delimiter', 'marker', 'start-after', 'continuation-token', 'encoding-type', 'fetch-owner', 'location', 'versioning', 'max-uploads', 'max-parts', 'part-number-marker', 'response-content-type', 'x-id'), queryValueArb), { maxLength: 3 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&')),
  headers: headersArb,
  body: bodyArb,
});

// `Expect` is left out: Node answers unknown expectations itself (see the dedicated test).

// --- the embedded REST API ---

const ATTRS = ['uuid', 'name', 'owner_uuid', 'properties', 'properties.a', 'manifest_text', 'portable_data_hash', 'created_at', 'modified_at', 'is_trashed', 'trash_at', 'group_class', 'file_count', 'collections.name', 'nope', ''];
const OPS = ['=', '!=', '<', '<=', '>', '>=', 'like', 'ilike', 'not like', 'in', 'not in', 'is_a', 'exists', '@@', 'contains', '~', 'bogus'];
export const filtersArb = fc.oneof(
  fc.array(fc.tuple(fc.constantFrom(...ATTRS), fc.constantFrom(...OPS), fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 }).map((f) => JSON.stringify(f)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  printable(40),
);
export const restQueryArb = fc
  .record({
    filters: fc.option(filtersArb, { nil: undefined }),
    order: fc.option(fc.oneof(fc.constantFrom('name asc', 'uuid desc', 'bogus', 'name; drop table', ''), fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v))), { nil: undefined }),
    select: fc.option(fc.oneof(fc.array(fc.constantFrom(...ATTRS)).map((a) => JSON.stringify(a)), printable(20)), { nil: undefined }),
    limit: fc.option(fc.oneof(fc.integer({ min: -5, max: 2000 }).map(String), printable(8)), { nil: undefined }),
    offset: fc.option(fc.oneof(fc.integer({ min: -5, max: 2000 }).map(String), printable(8)), { nil: undefined }),
    count: fc.option(fc.constantFrom('exact', 'none', 'bogus'), { nil: undefined }),
  })
  .map((q) => new URLSearchParams(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined)).toString());
