// The ArvadosApi the remote backend hands to the site: ArvadosHttpClient (or any ArvadosApi)
// with three things added.
//  - A deadline per call: whatever the client's retries do, the caller hears back within
//    timeoutMs (DomainError 'Unavailable' otherwise), so a slow cluster never hangs a request.
//  - keepgate's extensions kept away from a server without them (extensions.ts): the
//    attribute is left out of `select`, file attributes are not stored, and preconditions
//    are checked against the manifest read just before the update (not atomically).
//  - Project contents cached for a few seconds (contents-cache.ts), emptied by every write
//    made through this object.

import type { ArvadosApi, GroupContentsParams } from '../../arvados-api/api.js';
import type {
  ApiClientAuthorization, Collection, CollectionWriteOptions, Group, ItemList, KeepService, Link, ListParams, User,
} from '../../arvados-api/types.js';
import { withDeadline } from '../../keep/remote-deadline.js';
import { ContentsCache } from './contents-cache.js';
import {
  ExtensionSupport, plainSelect, plainWriteOptions, probeFileAttrs, selectsExtension, usesWriteExtension, type ExtensionMode,
} from './extensions.js';
import { checkPreconditions } from './preconditions.js';

export interface RemoteApiOptions {
  /** The API on the wire (ArvadosHttpClient). */
  readonly inner: ArvadosApi;
  /** Longest any one call may take, the inner client's retries included. */
  readonly timeoutMs: number;
  readonly extensions: ExtensionMode;
  /** Milliseconds since the epoch (cache expiry). */
  readonly now: () => number;
  /** How long a project contents page is reused; default 5 s, 0 disables. */
  readonly contentsTtlMs?: number;
}

type GetOpts = { select?: string[]; include_trash?: boolean };

export class RemoteApi implements ArvadosApi {
  readonly extensions: ExtensionSupport;
  private readonly inner: ArvadosApi;
  private readonly contents: ContentsCache;

  constructor(private readonly opts: RemoteApiOptions) {
    this.inner = opts.inner;
    this.extensions = new ExtensionSupport(opts.extensions, (token) => this.bounded('extension probe', () => probeFileAttrs(this.inner, token)));
    this.contents = new ContentsCache({ ttlMs: opts.contentsTtlMs ?? 5_000, now: opts.now });
  }

  currentToken(token: string): Promise<ApiClientAuthorization> {
    return this.read('GET api_client_authorizations/current', () => this.inner.currentToken(token));
  }
  getToken(token: string, uuid: string): Promise<ApiClientAuthorization> {
    return this.read('GET api_client_authorizations', () => this.inner.getToken(token, uuid));
  }
  createToken(token: string, attrs: { owner_uuid?: string; scopes?: string[]; expires_at?: string | null }): Promise<ApiClientAuthorization> {
    return this.write('POST api_client_authorizations', () => this.inner.createToken(token, attrs));
  }

  currentUser(token: string): Promise<User> {
    return this.read('GET users/current', () => this.inner.currentUser(token));
  }
  getUser(token: string, uuid: string): Promise<User> {
    return this.read('GET users', () => this.inner.getUser(token, uuid));
  }
  createUser(token: string, attrs: Partial<Pick<User, 'email' | 'username' | 'first_name' | 'last_name' | 'is_admin'>>): Promise<User> {
    return this.write('POST users', () => this.inner.createUser(token, attrs));
  }

