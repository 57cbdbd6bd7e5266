// Users and their API tokens. A user's home project is the user uuid itself (what they own
// directly); creating a user creates nothing else.

import type { ApiClientAuthorization, User } from '../../arvados-api/types.js';
import type { StoreContext } from './context.js';
import { isoTime } from './context.js';
import { formatToken, newSecret, newUuid } from './ids.js';
import { isValidScope } from './auth.js';
import { unprocessable } from './errors.js';

interface UserRow {
  uuid: string;
  owner_uuid: string;
  email: string;
  username: string | null;
  first_name: string;
  last_name: string;
  is_admin: number;
  is_active: number;
  created_at: string;
  modified_at: string;
}

interface TokenRow {
  uuid: string;
  secret: string;
  owner_uuid: string;
  expires_at: string | null;
  scopes: string;
  created_at: string;
}

export interface NewUser {
  email?: string;
  username?: string | null;
  first_name?: string;
  last_name?: string;
  is_admin?: boolean;
}

export interface NewToken {
  ownerUuid: string;
  scopes?: readonly string[];
  expiresAt?: string | null;
  /** Fixed uuid and secret (the configured admin token); random otherwise. */
  fixed?: { uuid: string; secret: string };
}

const USERNAME_RE = /^[A-Za-z][A-Za-z0-9]*$/;

/** Arvados' system user owns user records. */
export const systemUserUuid = (clusterId: string): string => `${clusterId}-tpzed-000000000000000`;

export function userRecord(row: UserRow): User {
  return {
    kind: 'arvados#user',
    uuid: row.uuid,
    owner_uuid: row.owner_uuid,
    email: row.email,
    username: row.username,
    first_name: row.first_name,
    last_name: row.last_name,
    full_name: [row.first_name, row.last_name].filter(Boolean).join(' '),
    is_admin: row.is_admin === 1,
    is_active: row.is_active === 1,
    created_at: row.created_at,
    modified_at: row.modified_at,
  };
}

export function tokenRecord(row: TokenRow): ApiClientAuthorization {
  return {
    kind: 'arvados#apiClientAuthorization',
    uuid: row.uuid,
    api_token: row.secret,
    owner_uuid: row.owner_uuid,
    expires_at: row.expires_at,
    scopes: JSON.parse(row.scopes) as string[],
    created_at: row.created_at,
  };
}

export function findUser(ctx: StoreContext, uuid: string): User | undefined {
  const row = ctx.sql.prepare('SELECT * FROM users WHERE uuid = ?').get(uuid) as UserRow | undefined;
  return row && userRecord(row);
}

export function findToken(ctx: StoreContext, uuid: string): ApiClientAuthorization | undefined {
  const row = ctx.sql.prepare('SELECT * FROM api_client_authorizations WHERE uuid = ?').get(uuid) as TokenRow | undefined;
  return row && tokenRecord(row);
}

/** Inserts a user (no permission check: callers decide who may). 422 on invalid or duplicate username. */
export function insertUser(ctx: StoreContext, attrs: NewUser): User {
  const username = attrs.username ?? null;
  if (username !== null && !USERNAME_RE.test(username)) {
    throw unprocessable(`Username "${username}" must start with a letter and contain only letters and digits`);
  }
  if (username !== null && ctx.sql.prepare('SELECT 1 FROM users WHERE username = ?').get(username)) {
    throw unprocessable(`Username "${username}" is already taken`);
  }
  const now = isoTime(ctx.now());
  const row: UserRow = {
    uuid: newUuid(ctx.clusterId, 'user'),
    owner_uuid: systemUserUuid(ctx.clusterId),
    email: attrs.email ?? '',
    username,
    first_name: attrs.first_name ?? '',
    last_name: attrs.last_name ?? '',
    is_admin: attrs.is_admin ? 1 : 0,
    is_active: 1,
    created_at: now,
    modified_at: now,
  };
  ctx.sql
    .prepare(
      `INSERT INTO users (uuid, owner_uuid, email, username, first_name, last_name, is_admin, is_active, created_at, modified_at)
       VALUES (@uuid, @owner_uuid, @email, @username, @first_name, @last_name, @is_admin, @is_active, @created_at, @modified_at)`,
    )
    .run(row);
  return userRecord(row);
}

/** Inserts a token; returns its record and the v2 token string. 422 on bad scopes or expiry. */
export function insertToken(ctx: StoreContext, t: NewToken): { record: ApiClientAuthorization; token: string } {
  const scopes = t.scopes ?? ['all'];
  if (!Array.isArray(scopes) || scopes.length === 0 || !scopes.every(isValidScope)) {
    throw unprocessable(`Invalid scopes ${JSON.stringify(scopes)}: use ["all"] or entries like "GET /"`);
  }
  let expiresAt: string | null = null;
  if (t.expiresAt !== undefined && t.expiresAt !== null) {
    const ms = Date.parse(t.expiresAt);
    if (Number.isNaN(ms)) throw unprocessable(`Invalid expires_at ${JSON.stringify(t.expiresAt)}`);
    expiresAt = isoTime(ms);
  }
  const row: TokenRow = {
    uuid: t.fixed?.uuid ?? newUuid(ctx.clusterId, 'token'),
    secret: t.fixed?.secret ?? newSecret(),
    owner_uuid: t.ownerUuid,
    expires_at: expiresAt,
    scopes: JSON.stringify(scopes),
    created_at: isoTime(ctx.now()),
  };
  ctx.sql
    .prepare(
      `INSERT INTO api_client_authorizations (uuid, secret, owner_uuid, expires_at, scopes, created_at)
       VALUES (@uuid, @secret, @owner_uuid, @expires_at, @scopes, @created_at)`,
    )
    .run(row);
  return { record: tokenRecord(row), token: formatToken(row.uuid, row.secret) };
}
