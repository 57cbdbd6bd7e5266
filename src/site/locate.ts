// Key -> the collection and path it names. In a collection (or PDH) bucket the key is the
// path; in a project bucket the leading components walk subprojects, then a collection
// name, then the path inside that collection (DESIGN.md "Keys").

import type { ArvadosApi } from '../arvados-api/api.js';
import type { Collection, Group, Properties } from '../arvados-api/types.js';
import { TtlCache } from '../common/ttl-cache.js';
import { api } from './api-errors.js';
import type { BucketTarget } from './buckets.js';
import { SiteError } from './errors.js';
import type { Principal } from './principal.js';

export type KeyLocation =
  | { readonly kind: 'collection'; readonly id: string; readonly byPdh: boolean; readonly path: string }
  /** The key names a project (or the bucket's own project) itself: `sub/` placeholders. */
  | { readonly kind: 'project'; readonly uuid: string; readonly rest: string };

export type ProjectChild =
  | { readonly kind: 'collection'; readonly uuid: string; readonly name: string; readonly modifiedAt: string; readonly properties: Properties }
  | { readonly kind: 'project'; readonly uuid: string; readonly name: string; readonly modifiedAt: string; readonly properties: Properties };

export class ProjectWalker {
  private readonly children: TtlCache<string, ProjectChild | null>;

  constructor(private readonly deps: { api: ArvadosApi; now: () => number }) {
    this.children = new TtlCache({ ttlMs: 5_000, max: 10_000, now: deps.now });
  }

  /** The child of a project with this name (a subproject shadows nothing: collections win, as for buckets). */
  async child(p: Principal, projectUuid: string, name: string): Promise<ProjectChild | null> {
    const key = `${p.tokenUuid}\0${projectUuid}\0${name}`;
    const hit = this.children.get(key);
    if (hit !== undefined) return hit;
    const page = await api(
      this.deps.api.groupContents(p.token, projectUuid, {
        filters: [['name', '=', name]],
        select: ['uuid', 'name', 'group_class', 'modified_at', 'properties'],
        limit: 10,
        count: 'none',
      }),
      'NoSuchBucket',
    );
    const found = toChild(page.items);
    this.children.set(key, found);
    return found;
  }

  /** Every child of a project (listing), collections and subprojects. */
  async list(p: Principal, projectUuid: string): Promise<ProjectChild[]> {
    const out: ProjectChild[] = [];
    let last = '';
    for (;;) {
      const page = await api(
        this.deps.api.groupContents(p.token, projectUuid, {
          filters: last ? [['uuid', '>', last]] : [],
          select: ['uuid', 'name', 'group_class', 'modified_at', 'properties'],
          order: ['uuid'],
          limit: 1000,
          count: 'none',
        }),
        'NoSuchBucket',
      );
      if (page.items.length === 0) break;
      for (const item of page.items) {
        const c = toChild([item]);
        if (c && !c.name.includes('/')) out.push(c);
        last = item.uuid;
      }
    }
    return out;
  }

  forget(p: Principal, projectUuid: string, name: string): void {
    this.children.delete(`${p.tokenUuid}\0${projectUuid}\0${name}`);
  }
}

function toChild(items: ReadonlyArray<Group | Collection>): ProjectChild | null {
  const c = items.find((i): i is Collection => i.kind === 'arvados#collection');
  if (c) return { kind: 'collection', uuid: c.uuid, name: c.name, modifiedAt: c.modified_at, properties: c.properties ?? {} };
  const g = items.find((i): i is Group => i.kind === 'arvados#group' && i.group_class !== 'role');
  if (g) return { kind: 'project', uuid: g.uuid, name: g.name, modifiedAt: g.modified_at, properties: g.properties ?? {} };
  return null;
}

export async function locateKey(walker: ProjectWalker, p: Principal, bucket: BucketTarget, key: string): Promise<KeyLocation> {
  if (bucket.kind === 'collection') return { kind: 'collection', id: bucket.uuid, byPdh: false, path: key };
  if (bucket.kind === 'pdh') return { kind: 'collection', id: bucket.pdh, byPdh: true, path: key };
  let project = bucket.uuid;
  let rest = key;
  for (;;) {
    const slash = rest.indexOf('/');
    if (slash < 0) return { kind: 'project', uuid: project, rest };
    const child = await walker.child(p, project, rest.slice(0, slash));
    if (!child) throw new SiteError('NoSuchKey', 'The specified key does not exist.');
    rest = rest.slice(slash + 1);
    if (child.kind === 'collection') return { kind: 'collection', id: child.uuid, byPdh: false, path: rest };
    project = child.uuid;
  }
}
