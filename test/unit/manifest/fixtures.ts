// Loads the shared Arvados test vectors (see ../shared/fixtures/arvados/README.md) and
// small helpers to compare trees with their `files`/`dirs` fields.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ManifestTree } from '../../../src/manifest/index.js';

export function fixture<T>(name: string): T {
  const path = resolve(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'arvados', name);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export interface FileSize {
  path: string;
  size: number;
}

export function fileSizes(tree: ManifestTree): FileSize[] {
  return tree.files
    .map((f) => ({ path: f.path, size: f.segments.reduce((n, s) => n + s.length, 0) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** Every directory of the tree (ancestors of files and of empty dirs), as `path/`. */
export function allDirs(tree: ManifestTree): string[] {
  const dirs = new Set<string>();
  const addAncestors = (path: string, includeSelf: boolean): void => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length + (includeSelf ? 1 : 0); i++) dirs.add(`${parts.slice(0, i).join('/')}/`);
  };
  for (const f of tree.files) addAncestors(f.path, false);
  for (const d of tree.emptyDirs) addAncestors(d, true);
  return [...dirs].sort();
}
