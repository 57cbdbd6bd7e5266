// The directory tree and its namespace operations: lookup, mkdir, remove, rename, create.
// Lookups of something that cannot exist (missing, or below a file) fail with NotFound;
// changes that clash with an existing file or directory fail with Conflict.
import { isDomainError } from '../common/errors.js';
import { DirNode, type FsNode } from './dir-node.js';
import { FileNode } from './file-node.js';
import { alreadyExists, invalidPath, isADirectory, notADirectory, notEmpty, notExist } from './errors.js';
import { endsInDots, parsePath } from './paths.js';

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export interface CreateFileOptions {
  /** Fail with Conflict if the file already exists. */
  readonly exclusive?: boolean;
}

export class Tree {
  readonly root: DirNode;
  private readonly clock: Clock;

  constructor(clock: Clock, root?: DirNode) {
    this.clock = clock;
    this.root = root ?? new DirNode(clock.now());
  }

  lookup(path: string, op: string): FsNode {
    const { parts } = parsePath(path);
    const what = `${op} ${path}`;
    if (parts.length === 0) return this.root;
    const dir = this.walkDir(parts, parts.length - 1, what, 'NotFound');
    const node = dir.children.get(parts.at(-1)!);
    if (!node) throw notExist(what);
    return node;
  }

  lookupFile(path: string, op: string): FileNode {
    const node = this.lookup(path, op);
    if (node.kind === 'dir') throw isADirectory(`${op} ${path}`);
    return node;
  }

  lookupDir(path: string, op: string): DirNode {
    const node = this.lookup(path, op);
    if (node.kind === 'file') throw notADirectory(`${op} ${path}`);
    return node;
  }

  /** Opens a file for writing, creating it (not its parents) if needed. */
  createFile(path: string, opts: CreateFileOptions = {}): FileNode {
    const what = `create ${path}`;
    const { parts } = parsePath(path);
    if (parts.length === 0) throw isADirectory(what);
    const dir = this.walkDir(parts, parts.length - 1, what, 'Conflict');
    const name = parts.at(-1)!;
    const existing = dir.children.get(name);
    if (existing?.kind === 'dir') throw isADirectory(what);
    if (existing && opts.exclusive) throw alreadyExists(what);
    if (existing) return existing;
    const file = new FileNode(this.clock.now());
    this.attach(dir, name, file);
    return file;
  }

  /** Puts `node` at `path` (parent must exist), replacing a file but never a directory. */
  replaceFile(path: string, node: FileNode, op: string): void {
    const what = `${op} ${path}`;
    const { parts } = parsePath(path);
    if (parts.length === 0) throw isADirectory(what);
    const dir = this.walkDir(parts, parts.length - 1, what, 'Conflict');
    const name = parts.at(-1)!;
    if (dir.children.get(name)?.kind === 'dir') throw isADirectory(what);
    this.attach(dir, name, node);
  }

  mkdir(path: string): DirNode {
    const what = `mkdir ${path}`;
    const { parts } = parsePath(path);
    if (parts.length === 0) throw alreadyExists(what);
    const parent = this.walkDir(parts, parts.length - 1, what, 'Conflict');
    const name = parts.at(-1)!;
    if (parent.children.has(name)) throw alreadyExists(what);
    const dir = new DirNode(this.clock.now());
    this.attach(parent, name, dir);
    return dir;
  }

  /** Creates the directory and any missing parents; existing directories are fine. */
  mkdirAll(path: string): DirNode {
    let dir = this.root;
    for (const name of parsePath(path).parts) {
      const child = dir.children.get(name);
      if (child?.kind === 'file') throw notADirectory(`mkdir ${path}`);
      if (child) {
        dir = child;
        continue;
      }
      const created = new DirNode(this.clock.now());
      this.attach(dir, name, created);
      dir = created;
    }
    return dir;
  }

  /** Removes a file or an empty directory. */
  remove(path: string): void {
    const { dir, name, what } = this.target(path, 'remove');
    const node = dir.children.get(name);
    if (!node) throw notExist(what);
    if (node.kind === 'dir' && node.children.size > 0) throw notEmpty(what);
    this.detach(dir, name);
  }

