// The subset of the Arvados API that keepgate uses, one method per endpoint, with Arvados'
// parameter and response shapes. Every call acts as the token it is given. Errors are
// ArvadosApiError (HTTP status + Arvados error strings).

import type {
  ApiClientAuthorization, Collection, CollectionWriteOptions, Group, ItemList, KeepService, Link,
  ListParams, User,
} from './types.js';

export class ArvadosApiError extends Error {
  readonly status: number;
  readonly errors: string[];
  constructor(status: number, errors: string[] | string) {
    const list = Array.isArray(errors) ? errors : [errors];
    super(list.join('; '));
    this.status = status;
    this.errors = list;
    this.name = 'ArvadosApiError';
  }
}

export interface GroupContentsParams extends ListParams {
  recursive?: boolean;
}

export interface ArvadosApi {
  /** GET api_client_authorizations/current */
  currentToken(token: string): Promise<ApiClientAuthorization>;
  /** GET api_client_authorizations/<uuid> (owner, admin or system root token). */
  getToken(token: string, uuid: string): Promise<ApiClientAuthorization>;
  /** POST api_client_authorizations */
  createToken(token: string, attrs: { owner_uuid?: string; scopes?: string[]; expires_at?: string | null }): Promise<ApiClientAuthorization>;

  /** GET users/current */
  currentUser(token: string): Promise<User>;
  getUser(token: string, uuid: string): Promise<User>;
  createUser(token: string, attrs: Partial<Pick<User, 'email' | 'username' | 'first_name' | 'last_name' | 'is_admin'>>): Promise<User>;

  /** GET collections/<uuid or pdh> (a PDH returns the pseudo-record). */
  getCollection(token: string, uuidOrPdh: string, opts?: { select?: string[]; include_trash?: boolean }): Promise<Collection>;
  listCollections(token: string, params?: ListParams): Promise<ItemList<Collection>>;
  createCollection(token: string, attrs: Partial<Collection>, opts?: CollectionWriteOptions): Promise<Collection>;
  updateCollection(token: string, uuid: string, attrs: Partial<Collection>, opts?: CollectionWriteOptions): Promise<Collection>;
  /** DELETE collections/<uuid> = trash */
  trashCollection(token: string, uuid: string): Promise<Collection>;
  untrashCollection(token: string, uuid: string, opts?: { ensure_unique_name?: boolean }): Promise<Collection>;

  getGroup(token: string, uuid: string, opts?: { select?: string[]; include_trash?: boolean }): Promise<Group>;
  listGroups(token: string, params?: ListParams): Promise<ItemList<Group>>;
  /** GET groups/<uuid>/contents (uuid may be a user uuid: their home project). Items are groups and collections. */
  groupContents(token: string, uuid: string, params?: GroupContentsParams): Promise<ItemList<Group | Collection>>;
  createGroup(token: string, attrs: Partial<Group>, opts?: { ensure_unique_name?: boolean }): Promise<Group>;
  updateGroup(token: string, uuid: string, attrs: Partial<Group>): Promise<Group>;
  trashGroup(token: string, uuid: string): Promise<Group>;

  createLink(token: string, attrs: Pick<Link, 'link_class' | 'name' | 'tail_uuid' | 'head_uuid'>): Promise<Link>;
  deleteLink(token: string, uuid: string): Promise<Link>;

  /** GET keep_services/accessible */
  keepServices(token: string): Promise<ItemList<KeepService>>;
}
