// The S3 request lifecycle, one path for every request: parseRequest -> authenticate ->
// handler -> respond. Every response carries x-amz-request-id and x-amz-id-2; every failure
// becomes an S3 error document (status only for HEAD); the text of server-side failures
// goes to the log, never to the client.

import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { noopMetrics, type Metrics } from '../metrics/metrics.js';
import type { PayloadModeLabel } from '../metrics/names.js';
import type { Principal, Site } from '../site/site.js';
import { authenticate } from './auth/authenticate.js';
import { AuthorizationCache } from './auth/authorization-cache.js';
import { SigningKeyCache } from './auth/signing.js';
import type { AuthRequest, AuthResult, PayloadMode } from './auth/types.js';
import { algorithmOfHeader } from './body/checksums.js';
import type { HashFactory } from './body/payload.js';
import { isServerFault, s3ErrorOf } from './error-map.js';
import { fromWireLatin1 } from './meta-encoding.js';
import { S3Error } from './errors.js';
import { runHandler, type HandlerContext } from './handlers/index.js';
import type { S3Op } from './ops.js';
import { rawRequestBody } from './request-body.js';
import { openPayload, type OpenedPayload } from './request-payload.js';
import { sendError, sendResult, streamObject, type ResponseTarget } from './respond.js';
import { lowerCaseHeaderMap } from './route-headers.js';
import { parseRequest, splitRequestUrl } from './route.js';

/** A pino logger fits; only these calls are made. */
export interface S3Logger {
  info(fields: Record<string, unknown>, msg: string): void;
  error(fields: Record<string, unknown>, msg: string): void;
}

export interface S3AppOptions {
  readonly site: Site;
  /** Enables virtual-host style (`<bucket>.<baseDomain>`); empty or absent = path style only. */
  readonly baseDomain?: string;
  /** Reported by GetBucketLocation and HeadBucket; signatures may name any region. */
  readonly region: string;
  /** Largest accepted distance between a request's signing time and now (AWS: 900). */
  readonly maxClockSkewSeconds: number;
  /** Milliseconds since the epoch, for signature clock-skew checks; default Date.now. */
  readonly now?: () => number;
  /** One line per request at info; server-side failures with their cause at error. */
  readonly logger?: S3Logger;
  readonly metrics?: Metrics;
  /** MD5/SHA-256 of request bodies (the worker pool in production); node:crypto by default. */
  readonly hasher?: HashFactory;
}

export type S3RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const silentLogger: S3Logger = { info: () => {}, error: () => {} };
const NON_ASCII = /[\x80-\xff]/;

/** The request listener of the S3 endpoint, for node:http createServer. */
export function createS3App(opts: S3AppOptions): S3RequestListener {
  const deps: Deps = {
    ...opts,
    now: opts.now ?? Date.now,
    logger: opts.logger ?? silentLogger,
    metrics: opts.metrics ?? noopMetrics,
    ids: requestIds(),
    signingKeys: new SigningKeyCache(),
    authorizations: new AuthorizationCache(),
    route: { baseDomain: opts.baseDomain || undefined },
    resolveSecret: async (accessKey) => {
      const found = await opts.site.credentials.resolve(accessKey);
      return found && { secret: found.secret, token: found.principal.token, principal: found.principal };
    },
  };
  return (req, res) => void serve(deps, req, res);
}

interface Deps extends S3AppOptions {
  readonly now: () => number;
  readonly ids: () => { requestId: string; hostId: string };
  readonly logger: S3Logger;
  readonly metrics: Metrics;
  readonly signingKeys: SigningKeyCache;
  readonly authorizations: AuthorizationCache;
  readonly route: { readonly baseDomain: string | undefined };
  readonly resolveSecret: Parameters<typeof authenticate>[1]['resolveSecret'];
}

/** What one request did, for the access log and the metrics. */
interface Trace {
  operation: string;
  principal?: Principal;
  error?: S3Error;
  /** Why an object body stopped short. */
  cut?: 'client-gone' | 'read-failed';
  readonly bodyBytes: { bytes: number };
  bytesOut: number;
}

