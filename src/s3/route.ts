// parseRequest: method + Host + path + query + headers -> a typed S3Op, before any I/O.
// Pure; throws S3Error for malformed input and never anything else. Sub-resources that name
// an AWS operation keepgate does not serve become a NotImplemented op carrying that name
// (route-tables.ts); query parameters it does not know (x-id, cache busters) are ignored.

import { S3Error } from './errors.js';
import type { S3Op } from './ops.js';
import { headerValue, type HeaderMap } from './route-headers.js';
import { parseQuery } from './route-query.js';
import { BUCKET_ROUTES, OBJECT_ROUTES, type BucketCtx, type Ctx, type Method, type ObjectCtx, type Routes } from './route-tables.js';
import { resolveTarget } from './route-target.js';

export interface RawRequest {
  readonly method: string;
  /** The Host header (defaults to headers.host). */
  readonly host?: string;
  /** The path as received, percent-encoded, without the query. */
  readonly rawPath: string;
  /** The query as received, without `?`. */
  readonly rawQuery: string;
  readonly headers: HeaderMap;
}

export interface RouteOptions {
  /** Enables virtual-host style: Host `<bucket>.<baseDomain>`. */
  readonly baseDomain?: string;
}

/** Splits a request target (Node's req.url) into raw path and raw query. */
export function splitRequestUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

const METHODS: ReadonlySet<string> = new Set<Method>(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
const isMethod = (m: string): m is Method => METHODS.has(m);

export function parseRequest(req: RawRequest, options: RouteOptions = {}): S3Op {
  const host = req.host ?? headerValue(req.headers, 'host');
  const target = resolveTarget(host, req.rawPath, options.baseDomain);
  const level = target.bucket === undefined ? 'SERVICE' : target.key === undefined ? 'BUCKET' : 'OBJECT';
  const method = req.method;
  if (!isMethod(method) || (level === 'SERVICE' && method !== 'GET')) {
    throw new S3Error('MethodNotAllowed', undefined, { extra: { Method: method, ResourceType: level } });
  }
  const ctx: Ctx = { q: parseQuery(req.rawQuery), headers: req.headers, base: { style: target.style, rawPath: req.rawPath } };
  // Spreads last (see route-tables.ts).
  if (target.bucket === undefined) return { name: 'ListBuckets', ...ctx.base };
  if (target.key === undefined) {
    const c: BucketCtx = { bucket: target.bucket, ...ctx };
    return dispatch(c, BUCKET_ROUTES[method], method, { bucket: c.bucket });
  }
  const c: ObjectCtx = { bucket: target.bucket, key: target.key, ...ctx };
  return dispatch(c, OBJECT_ROUTES[method], method, { bucket: c.bucket, key: c.key });
}

function dispatch<C extends Ctx>(
  c: C,
  routes: Routes<C>,
  method: string,
  where: { bucket: string; key?: string },
): S3Op {
  for (const [sub, op] of routes.table) {
    if (!c.q.has(sub)) continue;
    return typeof op === 'string' ? { name: 'NotImplemented', operation: op, ...c.base, ...where } : op(c);
  }
  if (routes.otherwise) return routes.otherwise(c);
  throw new S3Error('MethodNotAllowed', undefined, {
    extra: { Method: method, ResourceType: where.key === undefined ? 'BUCKET' : 'OBJECT' },
  });
}
