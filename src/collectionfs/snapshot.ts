// Snapshot / splice (ARVADOS.md g.7): a snapshot is a detached deep copy of a file or a
// directory subtree (in-memory bytes copied, stored segments shared as immutable values); each
// splice installs a fresh copy of it, so one snapshot can be spliced many times.
import { isDomainError } from '../common/errors.js';
import { DirNode, type FsNode } from './dir-node.js';
import { invalidPath } from './errors.js';
import { FileNode } from './file-node.js';
import { parsePath } from './paths.js';
import type { FileSegment } from './segments.js';
import type { Tree } from './tree.js';

export type SnapshotNode =
  | { readonly kind: 'file'; readonly segments: readonly FileSegment[] }
  | { readonly kind: 'dir'; readonly children: ReadonlyMap<string, SnapshotNode> };

/** A detached copy of part of a collection, made by CollectionFS.snapshot(). */
export class Snapshot {
  readonly root: SnapshotNode;
  constructor(root: SnapshotNode) {
    this.root = root;
  }
  get kind(): 'file' | 'dir' {
    return this.root.kind;
  }
}

function copySegments(segments: readonly FileSegment[]): FileSegment[] {
  return segments.map((s) => (s.kind === 'mem' ? s.clone() : s));
}

export function takeSnapshot(node: FsNode): Snapshot {
  const copy = (n: FsNode): SnapshotNode =>
    n.kind === 'file'
      ? { kind: 'file', segments: copySegments(n.segments) }
      : { kind: 'dir', children: new Map([...n.children].map(([name, child]) => [name, copy(child)])) };
  return new Snapshot(copy(node));
}

/** A live node built from a snapshot node (a new copy each time). */
function materialize(node: SnapshotNode, mtimeMs: number): FsNode {
  if (node.kind === 'file') return new FileNode(mtimeMs, copySegments(node.segments));
  const dir = new DirNode(mtimeMs);
  for (const [name, child] of node.children) dir.children.set(name, materialize(child, mtimeMs));
  return dir;
}

/**
 * Installs a copy of `snap` at `path`: a file snapshot replaces (or creates) a file below the
 * root; a directory snapshot replaces the children of the directory there (created if missing).
 */
export function spliceSnapshot(tree: Tree, path: string, snap: Snapshot, mtimeMs: number): void {
  const atRoot = parsePath(path).parts.length === 0;
  const copy = materialize(snap.root, mtimeMs);
  if (copy.kind === 'file') {
    if (atRoot) throw invalidPath(`splice ${path}`, 'cannot splice a file at the top level');
    tree.replaceFile(path, copy, 'splice');
    return;
  }
  const target = atRoot ? tree.root : existingDirOrNew(tree, path);
  target.children.clear();
  for (const [name, child] of copy.children) tree.attach(target, name, child);
}

function existingDirOrNew(tree: Tree, path: string): DirNode {
  try {
    return tree.lookupDir(path, 'splice');
  } catch (err) {
    if (isDomainError(err, 'NotFound')) return tree.mkdir(path);
    throw err;
  }
}
