// keepgate's two API extensions (x_keepgate_file_attrs, x_keepgate_preconditions) exist on the
// embedded backend only; a real Arvados controller rejects the attribute in `select` and
// silently ignores unknown update parameters, so they must never reach it. The mode is
// configured: 'on' (the server is keepgate's embedded backend), 'off' (a real Arvados), or
// 'auto', which asks the server once, on the first call that would use them, whether a
// collection list may select x_keepgate_file_attrs (the embedded backend says yes, Arvados
// answers 400/422), and remembers a clear answer.
import { ArvadosApiError, type ArvadosApi } from '../../arvados-api/api.js';
import type { CollectionWriteOptions } from '../../arvados-api/types.js';

export type ExtensionMode = 'auto' | 'on' | 'off';

export const FILE_ATTRS = 'x_keepgate_file_attrs';

export class ExtensionSupport {
  private known: boolean | undefined;
  private probing: Promise<boolean> | undefined;

  constructor(
    mode: ExtensionMode,
    private readonly probe: (token: string) => Promise<boolean>,
  ) {
    if (mode !== 'auto') this.known = mode === 'on';
  }

  /** 'unknown' until an 'auto' probe got a clear answer. */
  get state(): 'on' | 'off' | 'unknown' {
    return this.known === undefined ? 'unknown' : this.known ? 'on' : 'off';
  }

  /** Whether the server takes the extensions; probes with the caller's token if nobody has yet. */
  async enabled(token: string): Promise<boolean> {
    if (this.known !== undefined) return this.known;
    // An unclear probe (bad token, cluster down) fails this call and leaves the question open.
    this.probing ??= this.probe(token)
      .then((yes) => (this.known = yes))
      .finally(() => (this.probing = undefined));
    return this.probing;
  }
}

/** The probe: true if the server accepts x_keepgate_file_attrs in a collection list's select. */
export async function probeFileAttrs(api: ArvadosApi, token: string): Promise<boolean> {
  try {
    await api.listCollections(token, { select: ['uuid', FILE_ATTRS], limit: 1, count: 'none' });
    return true;
  } catch (err) {
    if (err instanceof ArvadosApiError && (err.status === 400 || err.status === 422)) return false;
    throw err;
  }
}

export const selectsExtension = (select: readonly string[] | undefined): boolean => select?.includes(FILE_ATTRS) ?? false;

export const usesWriteExtension = (opts: CollectionWriteOptions): boolean =>
  opts.x_keepgate_file_attrs !== undefined || opts.x_keepgate_preconditions !== undefined || selectsExtension(opts.select);

/** `select` without the extension attribute (undefined stays undefined; nothing left selects the uuid). */
export function plainSelect(select: string[] | undefined): string[] | undefined {
  const rest = select?.filter((a) => a !== FILE_ATTRS);
  return rest?.length === 0 ? ['uuid'] : rest;
}

/** Write options a plain Arvados accepts: the extension parameters dropped. */
export function plainWriteOptions(opts: CollectionWriteOptions): CollectionWriteOptions {
  const { x_keepgate_file_attrs: _attrs, x_keepgate_preconditions: _conds, ...rest } = opts;
  const select = plainSelect(rest.select);
  return { ...rest, ...(select && { select }) };
}
