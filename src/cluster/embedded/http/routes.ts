// The /arvados/v1/ route table: one line per endpoint, each handler a few lines that decode
// parameters (params.ts) and call the ArvadosApi method of the same name. Order matters
// where a literal segment shadows `:id` (groups/contents, users/current).

import type { ArvadosApi } from '../../../arvados-api/api.js';
import type { Link } from '../../../arvados-api/types.js';
import { collectionWriteOptions } from './collection-params.js';
import { badRequest } from './errors.js';
import { dropUndefined, type AttrScope, type ParamReader } from './params.js';
import {
  COLLECTIONS, CONTENTS_TABLES, CONTENTS_UNSELECTABLE, GROUPS, LINKS, TOKENS, USERS,
} from './resources.js';

export interface HandlerContext {
  readonly api: ArvadosApi;
  readonly token: string;
  readonly p: ParamReader;
  /** The `:id` path segment ('' on routes without one). */
  readonly id: string;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route {
  readonly method: Method;
  /** Segments after /arvados/v1/, `:id` matching any one segment. */
  readonly path: readonly string[];
  readonly handle: (ctx: HandlerContext) => Promise<unknown>;
}

const ONE_COLLECTION: AttrScope = { specs: [COLLECTIONS] };
const ONE_GROUP: AttrScope = { specs: [GROUPS] };
const CONTENTS: AttrScope = { specs: CONTENTS_TABLES, unselectable: CONTENTS_UNSELECTABLE };

const route = (method: Method, path: string, handle: Route['handle']): Route => ({ method, path: path.split('/'), handle });
/** Arvados takes PUT as a synonym of PATCH for updates. */
const update = (path: string, handle: Route['handle']): Route[] => [route('PATCH', path, handle), route('PUT', path, handle)];

const getOpts = (p: ParamReader, scope: AttrScope) => dropUndefined({ select: p.select(scope), include_trash: p.bool('include_trash') });

function contentsOf(ctx: HandlerContext, uuid: string) {
  return ctx.api.groupContents(ctx.token, uuid, dropUndefined({ ...ctx.p.listParams(CONTENTS), recursive: ctx.p.bool('recursive') }));
}

export const ROUTES: readonly Route[] = [
  route('GET', 'collections', (c) => c.api.listCollections(c.token, c.p.listParams(ONE_COLLECTION))),
  route('POST', 'collections', (c) =>
    c.api.createCollection(c.token, c.p.resourceAttrs(COLLECTIONS), collectionWriteOptions(c.p))),
  route('GET', 'collections/:id', (c) => c.api.getCollection(c.token, c.id, getOpts(c.p, ONE_COLLECTION))),
  ...update('collections/:id', (c) =>
    c.api.updateCollection(c.token, c.id, c.p.resourceAttrs(COLLECTIONS), collectionWriteOptions(c.p))),
  route('DELETE', 'collections/:id', (c) => c.api.trashCollection(c.token, c.id)),
  route('POST', 'collections/:id/trash', (c) => c.api.trashCollection(c.token, c.id)),
  route('POST', 'collections/:id/untrash', (c) =>
    c.api.untrashCollection(c.token, c.id, dropUndefined({ ensure_unique_name: c.p.bool('ensure_unique_name') }))),

  route('GET', 'groups', (c) => c.api.listGroups(c.token, c.p.listParams(ONE_GROUP))),
  route('POST', 'groups', (c) =>
    c.api.createGroup(c.token, c.p.resourceAttrs(GROUPS), dropUndefined({ ensure_unique_name: c.p.bool('ensure_unique_name') }))),
  route('GET', 'groups/contents', (c) => {
    const uuid = c.p.string('uuid');
    if (!uuid) throw badRequest('groups/contents needs a uuid parameter (a project or user uuid)');
    return contentsOf(c, uuid);
  }),
  route('GET', 'groups/:id/contents', (c) => contentsOf(c, c.id)),
  route('GET', 'groups/:id', (c) => c.api.getGroup(c.token, c.id, getOpts(c.p, ONE_GROUP))),
  ...update('groups/:id', (c) => c.api.updateGroup(c.token, c.id, c.p.resourceAttrs(GROUPS))),
  route('DELETE', 'groups/:id', (c) => c.api.trashGroup(c.token, c.id)),
  route('POST', 'groups/:id/trash', (c) => c.api.trashGroup(c.token, c.id)),

  route('GET', 'users/current', (c) => c.api.currentUser(c.token)),
  route('GET', 'users/:id', (c) => c.api.getUser(c.token, c.id)),
  route('POST', 'users', (c) => c.api.createUser(c.token, c.p.resourceAttrs(USERS))),

  route('GET', 'api_client_authorizations/current', (c) => c.api.currentToken(c.token)),
  route('GET', 'api_client_authorizations/:id', (c) => c.api.getToken(c.token, c.id)),
  route('POST', 'api_client_authorizations', (c) => c.api.createToken(c.token, c.p.resourceAttrs(TOKENS))),

  route('POST', 'links', (c) => c.api.createLink(c.token, linkAttrs(c.p))),
  route('DELETE', 'links/:id', (c) => c.api.deleteLink(c.token, c.id)),

  route('GET', 'keep_services/accessible', (c) => c.api.keepServices(c.token)),
];

const LINK_REQUIRED = ['link_class', 'name', 'tail_uuid', 'head_uuid'] as const;

function linkAttrs(p: ParamReader): Pick<Link, 'link_class' | 'name' | 'tail_uuid' | 'head_uuid'> {
  const attrs = p.resourceAttrs(LINKS);
  const missing = LINK_REQUIRED.filter((k) => attrs[k] === undefined);
  if (missing.length > 0) throw badRequest(`link needs ${missing.join(', ')}`);
  return attrs as unknown as Pick<Link, 'link_class' | 'name' | 'tail_uuid' | 'head_uuid'>;
}

export type RouteMatch = { route: Route; id: string } | { allowed: Method[] } | undefined;

/** The route for (method, segments); `allowed` when the path exists under other methods only. */
export function matchRoute(routes: readonly Route[], method: string, segments: readonly string[]): RouteMatch {
  const allowed: Method[] = [];
  for (const r of routes) {
    const id = matchPath(r.path, segments);
    if (id === undefined) continue;
    if (r.method === method) return { route: r, id };
    allowed.push(r.method);
  }
  return allowed.length > 0 ? { allowed } : undefined;
}

function matchPath(pattern: readonly string[], segments: readonly string[]): string | undefined {
  if (pattern.length !== segments.length) return undefined;
  let id = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] === ':id') id = segments[i]!;
    else if (pattern[i] !== segments[i]) return undefined;
  }
  return id;
}
