// Who is calling: a presented token string resolved to its authorization record and user,
// and the token's scopes checked against the REST request an API method stands for.
//
// Scopes honoured (Arvados' `METHOD /path` form, ARVADOS.md d.2):
//  - "all": unrestricted.
//  - "<METHOD> <path>": allows requests with that HTTP method whose path equals <path>, or
//    starts with it when <path> ends in "/". So ["GET /"] is a read-only token, and
//    ["GET /arvados/v1/collections/"] may only read collections.
// `api_client_authorizations/current` is always allowed, as in Arvados.

import { parseToken } from './ids.js';
import { forbidden, unauthorized } from './errors.js';
import { remembered, type ReadMemo } from './read-memo.js';
import type { Sql } from './statements.js';

export interface Principal {
  /** The token string exactly as presented (signatures are made for it). */
  readonly token: string;
  readonly tokenUuid: string;
  readonly userUuid: string;
  readonly isAdmin: boolean;
  readonly scopes: readonly string[];
}

/** The REST request an API method corresponds to, for scope checks. */
export interface RequestTarget {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
}

interface TokenRow {
  uuid: string;
  owner_uuid: string;
  expires_at: string | null;
  scopes: string;
  is_admin: number;
  is_active: number;
}

/** Resolves a token (v2 or bare v1 secret); 401 if unknown, expired or its user is inactive. */
export function authenticate(db: Sql, token: string, now: number, opts: { memo?: ReadMemo } = {}): Principal {
  const presented = parseToken(token);
  if (!presented) throw unauthorized();
  const lookup = (): { row: TokenRow; scopes: string[] } | undefined => {
    const row = db
      .prepare(
        `SELECT a.uuid, a.owner_uuid, a.expires_at, a.scopes, u.is_admin, u.is_active
           FROM api_client_authorizations a JOIN users u ON u.uuid = a.owner_uuid
          WHERE a.secret = ?`,
      )
      .get(presented.secret) as TokenRow | undefined;
    return row && { row, scopes: JSON.parse(row.scopes) as string[] };
  };
  const found = remembered(opts.memo, `token\0${presented.secret}`, lookup);
  if (!found || (presented.uuid !== undefined && presented.uuid !== found.row.uuid)) throw unauthorized();
  const { row, scopes } = found;
  if (row.expires_at !== null && Date.parse(row.expires_at) <= now) throw unauthorized();
  if (!row.is_active) throw unauthorized();
  return { token, tokenUuid: row.uuid, userUuid: row.owner_uuid, isAdmin: row.is_admin === 1, scopes };
}

export function scopeAllows(scopes: readonly string[], target: RequestTarget): boolean {
  return scopes.some((scope) => {
    if (scope === 'all') return true;
    const space = scope.indexOf(' ');
    if (space < 0) return false;
    const method = scope.slice(0, space);
    const prefix = scope.slice(space + 1);
    if (method !== target.method) return false;
    return target.path === prefix || (prefix.endsWith('/') && target.path.startsWith(prefix));
  });
}

/** 403 unless the principal's scopes allow the request. */
export function requireScope(p: Principal, target: RequestTarget): void {
  if (!scopeAllows(p.scopes, target)) {
    throw forbidden(`Token scopes do not allow ${target.method} ${target.path}`);
  }
}

/** Validates scopes given to createToken: "all" or `METHOD /path`. */
export function isValidScope(scope: unknown): scope is string {
  return typeof scope === 'string' && (scope === 'all' || /^(GET|POST|PUT|PATCH|DELETE|HEAD) \/\S*$/.test(scope));
}
