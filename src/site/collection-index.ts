// A collection as the S3 side sees it: every key (files, and with folder objects every
// directory as `dir/`) in UTF-8 byte order, each with its size, segments and per-file
// attributes. Built once per collection state and cached (collection-cache.ts).

import type { Collection, FileAttrs, Properties } from '../arvados-api/types.js';
import { compareUtf8 } from '../common/utf8-order.js';
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

export interface CollectionIndex {
  readonly uuid: string; // the PDH for PDH-addressed collections
  readonly name: string;
  readonly pdh: string;
  readonly modifiedAt: string;
  readonly properties: Properties;
  readonly replicationDesired: number | null;
  readonly storageClassesDesired: readonly string[];
  /** Sorted keys (UTF-8 byte order). */
  readonly keys: readonly string[];
  get(key: string): ObjectEntry | undefined;
  /** True when `path` (no trailing '/') is a directory in the collection. */
  isDir(path: string): boolean;
  readonly fileCount: number;
}

export function buildIndex(c: Collection, opts: { folderObjects: boolean }): CollectionIndex {
  const tree = parseManifest(c.manifest_text ?? '');
  const modified = new Date(c.modified_at ?? Date.now());
  const attrsByPath = c.x_keepgate_file_attrs ?? {};
  const entries = new Map<string, ObjectEntry>();
  const dirs = new Set<string>();

  const addParents = (path: string): void => {
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      const dir = path.slice(0, i);
      if (dirs.has(dir)) break;
      dirs.add(dir);
    }
  };

  for (const f of tree.files) {
    const fingerprint = segmentsFingerprint(f.segments);
    const stored = attrsByPath[f.path];
    const attrs = stored && stored.fingerprint === fingerprint ? stored : undefined;
    const size = f.segments.reduce((n, s) => n + s.length, 0);
    entries.set(f.path, {
      key: f.path,
      isDir: false,
      size,
      segments: f.segments,
      etag: attrs?.etag ?? derivedEtag(f.segments, fingerprint),
      lastModified: attrs ? new Date(attrs.mtime) : modified,
      attrs,
    });
    addParents(f.path);
  }
  for (const d of tree.emptyDirs) {
    dirs.add(d);
    addParents(d);
  }
  if (opts.folderObjects) {
    for (const d of dirs) {
      const key = `${d}/`;
      const attrs = attrsByPath[key];
      entries.set(key, {
        key,
        isDir: true,
        size: 0,
        segments: [],
        etag: DIRECTORY_ETAG,
        lastModified: attrs ? new Date(attrs.mtime) : modified,
        attrs,
      });
    }
  }
  const keys = [...entries.keys()].sort(compareUtf8);
  return {
    uuid: c.uuid,
    name: c.name ?? '',
    pdh: c.portable_data_hash,
    modifiedAt: c.modified_at,
    properties: c.properties ?? {},
    replicationDesired: c.replication_desired ?? null,
    storageClassesDesired: c.storage_classes_desired ?? [],
    keys,
    get: (key) => entries.get(key),
    isDir: (path) => dirs.has(path),
    fileCount: tree.files.length,
  };
}
