// The embedded backend's HTTP face: the Arvados REST subset under /arvados/v1/, the Keep
// block API on the same listener (what keep_services/accessible points at), and a slot for
// operational endpoints (/_health/ping, /metrics) that the composition root plugs in.
// Without an API and a Keep handler it is the remote-mode listener (ops-server.ts): the
// operational endpoints alone, with the same request ids, management token and response hooks.
// Every error leaves as Arvados' JSON error shape; unknown paths are a JSON 404.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ArvadosApiError, type ArvadosApi } from '../../../arvados-api/api.js';
import { isKeepPath } from '../../../keep/http-api.js';
import { badRequest, notLoggedIn, pathNotFound, toWireError } from './errors.js';
import { ParamReader } from './params.js';
import { API_PREFIX, readApiRequest } from './request.js';
import { matchRoute, ROUTES } from './routes.js';

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface ExtraRoute {
  /** Default GET. */
  readonly method?: string;
  /** Exact pathname, e.g. `/_health/ping`. */
  readonly path: string;
  readonly handle: RawHandler;
  /** 'management' (default): needs `Authorization: Bearer <managementToken>` when one is configured. */
  readonly auth?: 'management' | 'none';
}

export interface ApiServerOptions {
  /** Serves the REST API under /arvados/v1/; without one, those paths are a 404 too. */
  readonly api?: ArvadosApi;
  /** Serves the Keep block API for paths that isKeepPath() accepts. */
  readonly keepHandler?: RawHandler;
  /** Arvados' ManagementToken: guards extraRoutes; without one they are open. */
  readonly managementToken?: string;
  readonly extraRoutes?: readonly ExtraRoute[];
  /** Largest API request body (a manifest of many files is big). Default 128 MiB, as Arvados. */
  readonly maxBodyBytes?: number;
  /** Told about unexpected (500) errors, whose details never go on the wire. */
  readonly onError?: (err: unknown, req: IncomingMessage) => void;
  /** Told about every finished response (metrics, access log). */
  readonly onResponse?: (event: ResponseEvent) => void;
}

export interface ResponseEvent {
  /** Route label, never an id: `GET collections/:id`, `keep`, an extra route's path, or `unmatched`. */
  readonly endpoint: string;
  readonly status: number;
  readonly durationMs: number;
  readonly requestId: string;
}

/** Filled in while dispatching, read when the response finishes. */
interface Labels {
  endpoint: string;
}

const DEFAULT_MAX_BODY = 128 * 1024 * 1024;
const REQUEST_ID_RE = /^[\w.:-]{1,100}$/;

export function createApiServer(opts: ApiServerOptions): Server {
  return createServer((req, res) => {
    const given = headerOnce(req.headers['x-request-id']);
    // A caller's id is echoed (it ties their logs to ours) only when it is short and plain.
    const requestId = given && REQUEST_ID_RE.test(given) ? given : `req-${randomBytes(10).toString('hex')}`;
    res.setHeader('X-Request-Id', requestId);
    const labels: Labels = { endpoint: 'unmatched' };
    const { onResponse } = opts;
    if (onResponse) {
      const started = performance.now();
      res.once('close', () => onResponse({ endpoint: labels.endpoint, status: res.statusCode, durationMs: performance.now() - started, requestId }));
    }
    dispatch(opts, req, res, labels).catch((err: unknown) => sendError(opts, req, res, err));
  });
}

async function dispatch(opts: ApiServerOptions, req: IncomingMessage, res: ServerResponse, labels: Labels): Promise<void> {
  const url = requestUrl(req.url);
  const method = req.method ?? 'GET';
  const extra = opts.extraRoutes?.find((r) => r.path === url.pathname && (r.method ?? 'GET') === method);
  if (extra) {
    labels.endpoint = extra.path;
    if (extra.auth !== 'none') checkManagementToken(opts.managementToken, req.headers.authorization);
    return extra.handle(req, res);
  }
  if (opts.keepHandler && isKeepPath(url.pathname)) {
    labels.endpoint = 'keep';
    return opts.keepHandler(req, res);
  }
  if (!opts.api) throw new ArvadosApiError(404, `${url.pathname}: not found (this listener serves no REST or Keep API)`);
  if (!url.pathname.startsWith(API_PREFIX)) throw pathNotFound(url.pathname);
  return serveApi(opts.api, opts, req, res, url, labels);
}

async function serveApi(api: ArvadosApi, opts: ApiServerOptions, req: IncomingMessage, res: ServerResponse, url: URL, labels: Labels): Promise<void> {
  const request = await readApiRequest(req, url, { maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY });
  const match = matchRoute(ROUTES, request.method, request.segments);
  if (match === undefined) throw pathNotFound(url.pathname);
  if ('allowed' in match) {
    res.setHeader('Allow', [...new Set(match.allowed)].join(', '));
    return sendJson(res, 405, { errors: [`method ${request.method} not allowed on ${url.pathname}`] });
  }
  labels.endpoint = `${match.route.method} ${match.route.path.join('/')}`;
  if (request.token === undefined) throw notLoggedIn();
  const result = await match.route.handle({ api, token: request.token, p: new ParamReader(request.params), id: match.id });
  sendJson(res, 200, result);
}

function requestUrl(target: string | undefined): URL {
  // Only origin-form targets (`/path?query`) are served. Prefixing keeps `//<locator>`
  // (a Keep synonym) a path instead of a protocol-relative URL.
  if (!target?.startsWith('/')) throw badRequest(`unsupported request target ${JSON.stringify(target)}`);
  return new URL(`http://localhost${target}`);
}

function checkManagementToken(expected: string | undefined, authorization: string | undefined): void {
  if (expected === undefined) return;
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (given === undefined) throw new ArvadosApiError(401, 'authorization required');
  if (!sameSecret(given, expected)) throw new ArvadosApiError(403, 'authorization error');
}

function sendError(opts: ApiServerOptions, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const wire = toWireError(err);
  if (wire.unexpected) opts.onError?.(err, req);
  if (res.headersSent) {
    res.destroy(); // a half-written response cannot become an error response any more
    return;
  }
  // The unread rest of an oversized body would otherwise be parsed as the next request.
  if (wire.status === 413) res.setHeader('Connection', 'close');
  sendJson(res, wire.status, wire.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Constant-time comparison (of digests, so lengths do not leak either). */
function sameSecret(a: string, b: string): boolean {
  const digest = (x: string) => createHash('sha256').update(x).digest();
  return timingSafeEqual(digest(a), digest(b));
}

function headerOnce(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
