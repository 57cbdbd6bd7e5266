// Collection create / update / trash / untrash. Each write validates and parses outside the
// transaction (prepareContent), then runs as one group-commit operation that re-reads the
// row, checks permissions, applies metadata and content and writes back; the response is
// built after COMMIT, from the row the operation returned.

import type { Collection, CollectionWriteOptions } from '../../arvados-api/types.js';
import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { isoTime, nextModifiedAt } from './context.js';
import { unprocessable } from './errors.js';
import { FileTable } from './file-rows.js';
import { newUuid } from './ids.js';
import { ensureManifest, refreshStalePdhs, type CachedManifest } from './manifest-cache.js';
import { checkAttrNames, checkDescription, checkName, checkOwner, checkProperties, checkTime, uniqueName } from './ownership.js';
import { Level } from './permissions.js';
import { checkSelect } from './query.js';
import { checkUntrashable, requestedTrash, trashNow } from './trash-state.js';
import { applyContent, checkPdhClaim, prepareContent, type ContentResult, type PreparedContent } from './collection-content.js';
import { COLLECTION_SELECTABLE, collectionRecord, GET_DEFAULT, manifestFor, type CollectionRow } from './collection-records.js';
import { pdhSourceReader, visibleCollection } from './collections.js';

const WRITABLE = new Set([
  'owner_uuid', 'name', 'description', 'properties', 'manifest_text', 'portable_data_hash',
  'replication_desired', 'storage_classes_desired', 'trash_at', 'delete_at',
]);
const IGNORED = new Set([
  'kind', 'uuid', 'created_at', 'modified_at', 'file_count', 'file_size_total', 'version', 'current_version_uuid',
  'is_trashed', 'unsigned_manifest_text', 'etag', 'href', 'modified_by_user_uuid', 'modified_by_client_uuid',
]);

const EMPTY_PDH = 'd41d8cd98f00b204e9800998ecf8427e+0';

type Attrs = Partial<Collection>;

/** Work done before queueing: attribute names, select, content preparation, PDH refresh. */
async function prepare(ctx: StoreContext, p: Principal, attrs: Attrs, opts: CollectionWriteOptions) {
  if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) throw unprocessable('collection attributes must be an object');
  checkAttrNames(attrs, WRITABLE, IGNORED, 'collection');
  const select = checkSelect(opts.select, COLLECTION_SELECTABLE) ?? GET_DEFAULT;
  const content = prepareContent(ctx, p, attrs, opts);
  if (content.replace?.copies.some((c) => c.source.from === 'pdh')) await refreshStalePdhs(ctx);
  return { select, content };
}

/** Applies the metadata attributes present in `attrs` to `row`. */
function applyMetadata(ctx: StoreContext, row: CollectionRow, attrs: Attrs): void {
  if (attrs.name !== undefined) row.name = checkName(attrs.name, { required: false });
  if (attrs.description !== undefined) row.description = checkDescription(attrs.description);
  if (attrs.properties !== undefined) row.properties = JSON.stringify(checkProperties(attrs.properties));
  if (attrs.replication_desired !== undefined) {
    const r = attrs.replication_desired;
    if (r !== null && (!Number.isInteger(r) || r < 1)) throw unprocessable('replication_desired must be a positive integer or null');
    row.replication_desired = r;
  }
  if (attrs.storage_classes_desired !== undefined) {
    const s = attrs.storage_classes_desired as unknown;
    if (!Array.isArray(s) || s.length === 0 || !s.every((c) => typeof c === 'string' && c !== '')) {
      throw unprocessable('storage_classes_desired must be a non-empty array of class names');
    }
    row.storage_classes_desired = JSON.stringify(s);
  }
  const req = {
    trash_at: attrs.trash_at === undefined ? undefined : checkTime(attrs.trash_at, 'trash_at'),
    delete_at: attrs.delete_at === undefined ? undefined : checkTime(attrs.delete_at, 'delete_at'),
  };
  Object.assign(row, requestedTrash(row, req, ctx.now(), ctx.blobSigningTtl));
}

const nameTaken = (ctx: StoreContext, owner: string, self: string) => (candidate: string) =>
  ctx.sql.prepare('SELECT 1 FROM collections WHERE owner_uuid = ? AND name = ? AND is_trashed = 0 AND uuid != ?').get(owner, candidate, self) !== undefined;

function settleName(ctx: StoreContext, row: CollectionRow, ensureUnique: boolean): void {
  if (row.is_trashed) return; // trashed collections do not hold their name
  row.name = uniqueName(nameTaken(ctx, row.owner_uuid, row.uuid), row.name, { ensureUnique, owner: row.owner_uuid });
}

/** Applies content, updates counters/version/cache fields, writes the row; returns what the response needs. */
function applyAndWrite(
  ctx: StoreContext,
  p: Principal,
  row: CollectionRow,
  content: PreparedContent,
  opts: { select: readonly string[]; creating: boolean },
): CachedManifest | undefined {
  const table = new FileTable(ctx.sql, row.uuid);
  const result: ContentResult = applyContent(ctx, table, content, pdhSourceReader(ctx, p));
  row.file_count += table.delta.files;
  row.file_size_total += table.delta.bytes;
  if (!opts.creating) row.modified_at = nextModifiedAt(row.modified_at, ctx.now());
  if (result.changed) {
    if (!opts.creating) row.version++; // initial content is part of version 1
    row.manifest_text = result.cached?.text ?? null;
    row.portable_data_hash = result.cached?.pdh ?? null;
  }
  writeRow(ctx, row, { cache: result.changed });
  if (content.pdhClaim !== undefined) checkPdhClaim(content.pdhClaim, ensureManifest(ctx, row, { persist: 'now', needText: false }).pdh);
  return manifestFor(ctx, row, opts.select, 'now');
}

