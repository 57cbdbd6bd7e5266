// The API listener of a gateway in remote mode: only the operational endpoints (health,
// readiness, metrics). The REST and Keep APIs are the Arvados cluster's own, so nothing else
// is served here; every other path is a JSON 404. Same request id, management token and
// response hooks as the embedded backend's API server, so probes, scrapes and the API log
// look the same in both modes.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { ExtraRoute, ResponseEvent } from './cluster/embedded/http/server.js';

export interface OpsServerOptions {
  readonly routes: readonly ExtraRoute[];
  /** Guards routes whose auth is 'management' (the default); without one they are open. */
  readonly managementToken?: string;
  /** Told about handler failures (answered 500 without details). */
  readonly onError?: (err: unknown) => void;
  readonly onResponse?: (event: ResponseEvent) => void;
}

const REQUEST_ID_RE = /^[\w.:-]{1,100}$/;

export function createOpsServer(opts: OpsServerOptions): Server {
  return createServer((req, res) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : `req-${randomBytes(10).toString('hex')}`;
    res.setHeader('X-Request-Id', requestId);
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const route = opts.routes.find((r) => r.path === path && (r.method ?? 'GET') === req.method);
    const started = performance.now();
    res.once('close', () =>
      opts.onResponse?.({ endpoint: route?.path ?? 'unmatched', status: res.statusCode, durationMs: performance.now() - started, requestId }));
    if (!route) return sendJson(res, 404, { errors: [`${path}: not found (the REST and Keep APIs are the cluster's own in remote mode)`] });
    const denied = route.auth === 'none' ? undefined : authError(opts.managementToken, req.headers.authorization);
    if (denied) return sendJson(res, denied.status, { errors: [denied.message] });
    Promise.resolve(route.handle(req, res)).catch((err: unknown) => {
      opts.onError?.(err);
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { errors: ['internal error'] });
    });
  });
}

function authError(expected: string | undefined, authorization: string | undefined): { status: number; message: string } | undefined {
  if (expected === undefined) return undefined;
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (given === undefined) return { status: 401, message: 'authorization required' };
  // Digests compared in constant time, so neither the token nor its length leaks.
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected)) ? undefined : { status: 403, message: 'authorization error' };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
