// The x-amz-content-sha256 values (CLIENTS.md §1.2): what each one means for reading the body.
// Classified before the signature is checked, so that a mode keepgate does not implement is
// reported as 501 NotImplemented and never mistaken for an authentication failure (R1.2).
import { S3Error } from '../errors.js';
import type { ChunkSigningContext, PayloadMode } from './types.js';

export type PayloadKind =
  | { readonly kind: 'unsigned' }
  | { readonly kind: 'sha256'; readonly sha256Hex: string }
  | { readonly kind: 'aws-chunked'; readonly trailer: boolean; readonly signed: boolean };

const STREAMING: Record<string, PayloadKind> = {
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD': { kind: 'aws-chunked', trailer: false, signed: true },
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER': { kind: 'aws-chunked', trailer: true, signed: true },
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER': { kind: 'aws-chunked', trailer: true, signed: false },
};

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** Reads an x-amz-content-sha256 value; `undefined` (header absent) means an unsigned body. */
export function classifyPayload(value: string | undefined): PayloadKind {
  if (value === undefined || value === 'UNSIGNED-PAYLOAD') return { kind: 'unsigned' };
  if (SHA256_HEX.test(value)) return { kind: 'sha256', sha256Hex: value.toLowerCase() };
  const streaming = STREAMING[value];
  if (streaming) return streaming;
  if (value.startsWith('STREAMING-')) {
    throw new S3Error('NotImplemented', `The payload mode ${value} is not implemented.`);
  }
  throw new S3Error(
    'InvalidArgument',
    'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
    { extra: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: value.slice(0, 128) } },
  );
}

/**
 * The payload mode once the request is authenticated. Signed chunks chain from a SigV4
 * Authorization-header signature; any other way of signing has no seed to chain from.
 */
export function payloadMode(kind: PayloadKind, seed: ChunkSigningContext | null): PayloadMode {
  if (kind.kind !== 'aws-chunked') return kind;
  if (!kind.signed) return { kind: 'aws-chunked', trailer: kind.trailer, signing: null };
  if (!seed) throw signedChunksNeedSeed();
  return { kind: 'aws-chunked', trailer: kind.trailer, signing: seed };
}

/** Checked before the signature, so the answer is 501 whatever the signature. */
export function assertSeedAvailable(kind: PayloadKind, opts: { readonly headerV4: boolean }): void {
  if (kind.kind === 'aws-chunked' && kind.signed && !opts.headerV4) throw signedChunksNeedSeed();
}

function signedChunksNeedSeed(): S3Error {
  return new S3Error('NotImplemented', 'Signed aws-chunked payloads are implemented for SigV4 Authorization-header requests only.');
}
