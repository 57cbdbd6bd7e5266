// Shared by the auth tests: fixtures, a fixed secret table, and S3 error-code capture.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { authenticate, type AuthenticateOptions } from '../../../../src/s3/auth/authenticate.js';
import type { AuthRequest, ResolveSecret } from '../../../../src/s3/auth/types.js';
import { S3Error } from '../../../../src/s3/errors.js';

export function fixture<T>(name: string): T {
  const path = resolve(import.meta.dirname, '..', '..', '..', '..', 'test', 'fixtures', 'arvados', name);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export const AWS_KEY = 'AKIAIOSFODNN7EXAMPLE';
export const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** Resolves each access key of `secrets` to its secret, principal `user:<key>`. */
export function secrets(table: Record<string, string>): ResolveSecret {
  return async (key) => (Object.hasOwn(table, key) ? { secret: table[key]!, token: `token-of-${key}`, principal: `user:${key}` } : null);
}

export function request(p: Partial<AuthRequest> & { headers: Record<string, string> }): AuthRequest {
  return { method: 'GET', rawPath: '/', rawQuery: '', host: p.headers.host ?? 'localhost', ...p };
}

/** The S3 error code authenticate() rejects with, or 'ok'. Any other exception fails the test. */
export async function authCode(req: AuthRequest, opts: AuthenticateOptions): Promise<string> {
  try {
    await authenticate(req, opts);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof S3Error, `not an S3Error: ${String(err)}`);
    return err.code;
  }
}

/** Lower-cases header names and stringifies values, as the HTTP layer hands them over. */
export function lowerHeaders(h: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), String(v)]));
}
