// The directory tree the loader builds while reading a manifest, with the Go SDK's rules
// for placing a path (createFileAndParents): empty and `.` components are skipped, `..`
// climbs (never above the root), intermediate components become directories, and a name
// cannot be both a file and a directory.
import type { ManifestTree, Segment } from './types.js';

export interface LoadedFile {
  readonly path: string;
  readonly segments: Segment[];
}

/** A path could not be placed; the reason uses Go's error text. */
export class Refusal extends Error {}

export class DirNode {
  readonly children = new Map<string, DirNode | LoadedFile>();
  /** `path/`, or '' for the root: children's paths cost one concatenation. */
  readonly prefix: string;
  constructor(
    readonly path: string,
    readonly parent: DirNode | undefined,
  ) {
    this.prefix = path === '' ? '' : `${path}/`;
  }
}

export class TreeLoader {
  readonly root = new DirNode('', undefined);
  private readonly files: LoadedFile[] = [];
  private readonly dirs: DirNode[] = [];

  /** Follows the first `count` components of `parts` from `dir`, creating directories. */
  descend(dir: DirNode, parts: readonly string[], count: number): DirNode {
    let node = dir;
    for (let i = 0; i < count; i++) {
      const name = parts[i]!;
      if (name === '' || name === '.') continue;
      if (name === '..') {
        if (node.parent === undefined) throw new Refusal('invalid argument');
        node = node.parent;
        continue;
      }
      const child = node.children.get(name);
      if (child === undefined) {
        const created = new DirNode(node.prefix + name, node);
        node.children.set(name, created);
        this.dirs.push(created);
        node = created;
      } else if (child instanceof DirNode) {
        node = child;
      } else {
        throw new Refusal('file already exists');
      }
    }
    return node;
  }

  /**
   * Appends segments[0..count) (a buffer the caller reuses) to the file `name` inside `dir`,
   * which is created when new; later mentions append to it. Returns null, appending
   * nothing, for the `.` empty-directory marker. `name` must be a permitted name or `.`.
   */
  file(dir: DirNode, name: string, segments: readonly Segment[], count: number): LoadedFile | null {
    if (name === '.') return null;
    const existing = dir.children.get(name);
    if (existing === undefined) {
      // A copy of the buffer is exact-size; growing an empty array would reserve 17 slots.
      const created: LoadedFile = { path: dir.prefix + name, segments: segments.slice(0, count) };
      dir.children.set(name, created);
      this.files.push(created);
      return created;
    }
    if (existing instanceof DirNode) throw new Refusal('cannot rename file to overwrite existing directory');
    for (let i = 0; i < count; i++) existing.segments.push(segments[i]!);
    return existing;
  }

  finish(): ManifestTree {
    const emptyDirs = this.dirs.filter((d) => d.children.size === 0).map((d) => d.path);
    return { files: this.files, emptyDirs };
  }
}
