// What each resource looks like on the wire: the attributes a caller may select, filter and
// order by, and the ones a create/update may set (with their JSON types). The REST layer
// checks requests against these before calling the API, so a typo'd attribute is a 400 that
// changes nothing rather than a silent no-op. Readable attributes that are not writable are
// let through to the API, which ignores them (clients send whole records back).

export type AttrType =
  | 'string'
  | 'string|null'
  | 'boolean'
  | 'integer|null'
  | 'timestamp|null'
  | 'object'
  | 'string[]';

export interface ResourceSpec {
  /** Table name, as used in type-qualified attributes (`collections.name`). */
  readonly table: string;
  /** The body parameter that wraps the resource object (`collection={…}`). */
  readonly wrapper: string;
  readonly readable: ReadonlySet<string>;
  readonly writable: Readonly<Record<string, AttrType>>;
}

const COMMON = ['kind', 'uuid', 'owner_uuid', 'created_at', 'modified_at'];
const TRASH = ['trash_at', 'delete_at', 'is_trashed'];
/** Trash is scheduled through trash_at/delete_at; is_trashed is derived from them. */
const TRASH_WRITABLE: Record<string, AttrType> = { trash_at: 'timestamp|null', delete_at: 'timestamp|null' };

export const COLLECTIONS: ResourceSpec = {
  table: 'collections',
  wrapper: 'collection',
  readable: new Set([
    ...COMMON, ...TRASH, 'name', 'description', 'properties', 'portable_data_hash', 'manifest_text',
    'unsigned_manifest_text', 'replication_desired', 'storage_classes_desired', 'file_count',
    'file_size_total', 'version', 'current_version_uuid', 'x_keepgate_file_attrs',
  ]),
  writable: {
    owner_uuid: 'string', name: 'string|null', description: 'string|null', properties: 'object',
    manifest_text: 'string', portable_data_hash: 'string', replication_desired: 'integer|null',
    storage_classes_desired: 'string[]', ...TRASH_WRITABLE,
  },
};

export const GROUPS: ResourceSpec = {
  table: 'groups',
  wrapper: 'group',
  readable: new Set([...COMMON, ...TRASH, 'name', 'description', 'group_class', 'properties', 'can_write', 'can_manage']),
  writable: {
    owner_uuid: 'string', name: 'string', description: 'string|null', group_class: 'string', properties: 'object',
    ...TRASH_WRITABLE,
  },
};

export const USERS: ResourceSpec = {
  table: 'users',
  wrapper: 'user',
  readable: new Set([...COMMON, 'email', 'username', 'first_name', 'last_name', 'full_name', 'is_admin', 'is_active']),
  writable: { email: 'string', username: 'string|null', first_name: 'string', last_name: 'string', is_admin: 'boolean' },
};

export const TOKENS: ResourceSpec = {
  table: 'api_client_authorizations',
  wrapper: 'api_client_authorization',
  readable: new Set([...COMMON, 'api_token', 'expires_at', 'scopes']),
  writable: { owner_uuid: 'string', scopes: 'string[]', expires_at: 'timestamp|null' },
};

export const LINKS: ResourceSpec = {
  table: 'links',
  wrapper: 'link',
  readable: new Set([...COMMON, 'link_class', 'name', 'tail_uuid', 'head_uuid', 'properties']),
  writable: { link_class: 'string', name: 'string', tail_uuid: 'string', head_uuid: 'string', properties: 'object' },
};

/** `groups/contents` mixes groups and collections; manifest_text cannot be selected there (d.4). */
export const CONTENTS_TABLES: readonly ResourceSpec[] = [GROUPS, COLLECTIONS];
export const CONTENTS_UNSELECTABLE: ReadonlySet<string> = new Set(['manifest_text', 'unsigned_manifest_text']);
