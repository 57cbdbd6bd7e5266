// A collection as the S3 side sees it: every key (files, and with folder objects every
// directory as `dir/`) in UTF-8 byte order, each with its size, segments and per-file
// attributes. Built once per collection state and cached (collection-cache.ts); this
// gateway's own writes are applied to it in place, so a read after a write does not cost a
// re-fetch and re-parse of the whole manifest.

import type { Collection, FileAttrs, Properties } from '../arvados-api/types.js';
import { compareUtf8, partitionPoint } from '../common/utf8-order.js';
import { parseManifest, segmentsFingerprint } from '../manifest/index.js';
import type { Segment } from '../manifest/types.js';
import { derivedEtag, DIRECTORY_ETAG } from './etag.js';

export interface ObjectEntry {
  readonly key: string;
  readonly isDir: boolean;
  readonly size: number;
  readonly segments: readonly Segment[];
  readonly etag: string;
  readonly lastModified: Date;
  /** The sidecar entry, when it is valid for the file's current content. */
  readonly attrs: FileAttrs | undefined;
}

const parentsOf = function* (path: string): Generator<string> {
  for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) yield path.slice(0, i);
};

export class CollectionIndex {
  readonly uuid: string; // the PDH for PDH-addressed collections
  readonly name: string;
  readonly pdh: string;
  /** Updated from the response of each own write (properties change without a new version). */
  properties: Properties;
  readonly replicationDesired: number | null;
  readonly storageClassesDesired: readonly string[];
  /** The collection state this index shows (changes as own writes are applied). */
  modifiedAt: string;
  version: number | undefined;
  /** Sorted keys (UTF-8 byte order). */
  readonly keys: string[] = [];
  private readonly entries = new Map<string, ObjectEntry>();
  private readonly dirs = new Set<string>();
  private files = 0;

  constructor(c: Collection, private readonly opts: { folderObjects: boolean }) {
    this.uuid = c.uuid;
    this.name = c.name ?? '';
    this.pdh = c.portable_data_hash;
    this.modifiedAt = c.modified_at;
    this.version = c.version;
    this.properties = c.properties ?? {};
    this.replicationDesired = c.replication_desired ?? null;
    this.storageClassesDesired = c.storage_classes_desired ?? [];
    const tree = parseManifest(c.manifest_text ?? '');
    const modified = new Date(c.modified_at ?? Date.now());
    const attrsByPath = c.x_keepgate_file_attrs ?? {};
    for (const f of tree.files) {
      const fingerprint = segmentsFingerprint(f.segments);
      const stored = attrsByPath[f.path];
      this.setFile(f.path, f.segments, stored && stored.fingerprint === fingerprint ? stored : undefined, fingerprint, modified);
    }
    for (const d of tree.emptyDirs) this.addDir(d, modified, attrsByPath[`${d}/`]);
    this.keys.push(...this.entries.keys());
    this.keys.sort(compareUtf8);
  }

  get(key: string): ObjectEntry | undefined {
    return this.entries.get(key);
  }

  /** True when `path` (no trailing '/') is a directory in the collection. */
  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  get fileCount(): number {
    return this.files;
  }

  /** Applies a file this gateway just committed (segments signed for this index's token). */
  putFile(path: string, segments: readonly Segment[], attrs: FileAttrs): void {
    this.setFile(path, segments, attrs, attrs.fingerprint, new Date(attrs.mtime), { sorted: true });
  }

  /** Applies a directory this gateway just created. */
  putDir(path: string, when: Date): void {
    this.addDir(path, when, undefined, { sorted: true });
  }

  /** Applies a removal this gateway just committed: the file goes, its directory stays (as Arvados keeps it). */
  removeFile(path: string): void {
    if (this.entries.get(path)?.isDir === false) {
      this.files--;
      this.dropKey(path);
    }
  }

  /** Applies the removal of an empty directory. */
  removeDir(path: string): void {
    this.dirs.delete(path);
    this.dropKey(`${path}/`);
  }

  private setFile(path: string, segments: readonly Segment[], attrs: FileAttrs | undefined, fingerprint: string, modified: Date, o = { sorted: false }): void {
    if (this.entries.get(path)?.isDir !== false) this.files++;
    this.setEntry(path, {
      key: path,
      isDir: false,
      size: segments.reduce((n, s) => n + s.length, 0),
      segments,
      etag: attrs?.etag ?? derivedEtag(segments, fingerprint),
      lastModified: attrs ? new Date(attrs.mtime) : modified,
      attrs,
    }, o.sorted);
    for (const dir of parentsOf(path)) {
      if (this.dirs.has(dir)) break;
      this.addDir(dir, modified, undefined, o);
    }
  }

  private addDir(path: string, modified: Date, attrs: FileAttrs | undefined, o = { sorted: false }): void {
    this.dirs.add(path);
    if (this.opts.folderObjects && !this.entries.has(`${path}/`)) {
      const key = `${path}/`;
      this.setEntry(key, { key, isDir: true, size: 0, segments: [], etag: DIRECTORY_ETAG, lastModified: attrs ? new Date(attrs.mtime) : modified, attrs }, o.sorted);
    }
    for (const dir of parentsOf(path)) {
      if (this.dirs.has(dir)) break;
      this.addDir(dir, modified, undefined, o);
    }
  }

  /** Sets an entry; when `sorted` the key is also placed in the sorted key list. */
  private setEntry(key: string, entry: ObjectEntry, sorted: boolean): void {
    const fresh = !this.entries.has(key);
    this.entries.set(key, entry);
    if (sorted && fresh) this.keys.splice(partitionPoint(this.keys, (k) => compareUtf8(k, key) < 0), 0, key);
  }

  private dropKey(key: string): void {
    if (!this.entries.delete(key)) return;
    const i = partitionPoint(this.keys, (k) => compareUtf8(k, key) < 0);
    if (this.keys[i] === key) this.keys.splice(i, 1);
  }
}

export function buildIndex(c: Collection, opts: { folderObjects: boolean }): CollectionIndex {
  return new CollectionIndex(c, opts);
}
