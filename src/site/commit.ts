// The one way a file lands in a collection: an atomic replace_files that splices the new
// segments in at the target path together with the file's sidecar attributes (Arvados'
// server-side merge under a row lock), so concurrent writers never lose each other's files
// and a failure changes nothing.

import { ArvadosApiError } from '../arvados-api/api.js';
import type { FileAttrs } from '../arvados-api/types.js';
import { marshalManifest } from '../manifest/index.js';
import type { Segment } from '../manifest/types.js';
import { fromApiError } from './api-errors.js';
import type { SiteContext } from './context.js';
import { SiteError } from './errors.js';
import type { Principal } from './principal.js';

const SOURCE = 'f';

export interface CommitFile {
  readonly collection: string; // uuid
  readonly path: string; // no leading '/'
  readonly segments: readonly Segment[];
  readonly attrs: FileAttrs;
  /** 'absent' for create-only writes (If-None-Match: *); default refuses to replace a directory. */
  readonly require?: 'absent' | 'not-dir';
}

export async function commitFile(ctx: SiteContext, p: Principal, c: CommitFile): Promise<void> {
  const manifest = marshalManifest({ files: [{ path: SOURCE, segments: c.segments }], emptyDirs: [] });
  const require = c.require ?? 'not-dir';
  try {
    const after = await ctx.api.updateCollection(p.token, c.collection, { manifest_text: manifest }, {
      replace_files: { [`/${c.path}`]: `manifest_text/${SOURCE}` },
      x_keepgate_file_attrs: { [c.path]: c.attrs },
      x_keepgate_preconditions: { [c.path]: require },
      select: ['uuid', 'modified_at', 'version', 'properties'],
    });
    ctx.collections.applyOwnWrite(p, c.collection, after, (index) => index.putFile(c.path, c.segments, c.attrs));
  } catch (err) {
    if (err instanceof ArvadosApiError && err.status === 412) {
      throw require === 'absent'
        ? new SiteError('PreconditionFailed', 'At least one of the preconditions you specified did not hold.')
        : new SiteError('InvalidArgument', 'object name conflicts with existing directory');
    }
    throw conflictOr(err);
  }
}

/** Creates a directory (and its parents); an existing directory is fine. */
export async function commitDirectory(ctx: SiteContext, p: Principal, collection: string, path: string): Promise<'created' | 'exists'> {
  const manifest = marshalManifest({ files: [], emptyDirs: [SOURCE] });
  try {
    const after = await ctx.api.updateCollection(p.token, collection, { manifest_text: manifest }, {
      replace_files: { [`/${path}`]: `manifest_text/${SOURCE}` },
      x_keepgate_preconditions: { [path]: 'absent' },
      select: ['uuid', 'modified_at', 'version', 'properties'],
    });
    ctx.collections.applyOwnWrite(p, collection, after, (index) => index.putDir(path, new Date(ctx.now())));
    return 'created';
  } catch (err) {
    if (err instanceof ArvadosApiError && err.status === 412) return 'exists';
    throw conflictOr(err);
  }
}

/** Removes a file, or an empty directory; anything else at the path is left alone. */
export async function commitRemoval(
  ctx: SiteContext, p: Principal, collection: string, path: string, what: 'file' | 'empty-dir',
): Promise<'removed' | 'unchanged'> {
  try {
    const after = await ctx.api.updateCollection(p.token, collection, {}, {
      replace_files: { [`/${path}`]: '' },
      x_keepgate_file_attrs: { [what === 'file' ? path : `${path}/`]: null },
      x_keepgate_preconditions: { [path]: what === 'file' ? 'not-dir' : 'empty-dir' },
      select: ['uuid', 'modified_at', 'version', 'properties'],
    });
    ctx.collections.applyOwnWrite(p, collection, after, (index) => (what === 'file' ? index.removeFile(path) : index.removeDir(path)));
    return 'removed';
  } catch (err) {
    if (err instanceof ArvadosApiError && err.status === 412) return 'unchanged';
    throw fromApiError(err, 'NoSuchBucket');
  }
}

function conflictOr(err: unknown): Error {
  const mapped = fromApiError(err, 'NoSuchBucket');
  if (mapped instanceof SiteError && mapped.reason === 'InvalidArgument') {
    return new SiteError('InvalidArgument', 'object name conflicts with existing object', { cause: err });
  }
  return mapped;
}
