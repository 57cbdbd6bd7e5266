// How an Arvados API request goes on the wire, the way the Go SDK sends it
// (sdk/go/arvados/client.go; ARVADOS.md d.1): the base URL from ARVADOS_API_HOST, parameters
// as form values with structured ones JSON-encoded, and long GETs turned into POSTs with
// `X-Http-Method-Override: GET` so no proxy ever sees an oversized URL.

/** Any object of parameters (interfaces such as ListParams included). */
export type Params = object;

/** Query strings longer than this travel in a POST body instead. */
export const MAX_QUERY_LENGTH = 1024;

/**
 * `host:port` (what ARVADOS_API_HOST holds) means https; a full http(s):// URL is taken as
 * is. The result ends in `/arvados/v1/`, under any path prefix the URL carries.
 */
export function apiBaseUrl(host: string): URL {
  const trimmed = host.trim();
  if (trimmed === '') throw new TypeError('Arvados API host is empty');
  const url = new URL(/^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  const prefix = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return new URL(`${prefix}arvados/v1/`, url.origin);
}

/** Form values: strings as they are, everything else as JSON; `false` and undefined left out (Go SDK). */
export function encodeParams(params: Params): string {
  const out = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === false) continue;
    out.append(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out.toString();
}

export interface WireRequest {
  readonly method: string;
  /** Path relative to the API base plus any query string. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

const FORM = 'application/x-www-form-urlencoded';

export function buildRequest(method: string, path: string, params: Params): WireRequest {
  const encoded = encodeParams(params);
  if (method !== 'GET') return { method, path, headers: { 'content-type': FORM }, body: encoded };
  if (encoded.length <= MAX_QUERY_LENGTH) return { method, path: encoded ? `${path}?${encoded}` : path, headers: {} };
  return { method: 'POST', path, headers: { 'content-type': FORM, 'x-http-method-override': 'GET' }, body: encoded };
}

/** One path segment: UUIDs pass unchanged, a PDH's `+` is escaped. */
export const seg = (id: string): string => encodeURIComponent(id);
