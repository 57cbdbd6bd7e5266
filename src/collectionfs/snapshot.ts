// Snapshot / splice (ARVADOS.md g.7): a snapshot is a detached deep copy of a file or a
// directory subtree (in-memory bytes copied, stored segments shared as immutable values); each
// splice installs a fresh copy of it, so one snapshot can be spliced many times.
import { DirNode, type FsNode } from './dir-node.js';
import { FileNode } from './file-node.js';
import type { FileSegment } from './segments.js';

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
export function materialize(node: SnapshotNode, mtimeMs: number): FsNode {
  if (node.kind === 'file') return new FileNode(mtimeMs, copySegments(node.segments));
  const dir = new DirNode(mtimeMs);
  for (const [name, child] of node.children) dir.children.set(name, materialize(child, mtimeMs));
  return dir;
}
