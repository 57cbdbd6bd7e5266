// `+A` permission signatures (ARVADOS.md b.2): HMAC-SHA1 over
// `hash@token@expiry_hex@ttl_hex`, keyed with the cluster's blob signing key. The token is the
// exact string the client presented, and the TTL is part of the MAC, so both must match the
// signer's for a signature to verify.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../common/errors.js';
import { withoutHints } from './locator.js';

export interface SignOptions {
  readonly key: string;
  readonly token: string;
  /** Unix seconds. */
  readonly expiresAt: number;
  readonly ttlSeconds: number;
}

export interface VerifyOptions {
  readonly key: string;
  readonly token: string;
  /** Unix seconds. */
  readonly now: number;
  readonly ttlSeconds: number;
}

export type SignatureCheck = 'ok' | 'missing' | 'expired' | 'invalid';

// The verifier's shape (Go VerifySignature): exactly one well-formed +A hint, any other
// hints `[B-Z]…` before or after it. Anything else counts as "no signature".
const SIGNED = /^([0-9a-f]{32})(?:\+[0-9]+)?(?:\+[B-Z][A-Za-z0-9@_-]*)*\+A([0-9a-f]{40})@([0-9a-f]{8})(?:\+[B-Z][A-Za-z0-9@_-]*)*$/;
const EXPIRY_HINT = /\+A[0-9a-f]{40}@([0-9a-f]{8})(?:\+|$)/;

function mac(hash: string, opts: { key: string; token: string; ttlSeconds: number }, expiryHex: string): Buffer {
  const message = `${hash}@${opts.token}@${expiryHex}@${opts.ttlSeconds.toString(16)}`;
  return createHmac('sha1', opts.key).update(message).digest();
}

/** Returns `locator` with any old `+A` hint replaced by a fresh one at the end. */
export function signLocator(locator: string, opts: SignOptions): string {
  if (!Number.isInteger(opts.expiresAt) || opts.expiresAt < 0 || opts.expiresAt > 0xffffffff) {
    throw new RangeError(`signature expiry out of range: ${opts.expiresAt}`);
  }
  const expiryHex = opts.expiresAt.toString(16).padStart(8, '0');
  const unsigned = withoutHints(locator, 'A');
  const signature = mac(unsigned.slice(0, 32), opts, expiryHex).toString('hex');
  return `${unsigned}+A${signature}@${expiryHex}`;
}

/** Checks the `+A` hint of `locator`. An expiry equal to `now` is still valid. */
export function verifySignature(locator: string, opts: VerifyOptions): SignatureCheck {
  const m = SIGNED.exec(locator);
  if (!m) return 'missing';
  const expiryHex = m[3]!;
  if (parseInt(expiryHex, 16) < opts.now) return 'expired';
  const expected = mac(m[1]!, opts, expiryHex);
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) ? 'ok' : 'invalid';
}

/** Unix seconds at which the locator's `+A` signature expires, or undefined if unsigned. */
export function signatureExpiry(locator: string): number | undefined {
  const m = EXPIRY_HINT.exec(locator);
  return m ? parseInt(m[1]!, 16) : undefined;
}

/**
 * A rejected signature: kind 'PermissionDenied' in every case (Arvados: 400 for missing or
 * invalid, 401 for expired), with the reason kept so a protocol layer can pick its status.
 */
export class SignatureError extends DomainError {
  readonly reason: Exclude<SignatureCheck, 'ok'>;
  constructor(reason: Exclude<SignatureCheck, 'ok'>) {
    super('PermissionDenied', reason === 'expired' ? 'expired signature' : 'invalid signature');
    this.reason = reason;
  }
}

/** Throws SignatureError unless the check passed. */
export function assertSignature(check: SignatureCheck): void {
  if (check !== 'ok') throw new SignatureError(check);
}
