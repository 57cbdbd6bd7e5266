// The API listener of a gateway in remote mode: only the operational endpoints (health,
// readiness, metrics). The REST and Keep APIs are the Arvados cluster's own, so nothing else
// is served here; every other path is a JSON 404. It is the embedded backend's API server
// without its API, so request ids, the management token and the response hooks are the same
// code in both modes, and probes, scrapes and the API log look the same.

import type { Server } from 'node:http';
import { createApiServer, type ExtraRoute, type ResponseEvent } from './cluster/embedded/http/server.js';

export interface OpsServerOptions {
  readonly routes: readonly ExtraRoute[];
  /** Guards routes whose auth is 'management' (the default); without one they are open. */
  readonly managementToken?: string;
  /** Told about handler failures (answered 500 without details). */
  readonly onError?: (err: unknown) => void;
  readonly onResponse?: (event: ResponseEvent) => void;
}

export function createOpsServer(opts: OpsServerOptions): Server {
  const { routes, ...rest } = opts;
  return createApiServer({ ...rest, extraRoutes: routes });
}
