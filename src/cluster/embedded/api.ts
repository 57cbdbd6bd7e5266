// ArvadosApi on the embedded store: every call authenticates its token, checks the token's
// scopes against the REST request the method stands for, and delegates to the module that
// owns the resource. Writes go through the group commit.

import type { ArvadosApi, GroupContentsParams } from '../../arvados-api/api.js';
import type {
  ApiClientAuthorization, Collection, CollectionWriteOptions, Group, ItemList, KeepService, Link, ListParams, User,
} from '../../arvados-api/types.js';
import { authenticate, requireScope, type Principal, type RequestTarget } from './auth.js';
import type { StoreContext } from './context.js';
import { forbidden, notFound, unprocessable } from './errors.js';
import { INFIX } from './ids.js';
import { getCollection, listCollections } from './collections.js';
import { createCollection, trashCollection, untrashCollection, updateCollection } from './collection-writes.js';
import { groupContents } from './group-contents.js';
import { createGroup, getGroup, listGroups, trashGroup, updateGroup } from './groups.js';
import { createLink, deleteLink } from './links.js';
import { Level, levelOn } from './permissions.js';
import { findToken, findUser, insertToken, insertUser } from './users.js';

const V1 = '/arvados/v1';

export class EmbeddedApi implements ArvadosApi {
  private readonly ctx: StoreContext;
  private keepUrl: URL | undefined;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
  }

  /** Where keep_services/accessible points clients (the API listener, set after listen). */
  setKeepServiceUrl(url: string): void {
    this.keepUrl = new URL(url);
  }

  private auth(token: string, target?: RequestTarget): Principal {
    const p = authenticate(this.ctx.sql, token, this.ctx.now(), { memo: this.ctx.memo });
    if (target) requireScope(p, target);
    return p;
  }

  private write<T>(op: () => T): Promise<T> {
    return this.ctx.commit.run(op);
  }

  async currentToken(token: string): Promise<ApiClientAuthorization> {
    const p = this.auth(token);
    return findToken(this.ctx, p.tokenUuid)!;
  }

  async getToken(token: string, uuid: string): Promise<ApiClientAuthorization> {
    const p = this.auth(token, { method: 'GET', path: `${V1}/api_client_authorizations/${uuid}` });
    const record = findToken(this.ctx, uuid);
    if (!record || (!p.isAdmin && record.owner_uuid !== p.userUuid)) throw notFound(uuid);
    return record;
  }

  async createToken(token: string, attrs: { owner_uuid?: string; scopes?: string[]; expires_at?: string | null }): Promise<ApiClientAuthorization> {
    const p = this.auth(token, { method: 'POST', path: `${V1}/api_client_authorizations` });
    const owner = attrs.owner_uuid ?? p.userUuid;
    if (owner !== p.userUuid && !p.isAdmin) throw forbidden('Only admins may create tokens for other users');
    if (!findUser(this.ctx, owner)) throw unprocessable(`owner_uuid ${owner} is not a user`);
    return this.write(() => insertToken(this.ctx, { ownerUuid: owner, scopes: attrs.scopes, expiresAt: attrs.expires_at }).record);
  }

  async currentUser(token: string): Promise<User> {
    const p = this.auth(token, { method: 'GET', path: `${V1}/users/current` });
    return findUser(this.ctx, p.userUuid)!;
  }

  async getUser(token: string, uuid: string): Promise<User> {
    const p = this.auth(token, { method: 'GET', path: `${V1}/users/${uuid}` });
    const user = findUser(this.ctx, uuid);
    if (!user || levelOn(this.ctx.sql, p, uuid) < Level.read) throw notFound(uuid);
    return user;
  }

  async createUser(token: string, attrs: Partial<Pick<User, 'email' | 'username' | 'first_name' | 'last_name' | 'is_admin'>>): Promise<User> {
    const p = this.auth(token, { method: 'POST', path: `${V1}/users` });
    if (!p.isAdmin) throw forbidden('Only admins may create users');
    return this.write(() => insertUser(this.ctx, attrs));
  }

  async getCollection(token: string, uuidOrPdh: string, opts?: { select?: string[]; include_trash?: boolean }): Promise<Collection> {
    const p = this.auth(token, { method: 'GET', path: `${V1}/collections/${uuidOrPdh}` });
    return getCollection(this.ctx, p, uuidOrPdh, opts);
  }

  async listCollections(token: string, params?: ListParams): Promise<ItemList<Collection>> {
    const p = this.auth(token, { method: 'GET', path: `${V1}/collections` });
    return listCollections(this.ctx, p, params);
  }

  async createCollection(token: string, attrs: Partial<Collection>, opts?: CollectionWriteOptions): Promise<Collection> {
    const p = this.auth(token, { method: 'POST', path: `${V1}/collections` });
    return createCollection(this.ctx, p, attrs, opts);
  }

  async updateCollection(token: string, uuid: string, attrs: Partial<Collection>, opts?: CollectionWriteOptions): Promise<Collection> {
    const p = this.auth(token, { method: 'PATCH', path: `${V1}/collections/${uuid}` });
    return updateCollection(this.ctx, p, uuid, attrs, opts);
  }

  async trashCollection(token: string, uuid: string): Promise<Collection> {
    const p = this.auth(token, { method: 'DELETE', path: `${V1}/collections/${uuid}` });
    return trashCollection(this.ctx, p, uuid);
  }

  async untrashCollection(token: string, uuid: string, opts?: { ensure_unique_name?: boolean }): Promise<Collection> {
    const p = this.auth(token, { method: 'POST', path: `${V1}/collections/${uuid}/untrash` });
    return untrashCollection(this.ctx, p, uuid, opts);
  }

  async getGroup(token: string, uuid: string, opts?: { select?: string[]; include_trash?: boolean }): Promise<Group> {
    const p = this.auth(token, { method: 'GET', path: `${V1}/groups/${uuid}` });
    return getGroup(this.ctx, p, uuid, opts);
  }

  async listGroups(token: string, params?: ListParams): Promise<ItemList<Group>> {
    const p = this.auth(token, { method: 'GET', path: `${V1}/groups` });
    return listGroups(this.ctx, p, params);
  }

  async groupContents(token: string, uuid: string, params?: GroupContentsParams): Promise<ItemList<Group | Collection>> {
    const p = this.auth(token, { method: 'GET', path: `${V1}/groups/${uuid}/contents` });
    return groupContents(this.ctx, p, uuid, params);
  }

  async createGroup(token: string, attrs: Partial<Group>, opts?: { ensure_unique_name?: boolean }): Promise<Group> {
    const p = this.auth(token, { method: 'POST', path: `${V1}/groups` });
    return this.write(() => createGroup(this.ctx, p, attrs, opts));
  }

  async updateGroup(token: string, uuid: string, attrs: Partial<Group>): Promise<Group> {
    const p = this.auth(token, { method: 'PATCH', path: `${V1}/groups/${uuid}` });
    return this.write(() => updateGroup(this.ctx, p, uuid, attrs));
  }

  async trashGroup(token: string, uuid: string): Promise<Group> {
    const p = this.auth(token, { method: 'DELETE', path: `${V1}/groups/${uuid}` });
    return this.write(() => trashGroup(this.ctx, p, uuid));
  }

  async createLink(token: string, attrs: Pick<Link, 'link_class' | 'name' | 'tail_uuid' | 'head_uuid'>): Promise<Link> {
    const p = this.auth(token, { method: 'POST', path: `${V1}/links` });
    return this.write(() => createLink(this.ctx, p, attrs));
  }

  async deleteLink(token: string, uuid: string): Promise<Link> {
    const p = this.auth(token, { method: 'DELETE', path: `${V1}/links/${uuid}` });
    return this.write(() => deleteLink(this.ctx, p, uuid));
  }

  async keepServices(token: string): Promise<ItemList<KeepService>> {
    this.auth(token, { method: 'GET', path: `${V1}/keep_services/accessible` });
    const url = this.keepUrl;
    const items: KeepService[] = url
      ? [
          {
            kind: 'arvados#keepService',
            uuid: `${this.ctx.clusterId}-${INFIX.keepService}-000000000000000`,
            service_host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
            service_port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
            service_ssl_flag: url.protocol === 'https:',
            service_type: 'disk',
            read_only: false,
          },
        ]
      : [];
    return { kind: 'arvados#keepServiceList', offset: 0, limit: items.length, items, items_available: items.length };
  }
}
