// The request body pipeline: aws-chunked decoding when the payload mode says so, length
// accounting, and every verification the request asked for (x-amz-content-sha256, Content-MD5,
// x-amz-checksum-* in a header or trailer). The caller streams `payload` to storage, then
// awaits verify() BEFORE committing anything; a failed check is an S3Error there, a broken
// body an S3Error from the stream itself.
//
// MD5 and SHA-256 over large bodies are the expensive part (~600 MB/s and ~1.9 GB/s for one
// core here), so they go through an injected hash factory: node:crypto by default, the
// worker-thread pool (src/common/hash-pool.ts, `pool.stream(alg)`) in production.
import { createHash } from 'node:crypto';
import { S3Error } from '../errors.js';
import type { AuthResult } from '../auth/types.js';
import { AwsChunkedDecoder } from './aws-chunked.js';
import { planBodyChecks, type BodyChecks } from './checks.js';
import { checksumHeaderName, createChecksummer, isWellFormedChecksum, type Checksummer, type ChecksumAlgorithm } from './checksums.js';

/** An incremental hash whose digest may be computed elsewhere (HashPool's StreamHasher fits). */
export interface IncrementalHash {
  update(data: Uint8Array): void;
  digest(): Promise<Buffer>;
  /** Drops the state when the digest will never be asked for. */
  cancel?(): void;
}

export type HashFactory = (alg: 'md5' | 'sha256') => IncrementalHash;

export const nodeHashFactory: HashFactory = (alg) => {
  const h = createHash(alg);
  return { update: (data) => void h.update(data), digest: () => Promise.resolve(h.digest()) };
};

export interface RequestBodyOptions {
  readonly hasher?: HashFactory;
  /** Also compute the MD5 when no Content-MD5 asks for it (the ETag of a single PUT). */
  readonly computeMd5?: boolean;
}

export interface VerifiedBody {
  /** Payload bytes (decoded). */
  readonly length: number;
  /** Raw MD5 of the payload, when Content-MD5 was sent or computeMd5 asked for it. */
  readonly md5: Buffer | undefined;
  /** The flexible checksum the client sent (header or trailer), now verified. */
  readonly checksum: { readonly algorithm: ChecksumAlgorithm; readonly value: string } | undefined;
}

export interface RequestBody {
  /** The decoded payload; iterate it once (it pulls from the source as it is consumed). */
  readonly payload: AsyncIterable<Buffer>;
  /** The decoded length the request declared, when it did. */
  readonly expectedLength: number | undefined;
  /** After `payload` is exhausted: resolves when every check passed, else rejects with an S3Error. */
  verify(): Promise<VerifiedBody>;
  /** Releases the hashes of a body that will not be verified (aborted upload). */
  cancel(): void;
}

interface Digests {
  readonly md5: IncrementalHash | undefined;
  readonly sha256: IncrementalHash | undefined;
  readonly checksum: Checksummer | undefined;
}

function startDigests(checks: BodyChecks, opts: RequestBodyOptions): Digests {
  const hasher = opts.hasher ?? nodeHashFactory;
  const alg = checks.checksum?.algorithm;
  return {
    md5: checks.md5 !== undefined || opts.computeMd5 ? hasher('md5') : undefined,
    // A SHA256 checksum is the same digest as x-amz-content-sha256: hash once.
    sha256: checks.sha256Hex !== undefined || alg === 'SHA256' ? hasher('sha256') : undefined,
    checksum: alg !== undefined && alg !== 'SHA256' ? createChecksummer(alg) : undefined,
  };
}

/**
 * Opens the body of an authenticated request. Throws an S3Error at once when the integrity
 * headers are malformed or contradictory (nothing has been read then).
 */
