// ArvadosApi over HTTP (undici): what the remote backend uses against a real Arvados
// controller, and what the contract suite points at the embedded backend's REST API.
// Idempotent calls (the GETs) are retried with backoff on network errors and 502/503/504;
// writes are retried only when the connection was never made, since a write whose reply was
// lost may have happened. Error replies become ArvadosApiError(status, errors); an API that
// cannot be reached becomes DomainError 'Unavailable'.

import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import { DomainError } from '../common/errors.js';
import { ArvadosApiError, type ArvadosApi, type GroupContentsParams } from './api.js';
import { apiBaseUrl, buildRequest, seg, type Params } from './request-encoding.js';
import type {
  ApiClientAuthorization, Collection, CollectionWriteOptions, Group, ItemList, KeepService, Link, ListParams, User,
} from './types.js';

export interface ArvadosHttpClientOptions {
  /** ARVADOS_API_HOST style: `host:port` (https) or a full `http(s)://…` URL. */
  readonly host: string;
  /** Skip TLS certificate verification (ARVADOS_API_HOST_INSECURE). */
  readonly insecure?: boolean;
  /** Longest wait for response headers, and for each stretch of body. Default 300 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  readonly retries?: number;
  /** First backoff delay, doubled each retry (with jitter). Default 250 ms. */
  readonly retryDelayMs?: number;
  /** Connections to the API host. Default 16. */
  readonly connections?: number;
  /** Use this dispatcher instead of an own pool (it is then not closed by close()). */
  readonly dispatcher?: Dispatcher;
}

