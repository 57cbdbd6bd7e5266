// The REST API's one error table: whatever a handler throws becomes Arvados' error body
// `{"errors":[…]}` with the status Arvados would use (ARVADOS.md d.1). ArvadosApiError already
// carries its status; domain errors map by kind; anything else is a 500 whose text stays in
// the server log, never on the wire.

import { ArvadosApiError } from '../../../arvados-api/api.js';
import { isDomainError, type ErrorKind } from '../../../common/errors.js';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  NotFound: 404,
  PermissionDenied: 403,
  Unauthorized: 401,
  InvalidArgument: 400,
  Conflict: 422,
  PreconditionFailed: 412,
  NotEmpty: 422,
  TooLarge: 413,
  Unavailable: 503,
  Corrupt: 500,
  Internal: 500,
};

export interface WireError {
  readonly status: number;
  readonly body: { errors: string[] };
  /** True when the error was not an expected API error (worth logging with its stack). */
  readonly unexpected: boolean;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof ArvadosApiError) {
    return { status: err.status, body: { errors: err.errors }, unexpected: false };
  }
  if (isDomainError(err)) {
    const status = STATUS_BY_KIND[err.kind];
    const hide = status >= 500 && err.kind !== 'Unavailable';
    return { status, body: { errors: [hide ? 'internal error' : err.message] }, unexpected: hide };
  }
  return { status: 500, body: { errors: ['internal error'] }, unexpected: true };
}

export const badRequest = (message: string): ArvadosApiError => new ArvadosApiError(400, message);
export const notLoggedIn = (): ArvadosApiError => new ArvadosApiError(401, 'Not logged in');
export const pathNotFound = (path: string): ArvadosApiError => new ArvadosApiError(404, `Path not found: ${path}`);
