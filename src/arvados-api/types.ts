// Arvados resource shapes, as the REST API returns them (field names kept verbatim so the
// embedded and remote backends are interchangeable). Only the fields keepgate uses are
// typed; records may carry more.

export type Properties = Record<string, unknown>;

export interface ApiClientAuthorization {
  kind: 'arvados#apiClientAuthorization';
  uuid: string; // <cluster>-gj3su-<15>
  /** The secret part only (Arvados returns the secret here, not the v2 string). */
  api_token: string;
  owner_uuid: string; // the user
  expires_at: string | null;
  scopes: string[]; // ["all"] = unrestricted
  created_at: string;
}

export interface User {
  kind: 'arvados#user';
  uuid: string; // <cluster>-tpzed-<15>
  owner_uuid: string;
  email: string;
  username: string | null;
  first_name: string;
  last_name: string;
  full_name: string;
  is_admin: boolean;
  is_active: boolean;
  created_at: string;
  modified_at: string;
}

export interface Group {
  kind: 'arvados#group';
  uuid: string; // <cluster>-j7d0g-<15>
  owner_uuid: string;
  name: string;
  description: string | null;
  group_class: 'project' | 'role' | 'filter';
  properties: Properties;
  created_at: string;
  modified_at: string;
  trash_at: string | null;
  delete_at: string | null;
  is_trashed: boolean;
  can_write?: boolean;
  can_manage?: boolean;
}

/** Per-file attributes keepgate keeps beside a collection's manifest (DESIGN.md "sidecar").
 * Not an Arvados field: returned only when a caller selects `x_keepgate_file_attrs`. */
export interface FileAttrs {
  /** Fingerprint of the file's segments this entry was written for (see manifest/fingerprint). */
  fingerprint: string;
  /** RFC 3339 / ISO 8601 with milliseconds. */
  mtime: string;
  /** Without quotes: hex MD5, or `<hex>-<n>` for multipart. */
  etag: string;
  content_type?: string;
  content_encoding?: string;
  content_disposition?: string;
  content_language?: string;
  cache_control?: string;
  expires?: string;
  /** User metadata: lower-case key without the `x-amz-meta-` prefix -> value. */
  meta?: Record<string, string>;
}

export interface Collection {
  kind: 'arvados#collection';
  uuid: string; // <cluster>-4zz18-<15>, or the PDH for a PDH pseudo-record
  owner_uuid: string;
  name: string;
  description: string | null;
  properties: Properties;
  portable_data_hash: string;
  /** Signed for the caller's token (on get/create/update when selected). */
  manifest_text?: string;
  unsigned_manifest_text?: string;
  replication_desired: number | null;
  storage_classes_desired: string[];
  file_count: number;
  file_size_total: number;
  created_at: string;
  modified_at: string;
  trash_at: string | null;
  delete_at: string | null;
  is_trashed: boolean;
  version: number;
  current_version_uuid: string;
  /** Extension (only when selected): path (no leading '/') -> attributes. */
  x_keepgate_file_attrs?: Record<string, FileAttrs>;
}

export interface Link {
  kind: 'arvados#link';
  uuid: string; // <cluster>-o0j2j-<15>
  owner_uuid: string;
  link_class: string; // 'permission'
  name: string; // can_read | can_write | can_manage
  tail_uuid: string; // user or role
  head_uuid: string; // object
  properties: Properties;
  created_at: string;
  modified_at: string;
}

export interface KeepService {
  kind: 'arvados#keepService';
  uuid: string; // <cluster>-bi6l4-<15>
  service_host: string;
  service_port: number;
  service_ssl_flag: boolean;
  service_type: 'disk' | 'proxy' | string;
  read_only: boolean;
}

export interface ItemList<T> {
  kind: string; // e.g. arvados#collectionList
  offset: number;
  limit: number;
  items: T[];
  items_available?: number;
}

export type FilterOperator =
  | '=' | '!=' | '<>' | '<' | '<=' | '>=' | '>' | 'like' | 'ilike' | 'in' | 'not in' | 'is_a' | 'exists' | 'contains';
export type Filter = [attr: string, op: FilterOperator, operand: unknown];

export interface ListParams {
  filters?: Filter[];
  select?: string[];
  order?: string[];
  limit?: number;
  offset?: number;
  count?: 'exact' | 'none';
  include_trash?: boolean;
}

/** replace_files: target path ('/…') -> source ('' | 'current/<path>' | '<pdh>/<path>' | 'manifest_text/<path>'). */
export type ReplaceFiles = Record<string, string>;

export interface CollectionWriteOptions {
  replace_files?: ReplaceFiles;
  /** Extension: sidecar entries to set (value) or clear (null), keyed by path without leading '/'.
   * Applied in the same transaction as replace_files / manifest_text. */
  x_keepgate_file_attrs?: Record<string, FileAttrs | null>;
  /** Extension: conditions checked atomically before the update (paths without leading '/');
   * if any fails the request fails with status 412 and nothing changes.
   * 'absent': nothing exists at the path; 'not-dir': the path is not a directory (a file or
   * nothing); 'empty-dir': the path is a directory with no children. */
  x_keepgate_preconditions?: Record<string, 'absent' | 'not-dir' | 'empty-dir'>;
  ensure_unique_name?: boolean;
  select?: string[];
}
