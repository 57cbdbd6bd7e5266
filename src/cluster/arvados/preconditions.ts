// x_keepgate_preconditions for a server without the extension: the collection's current
// manifest is read just before the update and each condition checked against it, answering
// 412 as the embedded backend does. Unlike the embedded backend this is not atomic: another
// writer may change the path between the check and the update (README: remote mode).
import { ArvadosApiError, type ArvadosApi } from '../../arvados-api/api.js';
import type { CollectionWriteOptions } from '../../arvados-api/types.js';
import { parseManifest, type ManifestTree } from '../../manifest/index.js';

export type Preconditions = NonNullable<CollectionWriteOptions['x_keepgate_preconditions']>;

export async function checkPreconditions(api: ArvadosApi, token: string, uuid: string, conds: Preconditions): Promise<void> {
  if (Object.keys(conds).length === 0) return;
  const c = await api.getCollection(token, uuid, { select: ['uuid', 'unsigned_manifest_text'] });
  assertPreconditions(parseManifest(c.unsigned_manifest_text ?? ''), conds);
}

/** 412 unless every condition holds in `tree` ('' is the root directory). */
export function assertPreconditions(tree: ManifestTree, conds: Preconditions): void {
  const shape = treeShape(tree);
  for (const [path, cond] of Object.entries(conds)) {
    const state = shape.files.has(path) ? 'file' : shape.dirs.has(path) ? (shape.parents.has(path) ? 'dir' : 'emptydir') : 'absent';
    const ok = cond === 'absent' ? state === 'absent' : cond === 'not-dir' ? state === 'absent' || state === 'file' : state === 'emptydir';
    if (!ok) throw new ArvadosApiError(412, `Precondition failed: ${JSON.stringify(path)} is not ${cond === 'not-dir' ? 'a non-directory' : cond}`);
  }
}

interface TreeShape {
  readonly files: ReadonlySet<string>;
  /** Every directory, the root ('') included. */
  readonly dirs: ReadonlySet<string>;
  /** Directories with at least one child. */
  readonly parents: ReadonlySet<string>;
}

function treeShape(tree: ManifestTree): TreeShape {
  const files = new Set(tree.files.map((f) => f.path));
  const dirs = new Set<string>(['']);
  const parents = new Set<string>();
  for (const path of [...files, ...tree.emptyDirs]) {
    for (let cut = path.lastIndexOf('/'); ; cut = path.lastIndexOf('/', cut - 1)) {
      const parent = cut < 0 ? '' : path.slice(0, cut);
      parents.add(parent);
      if (dirs.has(parent)) break; // its own ancestors were added with it
      dirs.add(parent);
    }
  }
  for (const d of tree.emptyDirs) dirs.add(d);
  return { files, dirs, parents };
}
