// A directory: named children. Names are kept in a Map; listings and flushes sort them by
// their UTF-8 bytes (the order manifests and S3 listings use).
import { compareUtf8 } from '../common/utf8-order.js';
import type { FileNode } from './file-node.js';

export type FsNode = FileNode | DirNode;

export class DirNode {
  readonly kind = 'dir';
  readonly children = new Map<string, FsNode>();
  mtimeMs: number;

  constructor(mtimeMs: number) {
    this.mtimeMs = mtimeMs;
  }

  sortedNames(): string[] {
    return [...this.children.keys()].sort(compareUtf8);
  }
}
