// Turns an HTTP request into what the API handlers need: the effective method, the path
// under /arvados/v1/, the caller's token and one bag of parameters. Arvados takes parameters
// from the query string and from a form-encoded or JSON body alike (ARVADOS.md d.1); the
// body wins when both carry a name, as in Rails. Structured values stay raw here (strings
// from query/form, any JSON value from a JSON body): params.ts decodes each by its type.

import type { IncomingMessage } from 'node:http';
import { ArvadosApiError } from '../../../arvados-api/api.js';
import { badRequest } from './errors.js';

export interface ApiRequest {
  /** After `X-Http-Method-Override` / `_method` (honoured on POST only, as a GET-with-body escape). */
  readonly method: string;
  /** Path segments after `/arvados/v1/`, URL-decoded. */
  readonly segments: readonly string[];
  readonly token: string | undefined;
  readonly params: ReadonlyMap<string, unknown>;
}

export interface ReadRequestOptions {
  readonly maxBodyBytes: number;
}

export const API_PREFIX = '/arvados/v1/';

export async function readApiRequest(req: IncomingMessage, url: URL, opts: ReadRequestOptions): Promise<ApiRequest> {
  const params = new Map<string, unknown>();
  for (const [k, v] of url.searchParams) params.set(k, v);
  for (const [k, v] of parseBody(await readBody(req, opts.maxBodyBytes), req.headers['content-type'])) params.set(k, v);

  const token = tokenFrom(req.headers.authorization) ?? stringParam(params.get('api_token'));
  params.delete('api_token');

  let method = (req.method ?? 'GET').toUpperCase();
  const override = headerValue(req.headers['x-http-method-override']) ?? stringParam(params.get('_method'));
  params.delete('_method');
  if (method === 'POST' && override) method = override.toUpperCase();

  return { method, segments: splitPath(url.pathname), token: token || undefined, params };
}

function splitPath(pathname: string): string[] {
  const rest = pathname.slice(API_PREFIX.length).replace(/\/+$/, '');
  if (rest === '') return [];
  try {
    return rest.split('/').map((s) => decodeURIComponent(s));
  } catch {
    throw badRequest(`malformed URL path ${JSON.stringify(pathname)}`);
  }
}

function tokenFrom(authorization: string | undefined): string | undefined {
  const m = /^(?:Bearer|OAuth2)\s+(\S+)\s*$/i.exec(authorization ?? '');
  return m?.[1];
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function stringParam(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new ArvadosApiError(413, `request body too large (limit ${limit} bytes)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new ArvadosApiError(413, `request body too large (limit ${limit} bytes)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseBody(body: Buffer, contentType: string | undefined): Iterable<[string, unknown]> {
  if (body.length === 0) return [];
  const text = body.toString('utf8');
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  // curl -d sends form encoding; a body with no type that looks like JSON is taken as JSON.
  const isJson = type === 'application/json' || (type === '' && /^\s*\{/.test(text));
  if (isJson) return parseJsonBody(text);
  if (type === 'application/x-www-form-urlencoded' || type === '') return new URLSearchParams(text);
  throw new ArvadosApiError(415, `unsupported request body type ${JSON.stringify(type)} (use application/json or application/x-www-form-urlencoded)`);
}

function parseJsonBody(text: string): Iterable<[string, unknown]> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw badRequest(`invalid JSON in request body: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest('request body must be a JSON object of parameters');
  }
  return Object.entries(value);
}
