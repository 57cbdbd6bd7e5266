// The neutral, in-memory form of a manifest: a flat list of files (each an ordered list of
// byte ranges of Keep blocks) plus the directories that are empty. Parsing produces it,
// marshalling consumes it; the collection filesystem and the embedded backend's per-file
// rows are both built from it.

export interface Segment {
  /** Block locator as found in the manifest (size hint required; other hints kept). */
  readonly locator: string;
  /** Offset of this range inside the block. */
  readonly offset: number;
  readonly length: number;
}

export interface FileEntry {
  /** Path inside the collection, '/'-separated, no leading or trailing '/' (e.g. `dir/a b.txt`). */
  readonly path: string;
  readonly segments: readonly Segment[];
}

export interface ManifestTree {
  readonly files: readonly FileEntry[];
  /** Directories with no children at all (they need a `\056` marker line), no trailing '/'. */
  readonly emptyDirs: readonly string[];
}
