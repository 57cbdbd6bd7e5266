// What handlers see of a request body: the decoded payload a site write consumes, verify()
// to await after the bytes are stored and before the commit, and the verified checksum to
// echo. A thin view of the body pipeline (body/payload.ts).

import type { AuthResult } from './auth/types.js';
import { checksumHeaderName } from './body/checksums.js';
import { openRequestBody, type HashFactory, type VerifiedBody } from './body/payload.js';
import type { ResponseHeaders } from './respond.js';

export interface RequestPayload {
  /** The payload bytes (framing removed). Read it once, to the end, before verify(). */
  readonly body: AsyncIterable<Uint8Array>;
  /** Throws the S3 error (XAmzContentSHA256Mismatch, BadDigest, ...) if a check failed. */
  verify(): Promise<void>;
  /** The x-amz-checksum-<alg> response header of the checksum verified (after verify()). */
  checksumHeaders(): ResponseHeaders;
}

export interface OpenedPayload extends RequestPayload {
  /** Releases the hashing of a body that will not be verified; a no-op once verified. */
  cancel(): void;
}

export function openPayload(
  raw: AsyncIterable<Buffer>,
  headers: Readonly<Record<string, string | undefined>>,
  auth: AuthResult,
  opts: { readonly hasher?: HashFactory; readonly counter: { bytes: number } },
): OpenedPayload {
  const body = openRequestBody(raw, headers, auth, opts.hasher ? { hasher: opts.hasher } : {});
  let verified: VerifiedBody | undefined;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of body.payload) {
      opts.counter.bytes += chunk.length;
      yield chunk;
    }
  }
  return {
    body: counted(),
    async verify() {
      verified = await body.verify();
    },
    checksumHeaders() {
      const c = verified?.checksum;
      return c ? { [checksumHeaderName(c.algorithm)]: c.value } : {};
    },
    cancel: () => body.cancel(),
  };
}
