// First start of an empty data directory, and every later one: the cluster id and blob
// signing key live in `meta`; the first start also creates an admin user (whose home project
// is their own uuid) and an admin token. A configured admin token (KEEPGATE_ADMIN_TOKEN, a v2
// token string) is installed as the admin's token on every start.

import type { Db } from './db.js';
import { isClusterId, newClusterId, newSecret, parseToken, formatToken } from './ids.js';
import type { StoreContext } from './context.js';
import { insertToken, insertUser } from './users.js';

export interface Bootstrap {
  readonly adminToken: string;
  readonly adminUserUuid: string;
  /** The admin's home project: the user uuid itself, as in Arvados. */
  readonly homeProjectUuid: string;
}

export interface ClusterMeta {
  readonly clusterId: string;
  readonly blobSigningKey: string;
}

const getMeta = (db: Db, key: string): string | undefined =>
  (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
const setMeta = (db: Db, key: string, value: string): void => {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
};

function parseAdminToken(token: string | undefined): { uuid: string; secret: string } | undefined {
  if (token === undefined) return undefined;
  const t = parseToken(token);
  if (t?.uuid === undefined) throw new Error('the admin token must be a v2 token: v2/<cluster>-gj3su-<15 chars>/<secret>');
  return { uuid: t.uuid, secret: t.secret };
}

/** Reads (or on first start creates) the cluster id and signing key. */
export function loadClusterMeta(db: Db, opts: { clusterId?: string; adminToken?: string }): ClusterMeta {
  const fixed = parseAdminToken(opts.adminToken);
  if (opts.clusterId !== undefined && !isClusterId(opts.clusterId)) throw new Error(`invalid cluster id ${JSON.stringify(opts.clusterId)}: 5 characters [a-z0-9]`);
  return db.transaction(() => {
    const existing = getMeta(db, 'cluster_id');
    if (existing !== undefined) {
      if (opts.clusterId !== undefined && opts.clusterId !== existing) {
        throw new Error(`this data directory belongs to cluster ${existing}, not ${opts.clusterId}`);
      }
      return { clusterId: existing, blobSigningKey: getMeta(db, 'blob_signing_key')! };
    }
    const meta = { clusterId: opts.clusterId ?? fixed?.uuid.slice(0, 5) ?? newClusterId(), blobSigningKey: newSecret() };
    setMeta(db, 'cluster_id', meta.clusterId);
    setMeta(db, 'blob_signing_key', meta.blobSigningKey);
    return meta;
  }).immediate();
}

/** Creates the admin user and token on first start; installs a configured admin token. */
export function bootstrapAdmin(ctx: StoreContext, opts: { adminToken?: string }): Bootstrap {
  const fixed = parseAdminToken(opts.adminToken);
  const db = ctx.db;
  return db.transaction(() => {
    let adminUuid = getMeta(db, 'admin_user_uuid');
    if (adminUuid === undefined) {
      adminUuid = insertUser(ctx, { email: 'admin@localhost', username: 'admin', first_name: 'Admin', is_admin: true }).uuid;
      setMeta(db, 'admin_user_uuid', adminUuid);
    }
    let token = getMeta(db, 'admin_token');
    if (fixed !== undefined && token !== formatToken(fixed.uuid, fixed.secret)) {
      // The configured token replaces the previous admin token (one admin token at a time).
      const previous = token === undefined ? undefined : parseToken(token)?.uuid;
      db.prepare('DELETE FROM api_client_authorizations WHERE uuid IN (?, ?) OR secret = ?').run(fixed.uuid, previous ?? null, fixed.secret);
      token = insertToken(ctx, { ownerUuid: adminUuid, fixed }).token;
    } else if (token === undefined) {
      token = insertToken(ctx, { ownerUuid: adminUuid }).token;
    }
    setMeta(db, 'admin_token', token);
    return { adminToken: token, adminUserUuid: adminUuid, homeProjectUuid: adminUuid };
  }).immediate();
}
