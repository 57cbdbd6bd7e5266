// Collection rows -> Arvados collection records. Only what the caller selects is computed:
// no manifest is marshalled or signed unless manifest_text / unsigned_manifest_text /
// portable_data_hash is asked for, and the sidecar is read only when
// x_keepgate_file_attrs is selected.

import type { Collection } from '../../arvados-api/types.js';
import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { FileTable } from './file-rows.js';
import { ensureManifest, type CachedManifest } from './manifest-cache.js';
import type { TableSpec } from './query.js';
import { readFileAttrs } from './sidecar.js';
import { signManifest } from './signing.js';
import type { TrashFields } from './trash-state.js';

export interface CollectionRow extends TrashFields {
  uuid: string;
  owner_uuid: string;
  name: string | null;
  description: string | null;
  properties: string;
  replication_desired: number | null;
  storage_classes_desired: string;
  created_at: string;
  modified_at: string;
  version: number;
  manifest_text: string | null;
  portable_data_hash: string | null;
  file_count: number;
  file_size_total: number;
}

export const COLLECTION_SPEC: TableSpec = {
  table: 'collections',
  alias: 'c',
  columns: {
    uuid: { sql: 'c.uuid', type: 'string' },
    owner_uuid: { sql: 'c.owner_uuid', type: 'string' },
    name: { sql: 'c.name', type: 'string' },
    description: { sql: 'c.description', type: 'string' },
    properties: { sql: 'c.properties', type: 'json' },
    portable_data_hash: { sql: 'c.portable_data_hash', type: 'string' },
    replication_desired: { sql: 'c.replication_desired', type: 'integer' },
    storage_classes_desired: { sql: 'c.storage_classes_desired', type: 'array' },
    file_count: { sql: 'c.file_count', type: 'integer' },
    file_size_total: { sql: 'c.file_size_total', type: 'integer' },
    created_at: { sql: 'c.created_at', type: 'time' },
    modified_at: { sql: 'c.modified_at', type: 'time' },
    trash_at: { sql: 'c.trash_at', type: 'time' },
    delete_at: { sql: 'c.delete_at', type: 'time' },
    is_trashed: { sql: 'c.is_trashed', type: 'boolean' },
    version: { sql: 'c.version', type: 'integer' },
    current_version_uuid: { sql: 'c.uuid', type: 'string' },
  },
};

const PLAIN = Object.keys(COLLECTION_SPEC.columns);
/** What a list returns unless told otherwise (no manifest: signing is costly). */
export const LIST_DEFAULT: readonly string[] = PLAIN;
/** What get/create/update/trash return unless told otherwise. */
export const GET_DEFAULT: readonly string[] = [...PLAIN, 'manifest_text'];
export const COLLECTION_SELECTABLE: ReadonlySet<string> = new Set(['kind', ...PLAIN, 'manifest_text', 'unsigned_manifest_text', 'x_keepgate_file_attrs']);

/** Columns of a collection row, with the (possibly huge) cached text left out: see manifest-cache. */
export const ROW_COLUMNS = [
  'uuid', 'owner_uuid', 'name', 'description', 'properties', 'replication_desired', 'storage_classes_desired',
  'created_at', 'modified_at', 'trash_at', 'delete_at', 'is_trashed', 'version', 'portable_data_hash', 'file_count', 'file_size_total',
]
  .map((c) => `c.${c}`)
  .concat('NULL AS manifest_text')
  .join(', ');

/** The derived PDH (and text) if the selection needs them, computing them if stale. */
export function manifestFor(ctx: StoreContext, row: CollectionRow, select: readonly string[], persist: 'now' | 'later'): CachedManifest | undefined {
  const needText = select.includes('manifest_text') || select.includes('unsigned_manifest_text');
  return needText || select.includes('portable_data_hash') ? ensureManifest(ctx, row, { persist, needText }) : undefined;
}

/** Builds the record with exactly the selected attributes (plus kind). */
export function collectionRecord(ctx: StoreContext, p: Principal, row: CollectionRow, select: readonly string[], cached?: CachedManifest): Collection {
  const manifest = cached ?? manifestFor(ctx, row, select, 'later');
  const out: Record<string, unknown> = { kind: 'arvados#collection' };
  for (const key of select) {
    switch (key) {
      case 'kind':
        break;
      case 'properties':
        out.properties = JSON.parse(row.properties);
        break;
      case 'storage_classes_desired':
        out.storage_classes_desired = JSON.parse(row.storage_classes_desired);
        break;
      case 'is_trashed':
        out.is_trashed = row.is_trashed === 1;
        break;
      case 'current_version_uuid':
        out.current_version_uuid = row.uuid;
        break;
      case 'portable_data_hash':
        out.portable_data_hash = manifest!.pdh;
        break;
      case 'manifest_text':
        out.manifest_text = signManifest(ctx, p, manifest!.text!, row.trash_at);
        break;
      case 'unsigned_manifest_text':
        out.unsigned_manifest_text = manifest!.text;
        break;
      case 'x_keepgate_file_attrs':
        out.x_keepgate_file_attrs = readFileAttrs(new FileTable(ctx.sql, row.uuid));
        break;
      default:
        out[key] = (row as unknown as Record<string, unknown>)[key];
    }
  }
  return out as unknown as Collection;
}
