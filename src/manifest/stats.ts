// The collection counters the API derives from a manifest (ARVADOS.md a.6): file_count
// (distinct paths; empty-directory markers are not files) and file_size_total.
import type { ManifestTree } from './types.js';

export function manifestStats(tree: ManifestTree): { fileCount: number; fileSizeTotal: number } {
  let fileSizeTotal = 0;
  for (const file of tree.files) for (const seg of file.segments) fileSizeTotal += seg.length;
  return { fileCount: tree.files.length, fileSizeTotal };
}