export function openRequestBody(
  source: AsyncIterable<Buffer>,
  headers: Readonly<Record<string, string | undefined>>,
  auth: Pick<AuthResult, 'payload' | 'queryHeaders'>,
  opts: RequestBodyOptions = {},
): RequestBody {
  // A presigned URL's own (signed) values win over unsigned headers of the same name.
  const checks = planBodyChecks({ ...headers, ...auth.queryHeaders }, auth.payload);
  const digests = startDigests(checks, opts);
  const mode = auth.payload;
  let length = 0;
  let trailers: ReadonlyMap<string, string> = new Map();
  let finished = false;
  let cancelled = false;

  const cancel = (): void => {
    if (cancelled || finished) return;
    cancelled = true;
    digests.md5?.cancel?.();
    digests.sha256?.cancel?.();
  };

  async function* decode(): AsyncGenerator<Buffer> {
    const decoder = mode.kind === 'aws-chunked' ? new AwsChunkedDecoder({ signing: mode.signing, trailer: mode.trailer }) : undefined;
    try {
      for await (const piece of readSource(source)) {
        for (const slice of decoder ? decoder.push(piece) : [piece]) {
          length += slice.length;
          if (checks.expectedLength !== undefined && length > checks.expectedLength) {
            throw new S3Error('InvalidRequest', `The body holds more than the ${checks.expectedLength} bytes it declared.`);
          }
          digests.md5?.update(slice);
          digests.sha256?.update(slice);
          digests.checksum?.update(slice);
          yield slice;
        }
      }
      if (decoder) trailers = decoder.finish();
      if (checks.expectedLength !== undefined && length < checks.expectedLength) throw new S3Error('IncompleteBody');
      finished = true;
    } finally {
      cancel(); // a no-op once finished
    }
  }

  return {
    payload: decode(),
    expectedLength: checks.expectedLength,
    cancel,
    async verify(): Promise<VerifiedBody> {
      if (!finished) throw new Error('verify() called before the request body was read to its end');
      const [md5, sha256] = await Promise.all([digests.md5?.digest(), digests.sha256?.digest()]);
      if (checks.sha256Hex !== undefined && sha256!.toString('hex') !== checks.sha256Hex) {
        throw new S3Error('XAmzContentSHA256Mismatch', undefined, {
          extra: { ClientComputedContentSHA256: checks.sha256Hex, S3ComputedContentSHA256: sha256!.toString('hex') },
        });
      }
      if (checks.md5 !== undefined && !md5!.equals(checks.md5)) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
      let checksum: VerifiedBody['checksum'];
      if (checks.checksum) {
        const { algorithm } = checks.checksum;
        const expected = checks.checksum.source === 'header' ? checks.checksum.value : trailerValue(trailers, algorithm);
        const actual = (algorithm === 'SHA256' ? sha256! : digests.checksum!.digest()).toString('base64');
        if (actual !== expected) throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
        checksum = { algorithm, value: actual };
      } else {
        rejectUndeclaredTrailers(trailers);
      }
      return { length, md5, checksum };
    },
  };
}

/** Transport failures (a client that went away) become IncompleteBody. */
async function* readSource(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield* source;
  } catch (err) {
    if (err instanceof S3Error) throw err;
    throw new S3Error('IncompleteBody', undefined, { cause: err });
  }
}

function trailerValue(trailers: ReadonlyMap<string, string>, algorithm: ChecksumAlgorithm): string {
  const name = checksumHeaderName(algorithm);
  const value = trailers.get(name);
  if (value === undefined) throw new S3Error('InvalidRequest', `The ${name} trailer declared in x-amz-trailer was not sent.`);
  if (!isWellFormedChecksum(algorithm, value)) throw new S3Error('InvalidRequest', `Value for ${name} trailing header is invalid.`);
  for (const other of trailers.keys()) {
    if (other !== name) throw new S3Error('InvalidRequest', `The trailer ${other.slice(0, 64)} was not declared in x-amz-trailer.`);
  }
  return value;
}

/** A checksum trailer nobody declared could not have been computed: refuse rather than skip it. */
function rejectUndeclaredTrailers(trailers: ReadonlyMap<string, string>): void {
  for (const name of trailers.keys()) {
    throw new S3Error('InvalidRequest', `The trailer ${name.slice(0, 64)} was not declared in x-amz-trailer.`);
  }
}