async function serve(deps: Deps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const { requestId, hostId } = deps.ids();
  res.setHeader('x-amz-request-id', requestId);
  res.setHeader('x-amz-id-2', hostId);
  const { rawPath, rawQuery } = splitRequestUrl(req.url ?? '/');
  const target: ResponseTarget = { isHead: req.method === 'HEAD', requestId, resource: rawPath };
  const trace: Trace = { operation: 'Unknown', bodyBytes: { bytes: 0 }, bytesOut: 0 };
  let inFlight: string | undefined;
  const body: { opened?: OpenedPayload } = {};
  try {
    const headers = flatHeaders(req);
    let op = parseRequest({ method: req.method ?? '', rawPath, rawQuery, headers }, deps.route);
    trace.operation = inFlight = op.name;
    deps.metrics.s3InFlight(inFlight, 1);
    const auth = await authenticateRequest(deps, req, { rawPath, rawQuery, headers, op });
    trace.principal = auth.principal as Principal;
    // A presigned URL may carry header values (x-amz-meta-*, x-amz-copy-source...) in its query.
    const effective = Object.keys(auth.queryHeaders).length ? { ...headers, ...auth.queryHeaders } : headers;
    if (effective !== headers) op = parseRequest({ method: req.method ?? '', rawPath, rawQuery, headers: effective }, deps.route);
    trace.operation = op.name;
    const ctx = handlerContext(deps, req, { auth, headers: effective, trace, requestId, body });
    const result = await runHandler(ctx, op);
    if (result.kind !== 'object') {
      trace.bytesOut = sendResult(res, result, target);
      return;
    }
    const outcome = await streamObject(res, result, target, {
      onFirstByte: () => deps.metrics.s3TimeToFirstByte(trace.operation, (performance.now() - started) / 1000),
    });
    trace.bytesOut = outcome.bytes;
    if (outcome.kind === 'client-gone') trace.cut = 'client-gone';
    if (outcome.kind === 'failed') {
      trace.cut = 'read-failed';
      trace.error = s3ErrorOf(outcome.error);
      deps.logger.error({ requestId, operation: trace.operation, err: outcome.error }, 'object read failed mid-response; connection cut');
    }
  } catch (err) {
    const e = s3ErrorOf(err);
    trace.error = e;
    if (e.code === 'BadDigest') deps.metrics.checksumMismatch(declaredChecksum(req.headers));
    if (isServerFault(e)) deps.logger.error({ requestId, operation: trace.operation, err }, 'request failed');
    if (res.headersSent) res.destroy();
    else trace.bytesOut = sendError(res, e, target);
  } finally {
    body.opened?.cancel();
    // Discard whatever the handler did not read, so the connection can serve the next request.
    if (!req.complete) req.resume();
    if (inFlight !== undefined) deps.metrics.s3InFlight(inFlight, -1);
    finish(deps, req, res, trace, { requestId, started });
  }
}

function handlerContext(
  deps: Deps,
  req: IncomingMessage,
  r: { auth: AuthResult; headers: Record<string, string>; trace: Trace; requestId: string; body: { opened?: OpenedPayload } },
): HandlerContext {
  const principal = r.auth.principal as Principal;
  const scheme = (req.socket as Socket & { encrypted?: boolean }).encrypted ? 'https' : 'http';
  return {
    site: deps.site,
    principal,
    owner: { id: principal.userUuid, displayName: principal.user?.username ?? principal.user?.full_name ?? principal.userUuid },
    config: { region: deps.region },
    headers: r.headers,
    origin: `${scheme}://${r.headers['host'] ?? 'localhost'}`,
    payload: () => {
      if (r.body.opened) throw new Error('the request body was opened twice');
      deps.metrics.payloadMode(payloadModeLabel(r.auth.payload));
      r.body.opened = openPayload(rawRequestBody(req), r.headers, r.auth, { hasher: deps.hasher, counter: r.trace.bodyBytes });
      return r.body.opened;
    },
    logFault: (err, msg) => deps.logger.error({ requestId: r.requestId, operation: r.trace.operation, err }, msg),
  };
}

