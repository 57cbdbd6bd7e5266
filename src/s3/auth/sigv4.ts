// AWS Signature Version 4, as S3 checks it: in the Authorization header and in presigned
// query strings. Any region and service in the credential scope are accepted (the scope only
// feeds the key derivation). Canonical URI: see canonicalUri(); when a client signed its path
// spelled differently from how AWS spells it (lower-case escapes, an escaped unreserved
// character), the path exactly as received is tried second, so either spelling verifies.
import { S3Error } from '../errors.js';
import type { AuthorizationCache } from './authorization-cache.js';
import { accessKeyForDisplay } from './credentials.js';
import { checkSkew, formatAmzDate, parseAmzDate, parseHttpDate } from './amz-date.js';
import { canonicalQuery, canonicalUri, splitQuery, type RawQueryParam } from './canonical.js';
import { hmac, scopeString, sha256Hex, signaturesEqual, type Scope, type SigningKeyCache } from './signing.js';
import type { AuthRequest, ChunkSigningContext, ResolvedSecret, ResolveSecret } from './types.js';

export const V4_ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_PRESIGN_EXPIRES = 604800;

export interface V4Deps {
  readonly resolveSecret: ResolveSecret;
  readonly signingKeys: SigningKeyCache;
  /** Parsed Authorization headers to reuse (else each is parsed). */
  readonly authorizations?: AuthorizationCache;
  readonly nowMs: number;
  readonly maxSkewSeconds: number;
}

export interface V4Verified {
  readonly accessKey: string;
  readonly resolved: ResolvedSecret;
  /** What chunk signatures chain from (meaningful for Authorization-header requests). */
  readonly seed: ChunkSigningContext;
}

/** Canonical header block: each signed header as `name:value\n`, values trimmed, runs of white space collapsed. */
export function canonicalHeaders(signedHeaders: readonly string[], req: Pick<AuthRequest, 'headers' | 'host'>): string {
  let out = '';
  for (const name of signedHeaders) {
    // Own properties only: a client may sign a header named like an Object.prototype member.
    const raw = name === 'host' ? (req.headers.host ?? req.host) : Object.hasOwn(req.headers, name) ? req.headers[name] : undefined;
    out += `${name}:${(raw ?? '').trim().replace(/\s+/g, ' ')}\n`;
  }
  return out;
}

export interface CanonicalRequestParts {
  readonly method: string;
  readonly uri: string;
  readonly query: string;
  readonly headers: string;
  readonly signedHeaders: readonly string[];
  readonly payloadHash: string;
}

