// What a request's headers ask to be verified over its body, worked out (and refused when
// malformed or contradictory, CLIENTS.md R1.5) before a byte of the body is read.
import { S3Error } from '../errors.js';
import type { PayloadMode } from '../auth/types.js';
import { algorithmOfHeader, checksumHeaderName, isWellFormedChecksum, parseChecksumAlgorithm, type ChecksumAlgorithm } from './checksums.js';

export interface BodyChecks {
  /** Decoded length the body must have, when the request says. */
  readonly expectedLength: number | undefined;
  /** Hex SHA-256 from x-amz-content-sha256. */
  readonly sha256Hex: string | undefined;
  /** Content-MD5 as raw digest. */
  readonly md5: Buffer | undefined;
  /** The flexible checksum to compute, and where its expected value comes from. */
  readonly checksum:
    | { readonly algorithm: ChecksumAlgorithm; readonly source: 'header'; readonly value: string }
    | { readonly algorithm: ChecksumAlgorithm; readonly source: 'trailer' }
    | undefined;
}

type Headers = Readonly<Record<string, string | undefined>>;

const invalidRequest = (msg: string): S3Error => new S3Error('InvalidRequest', msg);

function parseLength(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value.trim())) {
    throw new S3Error('InvalidArgument', `${name} must be a non-negative integer.`, { extra: { ArgumentName: name, ArgumentValue: value.slice(0, 64) } });
  }
  return Number(value.trim());
}

function parseContentMd5(value: string | undefined): Buffer | undefined {
  if (value === undefined) return undefined;
  const digest = Buffer.from(value.trim(), 'base64');
  if (digest.length !== 16 || digest.toString('base64') !== value.trim()) throw new S3Error('InvalidDigest');
  return digest;
}

function headerChecksum(headers: Headers): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  const found: Array<{ algorithm: ChecksumAlgorithm; value: string }> = [];
  for (const [name, value] of Object.entries(headers)) {
    const algorithm = algorithmOfHeader(name);
    if (algorithm && value !== undefined) found.push({ algorithm, value: value.trim() });
  }
  if (found.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const one = found[0];
  if (one && !isWellFormedChecksum(one.algorithm, one.value)) {
    throw invalidRequest(`Value for ${checksumHeaderName(one.algorithm)} header is invalid.`);
  }
  return one;
}

function trailerChecksum(headers: Headers, payload: PayloadMode): ChecksumAlgorithm | undefined {
  const declared = headers['x-amz-trailer'];
  if (declared === undefined) return undefined;
  if (payload.kind !== 'aws-chunked' || !payload.trailer) {
    throw invalidRequest('x-amz-trailer needs an x-amz-content-sha256 of STREAMING-UNSIGNED-PAYLOAD-TRAILER or STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.');
  }
  const names = declared.split(',').map((n) => n.trim().toLowerCase()).filter((n) => n !== '');
  const algorithms = names.map((n) => {
    const alg = algorithmOfHeader(n);
    if (!alg) throw invalidRequest(`The trailer ${n.slice(0, 64)} is not supported; only x-amz-checksum-* trailers are.`);
    return alg;
  });
  if (algorithms.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- trailer. Multiple checksum Types are not allowed.');
  return algorithms[0];
}

/** Reads the integrity headers of a request (hoisted query values already merged in). */
export function planBodyChecks(headers: Headers, payload: PayloadMode): BodyChecks {
  const md5 = parseContentMd5(headers['content-md5']);
  const inHeader = headerChecksum(headers);
  const inTrailer = trailerChecksum(headers, payload);
  if (inHeader && inTrailer) throw invalidRequest('Expecting a single checksum: x-amz-checksum-* and x-amz-trailer cannot both be sent.');
  const sdkAlgorithm = headers['x-amz-sdk-checksum-algorithm'];
  if (sdkAlgorithm !== undefined) {
    const alg = parseChecksumAlgorithm(sdkAlgorithm);
    if (!alg) {
      throw invalidRequest('Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]');
    }
    const named = inHeader?.algorithm ?? inTrailer;
    if (named === undefined) {
      throw invalidRequest('x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
    }
    if (named !== alg) throw invalidRequest(`Value for x-amz-sdk-checksum-algorithm header is invalid: ${alg} does not match the ${named} checksum sent.`);
  }
  const expectedLength =
    payload.kind === 'aws-chunked'
      ? parseLength(headers['x-amz-decoded-content-length'], 'x-amz-decoded-content-length')
      : parseLength(headers['content-length'], 'Content-Length');
  return {
    expectedLength,
    sha256Hex: payload.kind === 'sha256' ? payload.sha256Hex : undefined,
    md5,
    checksum: inHeader
      ? { algorithm: inHeader.algorithm, source: 'header', value: inHeader.value }
      : inTrailer
        ? { algorithm: inTrailer, source: 'trailer' }
        : undefined,
  };
}