  /** Removes a file or a whole subtree; nothing to remove is not an error. */
  removeAll(path: string): void {
    let parent;
    try {
      parent = this.target(path, 'removeAll');
    } catch (err) {
      if (isDomainError(err, 'NotFound')) return;
      throw err;
    }
    if (parent.dir.children.has(parent.name)) this.detach(parent.dir, parent.name);
  }

  /**
   * Moves a file or directory. `new/` (ending in '/') means "into that directory under the same
   * name"; an existing file at the target is replaced, an existing directory is not.
   */
  rename(oldPath: string, newPath: string): void {
    const what = `rename ${oldPath} ${newPath}`;
    const from = parsePath(oldPath);
    const to = parsePath(newPath);
    if (from.parts.length === 0 || endsInDots(from) || from.dirForm || endsInDots(to)) throw invalidPath(what);
    const oldName = from.parts.at(-1)!;
    const newParts = to.dirForm ? [...to.parts, oldName] : to.parts;
    const oldDir = this.walkDir(from.parts, from.parts.length - 1, what, 'NotFound');
    const newDir = this.walkDir(newParts, newParts.length - 1, what, 'Conflict');
    const newName = newParts.at(-1)!;
    const node = oldDir.children.get(oldName);
    if (!node) throw notExist(what);
    if (node.kind === 'dir' && this.pathDirs(newParts).includes(node)) throw invalidPath(what); // into its own subtree
    const existing = newDir.children.get(newName);
    if (existing === node) return;
    if (existing?.kind === 'dir') throw isADirectory(what);
    this.detach(oldDir, oldName);
    this.attach(newDir, newName, node);
  }

  /** Every directory node in the subtree, with its path parts, parents before children. */
  *dirs(start: DirNode = this.root, parts: string[] = []): Generator<{ dir: DirNode; parts: string[] }> {
    yield { dir: start, parts };
    for (const name of start.sortedNames()) {
      const child = start.children.get(name)!;
      if (child.kind === 'dir') yield* this.dirs(child, [...parts, name]);
    }
  }

  /** Every node, the root included, in no particular order (cheaper than dirs()). */
  *nodes(): Generator<FsNode> {
    const stack: FsNode[] = [this.root];
    for (let node = stack.pop(); node; node = stack.pop()) {
      yield node;
      if (node.kind === 'dir') for (const child of node.children.values()) stack.push(child);
    }
  }

  attach(dir: DirNode, name: string, node: FsNode): void {
    dir.children.set(name, node);
    dir.mtimeMs = this.clock.now();
  }

  private detach(dir: DirNode, name: string): void {
    dir.children.delete(name);
    dir.mtimeMs = this.clock.now();
  }

  /** Parent directory and name of a path that may be removed (not the root, not '.'/'..'). */
  private target(path: string, op: string): { dir: DirNode; name: string; what: string } {
    const what = `${op} ${path}`;
    const parsed = parsePath(path);
    if (parsed.parts.length === 0 || endsInDots(parsed)) throw invalidPath(what);
    const dir = this.walkDir(parsed.parts, parsed.parts.length - 1, what, 'NotFound');
    return { dir, name: parsed.parts.at(-1)!, what };
  }

  /** The directory reached by the first `n` components. */
  private walkDir(parts: readonly string[], n: number, what: string, fileKind: 'NotFound' | 'Conflict'): DirNode {
    let dir = this.root;
    for (let i = 0; i < n; i++) {
      const child = dir.children.get(parts[i]!);
      if (!child) throw notExist(what);
      if (child.kind === 'file') throw notADirectory(what, fileKind);
      dir = child;
    }
    return dir;
  }

  /** The directories on the way to the parent of `parts` (root first), as far as they exist. */
  private pathDirs(parts: readonly string[]): DirNode[] {
    const out = [this.root];
    let dir = this.root;
    for (const name of parts.slice(0, -1)) {
      const child = dir.children.get(name);
      if (child?.kind !== 'dir') break;
      out.push(child);
      dir = child;
    }
    return out;
  }
}