const RETRY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);
/** The request never reached the server: safe to retry even a write. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
const NETWORK_CODES: ReadonlySet<string> = new Set([
  ...NOT_SENT_CODES, 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
]);
const MAX_BACKOFF_MS = 30_000;

interface CallOptions {
  readonly idempotent: boolean;
}

export class ArvadosHttpClient implements ArvadosApi {
  private readonly base: URL;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;

  constructor(opts: ArvadosHttpClientOptions) {
    this.base = apiBaseUrl(opts.host);
    this.timeoutMs = opts.timeoutMs ?? 300_000;
    this.retries = opts.retries ?? 3;
    this.retryDelayMs = opts.retryDelayMs ?? 250;
    this.ownsDispatcher = opts.dispatcher === undefined;
    this.dispatcher = opts.dispatcher ?? new Pool(this.base.origin, {
      connections: opts.connections ?? 16,
      connect: { rejectUnauthorized: !opts.insecure },
    });
  }

  /** The API base URL (ends in `/arvados/v1/`). */
  get baseUrl(): string {
    return this.base.href;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  currentToken(token: string): Promise<ApiClientAuthorization> {
    return this.get(token, 'api_client_authorizations/current');
  }
  getToken(token: string, uuid: string): Promise<ApiClientAuthorization> {
    return this.get(token, `api_client_authorizations/${seg(uuid)}`);
  }
  createToken(token: string, attrs: { owner_uuid?: string; scopes?: string[]; expires_at?: string | null }): Promise<ApiClientAuthorization> {
    return this.write(token, 'POST', 'api_client_authorizations', { api_client_authorization: attrs });
  }

  currentUser(token: string): Promise<User> {
    return this.get(token, 'users/current');
  }
  getUser(token: string, uuid: string): Promise<User> {
    return this.get(token, `users/${seg(uuid)}`);
  }
  createUser(token: string, attrs: Partial<Pick<User, 'email' | 'username' | 'first_name' | 'last_name' | 'is_admin'>>): Promise<User> {
    return this.write(token, 'POST', 'users', { user: attrs });
  }

  getCollection(token: string, uuidOrPdh: string, opts: { select?: string[]; include_trash?: boolean } = {}): Promise<Collection> {
    return this.get(token, `collections/${seg(uuidOrPdh)}`, opts);
  }
  listCollections(token: string, params: ListParams = {}): Promise<ItemList<Collection>> {
    return this.get(token, 'collections', params);
  }
  createCollection(token: string, attrs: Partial<Collection>, opts: CollectionWriteOptions = {}): Promise<Collection> {
    return this.write(token, 'POST', 'collections', { ...opts, collection: attrs });
  }
  updateCollection(token: string, uuid: string, attrs: Partial<Collection>, opts: CollectionWriteOptions = {}): Promise<Collection> {
    return this.write(token, 'PATCH', `collections/${seg(uuid)}`, { ...opts, collection: attrs });
  }
  trashCollection(token: string, uuid: string): Promise<Collection> {
    return this.write(token, 'DELETE', `collections/${seg(uuid)}`, {});
  }
  untrashCollection(token: string, uuid: string, opts: { ensure_unique_name?: boolean } = {}): Promise<Collection> {
    return this.write(token, 'POST', `collections/${seg(uuid)}/untrash`, opts);
  }

  getGroup(token: string, uuid: string, opts: { select?: string[]; include_trash?: boolean } = {}): Promise<Group> {
    return this.get(token, `groups/${seg(uuid)}`, opts);
  }
  listGroups(token: string, params: ListParams = {}): Promise<ItemList<Group>> {
    return this.get(token, 'groups', params);
  }
  groupContents(token: string, uuid: string, params: GroupContentsParams = {}): Promise<ItemList<Group | Collection>> {
    return this.get(token, `groups/${seg(uuid)}/contents`, params);
  }
  createGroup(token: string, attrs: Partial<Group>, opts: { ensure_unique_name?: boolean } = {}): Promise<Group> {
    return this.write(token, 'POST', 'groups', { ...opts, group: attrs });
  }
  updateGroup(token: string, uuid: string, attrs: Partial<Group>): Promise<Group> {
    return this.write(token, 'PATCH', `groups/${seg(uuid)}`, { group: attrs });
  }
  trashGroup(token: string, uuid: string): Promise<Group> {
    return this.write(token, 'DELETE', `groups/${seg(uuid)}`, {});
  }

  createLink(token: string, attrs: Pick<Link, 'link_class' | 'name' | 'tail_uuid' | 'head_uuid'>): Promise<Link> {
    return this.write(token, 'POST', 'links', { link: attrs });
  }
  deleteLink(token: string, uuid: string): Promise<Link> {
    return this.write(token, 'DELETE', `links/${seg(uuid)}`, {});
  }

  keepServices(token: string): Promise<ItemList<KeepService>> {
    return this.get(token, 'keep_services/accessible');
  }

  private get<T>(token: string, path: string, params: Params = {}): Promise<T> {
    return this.call(token, 'GET', path, params, { idempotent: true });
  }

  private write<T>(token: string, method: string, path: string, params: Params): Promise<T> {
    return this.call(token, method, path, params, { idempotent: false });
  }

  private async call<T>(token: string, method: string, path: string, params: Params, opts: CallOptions): Promise<T> {
    const wire = buildRequest(method, path, params);
    const request: Dispatcher.RequestOptions = {
      origin: this.base.origin,
      path: `${this.base.pathname}${wire.path}`,
      method: wire.method as Dispatcher.HttpMethod,
      headers: { ...wire.headers, authorization: `Bearer ${token}`, accept: 'application/json' },
      body: wire.body,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    };
    for (let attempt = 0; ; attempt++) {
      const retryable = attempt < this.retries;
      let status: number;
      let text: string;
      try {
        const res = await this.dispatcher.request(request);
        status = res.statusCode;
        text = await res.body.text();
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        const transient = typeof code === 'string' && (opts.idempotent ? NETWORK_CODES : NOT_SENT_CODES).has(code);
        if (transient && retryable) {
          await this.backoff(attempt);
          continue;
        }
        throw new DomainError('Unavailable', `Arvados API ${method} ${path}: ${(err as Error).message}`, { cause: err });
      }
      if (status >= 200 && status < 300) return parseReply<T>(method, path, text);
      if (opts.idempotent && RETRY_STATUSES.has(status) && retryable) {
        await this.backoff(attempt);
        continue;
      }
      throw errorFromReply(status, text);
    }
  }

  private backoff(attempt: number): Promise<void> {
    // Full doubling with 50-100% jitter, so clients that failed together do not retry together.
    const ms = Math.min(MAX_BACKOFF_MS, this.retryDelayMs * 2 ** attempt) * (0.5 + Math.random() / 2);
    return sleep(ms).then(() => undefined);
  }
}

function parseReply<T>(method: string, path: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DomainError('Unavailable', `Arvados API ${method} ${path}: reply is not JSON`);
  }
}

/** Arvados' `{"errors":[…]}`; anything else (a proxy's HTML page) keeps a short excerpt. */
function errorFromReply(status: number, text: string): ArvadosApiError {
  try {
    const body = JSON.parse(text) as { errors?: unknown; error?: unknown };
    if (Array.isArray(body.errors) && body.errors.length > 0) return new ArvadosApiError(status, body.errors.map(String));
    if (typeof body.error === 'string') return new ArvadosApiError(status, body.error);
  } catch {
    // not JSON: fall through
  }
  const excerpt = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new ArvadosApiError(status, `HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`);
}
