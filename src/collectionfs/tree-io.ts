// Between the neutral ManifestTree (what src/manifest parses and marshals) and the live tree.
import { DomainError } from '../common/errors.js';
import type { FileEntry, ManifestTree, Segment } from '../manifest/types.js';
import { FileNode } from './file-node.js';
import { storedSegment, type StoredSegment } from './segments.js';
import type { Tree } from './tree.js';

function checkedParts(path: string): string[] {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new DomainError('InvalidArgument', `invalid path in manifest tree: ${JSON.stringify(path)}`);
  }
  return parts;
}

/** Adds the files and empty directories of `manifest` to `tree` (repeated paths concatenate). */
export function loadTree(tree: Tree, manifest: ManifestTree, mtimeMs: number): void {
  try {
    for (const dir of manifest.emptyDirs) tree.mkdirAll(checkedParts(dir).join('/'));
    for (const entry of manifest.files) loadFile(tree, entry, mtimeMs);
  } catch (err) {
    if (err instanceof DomainError && err.kind !== 'InvalidArgument') {
      throw new DomainError('InvalidArgument', `manifest tree does not form a filesystem: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

function loadFile(tree: Tree, entry: FileEntry, mtimeMs: number): void {
  const parts = checkedParts(entry.path);
  const dir = tree.mkdirAll(parts.slice(0, -1).join('/'));
  const name = parts.at(-1)!;
  const segments = entry.segments.filter((s) => s.length > 0).map(storedSegment);
  const existing = dir.children.get(name);
  if (existing?.kind === 'dir') throw new DomainError('InvalidArgument', `${entry.path} is both a file and a directory`);
  if (existing) for (const seg of segments) existing.segments.push(seg);
  else tree.attach(dir, name, new FileNode(mtimeMs, segments));
}

/** Stored segments as manifest segments; DomainError 'Internal' if the file has unsaved bytes. */
export function manifestSegments(file: FileNode, path: string): Segment[] {
  return file.segments.map((s) => {
    if (s.kind === 'mem') throw new DomainError('Internal', `${path} has data not yet in Keep (sync first)`);
    return toSegment(s);
  });
}

export function toSegment(s: StoredSegment): Segment {
  return { locator: s.locator, offset: s.offset, length: s.length };
}

/** The tree as a ManifestTree (files in depth-first sorted order); requires a synced tree. */
export function toManifestTree(tree: Tree): ManifestTree {
  const files: FileEntry[] = [];
  const emptyDirs: string[] = [];
  for (const { dir, parts } of tree.dirs()) {
    if (dir.children.size === 0 && parts.length > 0) emptyDirs.push(parts.join('/'));
    for (const name of dir.sortedNames()) {
      const node = dir.children.get(name)!;
      if (node.kind !== 'file') continue;
      const path = [...parts, name].join('/');
      files.push({ path, segments: manifestSegments(node, path) });
    }
  }
  return { files, emptyDirs };
}