export async function createCollection(ctx: StoreContext, p: Principal, attrs: Attrs, opts: CollectionWriteOptions = {}): Promise<Collection> {
  const { select, content } = await prepare(ctx, p, attrs, opts);
  const { row, cached } = await ctx.commit.run(() => {
    const now = isoTime(ctx.now());
    const row: CollectionRow = {
      uuid: newUuid(ctx.clusterId, 'collection'),
      owner_uuid: checkOwner(ctx, p, attrs.owner_uuid ?? p.userUuid),
      name: null,
      description: null,
      properties: '{}',
      replication_desired: null,
      storage_classes_desired: '["default"]',
      created_at: now,
      modified_at: now,
      trash_at: null,
      delete_at: null,
      is_trashed: 0,
      version: 1,
      manifest_text: '',
      portable_data_hash: EMPTY_PDH,
      file_count: 0,
      file_size_total: 0,
    };
    applyMetadata(ctx, row, attrs);
    settleName(ctx, row, opts.ensure_unique_name === true);
    ctx.sql
      .prepare(
        `INSERT INTO collections (uuid, owner_uuid, name, description, properties, replication_desired, storage_classes_desired,
           created_at, modified_at, trash_at, delete_at, is_trashed, version, manifest_text, portable_data_hash, file_count, file_size_total)
         VALUES (@uuid, @owner_uuid, @name, @description, @properties, @replication_desired, @storage_classes_desired,
           @created_at, @modified_at, @trash_at, @delete_at, @is_trashed, @version, @manifest_text, @portable_data_hash, @file_count, @file_size_total)`,
      )
      .run(row);
    return { row, cached: applyAndWrite(ctx, p, row, content, { select, creating: true }) };
  });
  return collectionRecord(ctx, p, row, select, cached);
}

export async function updateCollection(ctx: StoreContext, p: Principal, uuid: string, attrs: Attrs, opts: CollectionWriteOptions = {}): Promise<Collection> {
  const { select, content } = await prepare(ctx, p, attrs, opts);
  const { row, cached } = await ctx.commit.run(() => {
    const row = visibleCollection(ctx, p, uuid, { includeTrash: true, need: Level.write });
    if (attrs.owner_uuid !== undefined && attrs.owner_uuid !== row.owner_uuid) row.owner_uuid = checkOwner(ctx, p, attrs.owner_uuid);
    applyMetadata(ctx, row, attrs);
    settleName(ctx, row, opts.ensure_unique_name === true);
    return { row, cached: applyAndWrite(ctx, p, row, content, { select, creating: false }) };
  });
  return collectionRecord(ctx, p, row, select, cached);
}

export async function trashCollection(ctx: StoreContext, p: Principal, uuid: string): Promise<Collection> {
  const row = await ctx.commit.run(() => {
    const row = visibleCollection(ctx, p, uuid, { includeTrash: true, need: Level.write });
    if (!row.is_trashed) Object.assign(row, trashNow(row, ctx.now(), ctx.blobSigningTtl), { modified_at: nextModifiedAt(row.modified_at, ctx.now()) });
    writeRow(ctx, row, { cache: false });
    return row;
  });
  return collectionRecord(ctx, p, row, GET_DEFAULT);
}

export async function untrashCollection(ctx: StoreContext, p: Principal, uuid: string, opts: { ensure_unique_name?: boolean } = {}): Promise<Collection> {
  const row = await ctx.commit.run(() => {
    const row = visibleCollection(ctx, p, uuid, { includeTrash: true, need: Level.write });
    if (!row.is_trashed) throw unprocessable(`${uuid} is not in the trash`);
    checkUntrashable(row, ctx.now(), uuid);
    Object.assign(row, { trash_at: null, delete_at: null, is_trashed: 0, modified_at: nextModifiedAt(row.modified_at, ctx.now()) });
    settleName(ctx, row, opts.ensure_unique_name === true);
    writeRow(ctx, row, { cache: false });
    return row;
  });
  return collectionRecord(ctx, p, row, GET_DEFAULT);
}

function writeRow(ctx: StoreContext, row: CollectionRow, opts: { cache: boolean }): void {
  const cacheSql = opts.cache ? ', manifest_text = @manifest_text, portable_data_hash = @portable_data_hash' : '';
  ctx.sql
    .prepare(
      `UPDATE collections SET owner_uuid = @owner_uuid, name = @name, description = @description, properties = @properties,
         replication_desired = @replication_desired, storage_classes_desired = @storage_classes_desired, modified_at = @modified_at,
         trash_at = @trash_at, delete_at = @delete_at, is_trashed = @is_trashed, version = @version,
         file_count = @file_count, file_size_total = @file_size_total ${cacheSql}
       WHERE uuid = @uuid`,
    )
    .run(row);
}