async function authenticateRequest(
  deps: Deps,
  req: IncomingMessage,
  r: { rawPath: string; rawQuery: string; headers: Record<string, string>; op: S3Op },
): Promise<AuthResult> {
  // Node reads header bytes as Latin-1; signers hash the UTF-8 the SDKs send (non-ASCII x-amz-meta-*).
  const headers = hasNonAscii(r.headers)
    ? Object.fromEntries(Object.entries(r.headers).map(([name, value]) => [name, fromWireLatin1(value)]))
    : r.headers;
  const authReq: AuthRequest = {
    method: req.method ?? '',
    rawPath: r.rawPath,
    rawQuery: r.rawQuery,
    headers,
    host: r.headers['host'] ?? '',
    ...(r.op.style === 'virtual-host' && 'bucket' in r.op && r.op.bucket !== undefined && { virtualHostBucket: r.op.bucket }),
  };
  try {
    return await authenticate(authReq, {
      resolveSecret: deps.resolveSecret,
      now: deps.now,
      maxSkewSeconds: deps.maxClockSkewSeconds,
      signingKeys: deps.signingKeys,
      authorizations: deps.authorizations,
    });
  } catch (err) {
    deps.metrics.authFailure(s3ErrorOf(err).code);
    throw err;
  }
}

function hasNonAscii(headers: Record<string, string>): boolean {
  for (const name in headers) if (NON_ASCII.test(headers[name]!)) return true;
  return false;
}

/** Request headers with lower-case names, a repeated header's values joined with ',' (as signers do). */
function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = lowerCaseHeaderMap();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    out[name] = Object.hasOwn(out, name) ? `${out[name]},${value}` : value;
  }
  return out;
}

/**
 * Unique request ids without a random draw per request: a random per-process prefix and a
 * counter (16 hex digits, as AWS's), and an x-amz-id-2 of 24 bytes made the same way.
 */
function requestIds(): () => { requestId: string; hostId: string } {
  const prefix = randomBytes(4).toString('hex').toUpperCase();
  const host = randomBytes(24);
  let counter = 0;
  return () => {
    counter = (counter + 1) >>> 0;
    host.writeUInt32BE(counter, 20);
    return { requestId: `${prefix}${counter.toString(16).toUpperCase().padStart(8, '0')}`, hostId: host.toString('base64') };
  };
}

function payloadModeLabel(mode: PayloadMode): PayloadModeLabel {
  if (mode.kind !== 'aws-chunked') return mode.kind;
  if (!mode.signing) return 'streaming-unsigned-trailer';
  return mode.trailer ? 'streaming-signed-trailer' : 'streaming-signed';
}

/** The algorithm a BadDigest is about: the flexible checksum sent, else Content-MD5. */
function declaredChecksum(headers: IncomingMessage['headers']): string {
  const trailer = headers['x-amz-trailer'];
  const names = typeof trailer === 'string' ? [trailer.trim().toLowerCase(), ...Object.keys(headers)] : Object.keys(headers);
  for (const name of names) {
    const alg = algorithmOfHeader(name);
    if (alg) return alg;
  }
  return 'MD5';
}

function finish(deps: Deps, req: IncomingMessage, res: ServerResponse, trace: Trace, r: { requestId: string; started: number }): void {
  const durationSeconds = (performance.now() - r.started) / 1000;
  const status = res.statusCode;
  deps.metrics.s3Request({ operation: trace.operation, status, durationSeconds, bytesIn: trace.bodyBytes.bytes, bytesOut: trace.bytesOut });
  deps.logger.info(
    {
      requestId: r.requestId,
      operation: trace.operation,
      method: req.method,
      status,
      durationMs: Math.round(durationSeconds * 1000),
      bytesIn: trace.bodyBytes.bytes,
      bytesOut: trace.bytesOut,
      ...(trace.principal && { user: trace.principal.userUuid, tokenUuid: trace.principal.tokenUuid }),
      ...(trace.error && { errorCode: trace.error.code }),
      ...(trace.cut && { cut: trace.cut }),
    },
    's3 request',
  );
}
