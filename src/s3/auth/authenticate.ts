// The one entry point: which of the four ways a request is signed (SigV4 or SigV2, header or
// query string), verify it, and say how its body must be read. Anonymous requests are refused.
import { S3Error } from '../errors.js';
import type { AuthorizationCache } from './authorization-cache.js';
import { decodeQuery, splitQuery } from './canonical.js';
import { assertSeedAvailable, classifyPayload, payloadMode, type PayloadKind } from './payload-mode.js';
import { SigningKeyCache } from './signing.js';
import { verifyV2Header, verifyV2Query } from './sigv2.js';
import { V4_ALGORITHM, verifyV4Header, verifyV4Query } from './sigv4.js';
import type { AuthRequest, AuthResult, ChunkSigningContext, ResolvedSecret, ResolveSecret, SignatureVersion } from './types.js';

export interface AuthenticateOptions {
  readonly resolveSecret: ResolveSecret;
  /** The clock, in milliseconds since the epoch. */
  readonly now: () => number;
  /** Allowed distance between the request's timestamp and the clock (default 900 s, as AWS). */
  readonly maxSkewSeconds?: number;
  /** Derived SigV4 keys: pass one cache per process so requests reuse them (else none is kept). */
  readonly signingKeys?: SigningKeyCache;
  /** SigV4 Authorization headers: pass one cache per process so requests reuse their parse. */
  readonly authorizations?: AuthorizationCache;
}

type Scheme = { version: SignatureVersion; location: 'header' | 'query' };

function detectScheme(authorization: string | undefined, query: ReadonlyMap<string, string>): Scheme {
  const v4Query = query.has('X-Amz-Algorithm') || query.has('X-Amz-Credential') || query.has('X-Amz-Signature');
  const v2Query = query.has('AWSAccessKeyId') || query.has('Signature');
  const hasHeader = authorization !== undefined && authorization !== '';
  if ([hasHeader, v4Query, v2Query].filter(Boolean).length > 1) {
    throw new S3Error('InvalidRequest', 'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified');
  }
  if (hasHeader) {
    if (authorization.startsWith(`${V4_ALGORITHM} `)) return { version: 'v4', location: 'header' };
    if (authorization.startsWith('AWS ')) return { version: 'v2', location: 'header' };
    if (authorization.startsWith('AWS4-')) {
      throw new S3Error('NotImplemented', `The signing algorithm ${authorization.split(' ')[0]!.slice(0, 64)} is not implemented.`);
    }
    throw new S3Error('InvalidRequest', 'Unsupported Authorization Type');
  }
  if (v4Query) return { version: 'v4', location: 'query' };
  if (v2Query) return { version: 'v2', location: 'query' };
  throw new S3Error('AccessDenied', 'Anonymous requests are not accepted: sign the request with an access key.');
}

const QUERY_AUTH_PARAMS = new Set(['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature']);

/** Header values a presigned URL carries in its query string. */
function headersFromQuery(query: ReadonlyMap<string, string>, version: SignatureVersion): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) {
    const name = key.toLowerCase();
    const hoisted = name.startsWith('x-amz-') || (version === 'v2' && (name === 'content-md5' || name === 'content-type'));
    if (hoisted && !QUERY_AUTH_PARAMS.has(name)) out[name] = value;
  }
  return out;
}

export async function authenticate(req: AuthRequest, opts: AuthenticateOptions): Promise<AuthResult> {
  const query = decodeQuery(splitQuery(req.rawQuery));
  const scheme = detectScheme(req.headers.authorization, query);
  const payloadHashHeader = req.headers['x-amz-content-sha256'];
  // A presigned SigV4 URL may sign the payload hash as a query parameter instead.
  const payloadValue = scheme.version === 'v4' && scheme.location === 'query' ? (query.get('X-Amz-Content-Sha256') ?? payloadHashHeader) : payloadHashHeader;
  const kind: PayloadKind = classifyPayload(payloadValue);
  const headerV4 = scheme.version === 'v4' && scheme.location === 'header';
  assertSeedAvailable(kind, { headerV4 });

  const deps = {
    resolveSecret: opts.resolveSecret,
    signingKeys: opts.signingKeys ?? new SigningKeyCache({ maxEntries: 1 }),
    authorizations: opts.authorizations,
    nowMs: opts.now(),
    maxSkewSeconds: opts.maxSkewSeconds ?? 900,
  };
  let verified: { accessKey: string; resolved: ResolvedSecret; seed?: ChunkSigningContext };
  if (scheme.version === 'v4') {
    verified = scheme.location === 'header' ? await verifyV4Header(req, deps) : await verifyV4Query(req, query, deps);
  } else {
    verified = scheme.location === 'header' ? await verifyV2Header(req, deps) : await verifyV2Query(req, query, deps);
  }
  const seed = headerV4 ? (verified.seed ?? null) : null;
  return {
    principal: verified.resolved.principal,
    token: verified.resolved.token,
    accessKey: verified.accessKey,
    signatureVersion: scheme.version,
    location: scheme.location,
    payload: payloadMode(kind, seed),
    payloadHashHeader: payloadHashHeader ?? '',
    queryHeaders: scheme.location === 'query' ? headersFromQuery(query, scheme.version) : {},
  };
}