  async getCollection(token: string, uuidOrPdh: string, opts: GetOpts = {}): Promise<Collection> {
    const plain = await this.plainRead(token, opts.select);
    return this.read('GET collections', () => this.inner.getCollection(token, uuidOrPdh, plain ? { ...opts, select: plain } : opts));
  }
  async listCollections(token: string, params: ListParams = {}): Promise<ItemList<Collection>> {
    const plain = await this.plainRead(token, params.select);
    return this.read('GET collections', () => this.inner.listCollections(token, plain ? { ...params, select: plain } : params));
  }
  async createCollection(token: string, attrs: Partial<Collection>, opts: CollectionWriteOptions = {}): Promise<Collection> {
    const sent = (await this.plainWrite(token, opts)) ?? opts;
    return this.write('POST collections', () => this.inner.createCollection(token, attrs, sent));
  }
  async updateCollection(token: string, uuid: string, attrs: Partial<Collection>, opts: CollectionWriteOptions = {}): Promise<Collection> {
    const plain = await this.plainWrite(token, opts);
    return this.write('PATCH collections', async () => {
      if (plain && opts.x_keepgate_preconditions) await checkPreconditions(this.inner, token, uuid, opts.x_keepgate_preconditions);
      return this.inner.updateCollection(token, uuid, attrs, plain ?? opts);
    });
  }
  trashCollection(token: string, uuid: string): Promise<Collection> {
    return this.write('DELETE collections', () => this.inner.trashCollection(token, uuid));
  }
  untrashCollection(token: string, uuid: string, opts: { ensure_unique_name?: boolean } = {}): Promise<Collection> {
    return this.write('POST collections/untrash', () => this.inner.untrashCollection(token, uuid, opts));
  }

  getGroup(token: string, uuid: string, opts: GetOpts = {}): Promise<Group> {
    return this.read('GET groups', () => this.inner.getGroup(token, uuid, opts));
  }
  listGroups(token: string, params: ListParams = {}): Promise<ItemList<Group>> {
    return this.read('GET groups', () => this.inner.listGroups(token, params));
  }
  async groupContents(token: string, uuid: string, params: GroupContentsParams = {}): Promise<ItemList<Group | Collection>> {
    const plain = await this.plainRead(token, params.select);
    const sent = plain ? { ...params, select: plain } : params;
    return this.contents.get(token, uuid, sent, () => this.read('GET groups/contents', () => this.inner.groupContents(token, uuid, sent)));
  }
  createGroup(token: string, attrs: Partial<Group>, opts: { ensure_unique_name?: boolean } = {}): Promise<Group> {
    return this.write('POST groups', () => this.inner.createGroup(token, attrs, opts));
  }
  updateGroup(token: string, uuid: string, attrs: Partial<Group>): Promise<Group> {
    return this.write('PATCH groups', () => this.inner.updateGroup(token, uuid, attrs));
  }
  trashGroup(token: string, uuid: string): Promise<Group> {
    return this.write('DELETE groups', () => this.inner.trashGroup(token, uuid));
  }

  createLink(token: string, attrs: Pick<Link, 'link_class' | 'name' | 'tail_uuid' | 'head_uuid'>): Promise<Link> {
    return this.write('POST links', () => this.inner.createLink(token, attrs));
  }
  deleteLink(token: string, uuid: string): Promise<Link> {
    return this.write('DELETE links', () => this.inner.deleteLink(token, uuid));
  }

  keepServices(token: string): Promise<ItemList<KeepService>> {
    return this.read('GET keep_services/accessible', () => this.inner.keepServices(token));
  }

  /** The select to send instead of `select` when it names the extension and the server lacks it. */
  private async plainRead(token: string, select: string[] | undefined): Promise<string[] | undefined> {
    if (!selectsExtension(select) || (await this.extensions.enabled(token))) return undefined;
    return plainSelect(select);
  }

  /** The options to send instead of `opts` when they use an extension the server lacks. */
  private async plainWrite(token: string, opts: CollectionWriteOptions): Promise<CollectionWriteOptions | undefined> {
    if (!usesWriteExtension(opts) || (await this.extensions.enabled(token))) return undefined;
    return plainWriteOptions(opts);
  }

  private read<T>(what: string, call: () => Promise<T>): Promise<T> {
    return this.bounded(what, call);
  }

  /** Writes may change any project's contents: the contents cache is dropped around them. */
  private write<T>(what: string, call: () => Promise<T>): Promise<T> {
    return this.contents.writing(() => this.bounded(what, call));
  }

  private bounded<T>(what: string, call: () => Promise<T>): Promise<T> {
    return withDeadline(this.opts.timeoutMs, `Arvados API ${what}`, call);
  }
}
