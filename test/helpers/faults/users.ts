// Users and tokens for permission and secrecy tests, made through the embedded REST API as
// the admin (what `keepgate admin create-user/create-token` do, without a process each).

import type { Gateway } from '../gateway.js';
import type { S3Target } from './s3-raw.js';

export interface TestUser {
  readonly uuid: string;
  readonly token: string; // v2/<uuid>/<secret>
  /** S3 credentials: token uuid as access key, token secret as secret key. */
  readonly target: S3Target;
}

export async function restAs(g: Gateway, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${g.apiEndpoint}/arvados/v1/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function ok(g: Gateway, token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await restAs(g, token, method, path, body);
  if (r.status !== 200) throw new Error(`${method} ${path} -> ${r.status} ${JSON.stringify(r.json)}`);
  return r.json;
}

export async function createToken(g: Gateway, ownerUuid: string, scopes: readonly string[] = ['all']): Promise<{ token: string; target: S3Target }> {
  const t = await ok(g, g.token, 'POST', 'api_client_authorizations', { api_client_authorization: { owner_uuid: ownerUuid, scopes } });
  const token = `v2/${String(t.uuid)}/${String(t.api_token)}`;
  return { token, target: { endpoint: g.s3Endpoint, credentials: { accessKeyId: String(t.uuid), secretAccessKey: String(t.api_token) } } };
}

export async function createUser(g: Gateway, username: string): Promise<TestUser> {
  const u = await ok(g, g.token, 'POST', 'users', { user: { email: `${username}@example.com`, username } });
  const uuid = String(u.uuid);
  return { uuid, ...(await createToken(g, uuid)) };
}

/** The uuid and PDH of the collection named `name` in `owner`'s home project (as the admin sees it). */
export async function collectionNamed(g: Gateway, owner: string, name: string): Promise<{ uuid: string; pdh: string }> {
  const filters = encodeURIComponent(JSON.stringify([['name', '=', name], ['owner_uuid', '=', owner]]));
  const list = await ok(g, g.token, 'GET', `collections?filters=${filters}`);
  const item = (list.items as Array<{ uuid: string; portable_data_hash: string }>)[0];
  if (!item) throw new Error(`no collection ${name} owned by ${owner}`);
  return { uuid: item.uuid, pdh: item.portable_data_hash };
}

export { ok as restOk };