export function canonicalRequest(p: CanonicalRequestParts): string {
  return `${p.method}\n${p.uri}\n${p.query}\n${p.headers}\n${p.signedHeaders.join(';')}\n${p.payloadHash}`;
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return `${V4_ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
}

/** `<access key>/<date>/<region>/<service>/aws4_request`; the key itself may contain '/'. */
export function parseCredential(value: string): { accessKey: string; scope: Scope } | undefined {
  const parts = value.split('/');
  if (parts.length < 5 || parts[parts.length - 1] !== 'aws4_request') return undefined;
  const [date, region, service] = parts.slice(-4, -1) as [string, string, string];
  const accessKey = parts.slice(0, -4).join('/');
  if (accessKey === '' || !/^\d{8}$/.test(date) || region === '' || service === '') return undefined;
  return { accessKey, scope: { date, region, service } };
}

function parseSignedHeaders(value: string): string[] | undefined {
  const names = value.split(';');
  return names.every((n) => /^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(n)) ? names : undefined;
}

export interface V4Authorization {
  readonly accessKey: string;
  readonly scope: Scope;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` (InvalidRequest when malformed). */
export function parseAuthorizationV4(header: string): V4Authorization {
  const malformed = (why: string): S3Error => new S3Error('InvalidRequest', `The authorization header is malformed; ${why}.`);
  if (!header.startsWith(`${V4_ALGORITHM} `)) throw malformed(`the algorithm must be ${V4_ALGORITHM}`);
  const fields = new Map<string, string>();
  for (const piece of header.slice(V4_ALGORITHM.length + 1).split(',')) {
    const part = piece.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) throw malformed(`"${part.slice(0, 64)}" is not a key=value pair`);
    const name = part.slice(0, eq);
    if (fields.has(name)) throw malformed(`${name} appears twice`);
    fields.set(name, part.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw malformed('Credential, SignedHeaders and Signature are required');
  }
  const cred = parseCredential(credential);
  if (!cred) throw malformed('the Credential must be <key>/<yyyymmdd>/<region>/<service>/aws4_request');
  const names = parseSignedHeaders(signedHeaders);
  if (!names) throw malformed('SignedHeaders must be lower-case header names separated by ";"');
  return { accessKey: cred.accessKey, scope: cred.scope, signedHeaders: names, signature: signature.toLowerCase() };
}

interface SignatureCheck {
  readonly req: AuthRequest;
  readonly auth: V4Authorization;
  readonly amzDate: string;
  readonly query: readonly RawQueryParam[];
  readonly omitFromQuery?: string;
  readonly payloadHash: string;
}

async function checkSignature(c: SignatureCheck, deps: V4Deps): Promise<V4Verified> {
  const resolved = await deps.resolveSecret(c.auth.accessKey);
  if (!resolved) throw new S3Error('InvalidAccessKeyId', undefined, { extra: { AWSAccessKeyId: accessKeyForDisplay(c.auth.accessKey) } });
  const signingKey = deps.signingKeys.get(resolved.secret, c.auth.scope);
  const scope = scopeString(c.auth.scope);
  const parts = {
    method: c.req.method,
    query: canonicalQuery(c.query, c.omitFromQuery),
    headers: canonicalHeaders(c.auth.signedHeaders, c.req),
    signedHeaders: c.auth.signedHeaders,
    payloadHash: c.payloadHash,
  };
  const uri = canonicalUri(c.req.rawPath);
  const uris = c.req.rawPath !== '' && c.req.rawPath !== uri ? [uri, c.req.rawPath] : [uri];
  let first: { canonical: string; toSign: string } | undefined;
  for (const u of uris) {
    const canonical = canonicalRequest({ uri: u, ...parts }); // spread last: cheaper on Node 20
    const toSign = stringToSign(c.amzDate, scope, canonical);
    if (signaturesEqual(hmac(signingKey, toSign).toString('hex'), c.auth.signature)) {
      return {
        accessKey: c.auth.accessKey,
        resolved,
        seed: { signingKey, seedSignature: c.auth.signature, scope, amzDate: c.amzDate },
      };
    }
    first ??= { canonical, toSign };
  }
  throw new S3Error('SignatureDoesNotMatch', undefined, {
    extra: {
      AWSAccessKeyId: accessKeyForDisplay(c.auth.accessKey),
      StringToSign: first!.toSign,
      SignatureProvided: c.auth.signature,
      CanonicalRequest: first!.canonical,
    },
  });
}

/** Verifies a request signed in its Authorization header. */
export async function verifyV4Header(req: AuthRequest, deps: V4Deps): Promise<V4Verified> {
  const header = req.headers.authorization ?? '';
  const auth = deps.authorizations ? deps.authorizations.parse(header) : parseAuthorizationV4(header);
  const payloadHash = req.headers['x-amz-content-sha256'];
  if (payloadHash === undefined) {
    throw new S3Error('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  const amzDateHeader = req.headers['x-amz-date'];
  const requestMs = amzDateHeader !== undefined ? parseAmzDate(amzDateHeader) : parseHttpDate(req.headers.date ?? '');
  if (requestMs === undefined) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  checkSkew(requestMs, deps.nowMs, deps.maxSkewSeconds);
  const amzDate = amzDateHeader ?? formatAmzDate(requestMs);
  return checkSignature({ req, auth, amzDate, query: splitQuery(req.rawQuery), payloadHash }, deps);
}

const QUERY_PARAMS_REQUIRED =
  'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.';

/** Verifies a presigned URL (X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders, -Signature). */
export async function verifyV4Query(req: AuthRequest, query: ReadonlyMap<string, string>, deps: V4Deps): Promise<V4Verified> {
  const queryError = (msg: string): S3Error => new S3Error('AuthorizationQueryParametersError', msg);
  const algorithm = query.get('X-Amz-Algorithm');
  if (algorithm !== V4_ALGORITHM) {
    if (algorithm?.startsWith('AWS4-')) throw new S3Error('NotImplemented', `The signing algorithm ${algorithm} is not implemented.`);
    throw queryError(`X-Amz-Algorithm only supports "${V4_ALGORITHM}"`);
  }
  const [credential, date, expires, signedHeaders, signature] = ['Credential', 'Date', 'Expires', 'SignedHeaders', 'Signature'].map((n) =>
    query.get(`X-Amz-${n}`),
  );
  if (credential === undefined || date === undefined || expires === undefined || signedHeaders === undefined || signature === undefined) {
    throw queryError(QUERY_PARAMS_REQUIRED);
  }
  const cred = parseCredential(credential);
  if (!cred) throw queryError('Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  const names = parseSignedHeaders(signedHeaders);
  if (!names) throw queryError('X-Amz-SignedHeaders must be lower-case header names separated by ";"');
  const requestMs = parseAmzDate(date);
  if (requestMs === undefined) throw queryError('X-Amz-Date must be in the ISO8601 Long Format "yyyyMMdd\'T\'HHmmss\'Z\'"');
  if (!/^\d{1,7}$/.test(expires) || Number(expires) < 1 || Number(expires) > MAX_PRESIGN_EXPIRES) {
    throw queryError(`X-Amz-Expires must be between 1 and ${MAX_PRESIGN_EXPIRES} seconds`);
  }
  if (requestMs - deps.nowMs > deps.maxSkewSeconds * 1000) throw new S3Error('AccessDenied', 'Request is not valid yet');
  if (deps.nowMs > requestMs + Number(expires) * 1000) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      extra: { 'X-Amz-Expires': expires, Expires: new Date(requestMs + Number(expires) * 1000).toISOString(), ServerTime: new Date(deps.nowMs).toISOString() },
    });
  }
  const auth: V4Authorization = { accessKey: cred.accessKey, scope: cred.scope, signedHeaders: names, signature: signature.toLowerCase() };
  const payloadHash = query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
  return checkSignature({ req, auth, amzDate: date, query: splitQuery(req.rawQuery), omitFromQuery: 'X-Amz-Signature', payloadHash }, deps);
}
