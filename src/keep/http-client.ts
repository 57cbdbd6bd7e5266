// BlockStore over the Keep HTTP API (keepstore/keepproxy, or keepgate's own handler), after the
// Go SDK's client (ARVADOS.md c.3): services probed in rendezvous order, retries with backoff
// on network errors, 408, 429 and 5xx except 507, and every GET body checked against the
// locator's size and MD5. One successful PUT is enough; spreading replicas over several
// services is left to the remote backend.
import { request, type Dispatcher } from 'undici';
import { DomainError, isDomainError } from '../common/errors.js';
import type { HashPool } from '../common/hash-pool.js';
import {
  EMPTY_BLOCK_LOCATOR,
  MAX_BLOCK_SIZE,
  type BlockGetOptions,
  type BlockPutOptions,
  type BlockPutResult,
  type BlockStore,
} from './block-store.js';
import { parseLocator, serviceHints, type Locator } from './locator.js';
import { probeOrder } from './rendezvous.js';
import { SignatureError } from './signature.js';

export interface KeepService {
  /** Root URL, e.g. `http://keep0.example:25107`. */
  readonly url: string;
  /** Service uuid for rendezvous ordering; the URL is used when absent. */
  readonly uuid?: string;
}

export interface KeepHttpClientOptions {
  readonly services: readonly KeepService[];
  readonly hashPool: HashPool;
  /** Token for calls whose options carry none. */
  readonly token?: string;
  /** Extra passes over the services after a pass that only met retryable failures (default 2). */
  readonly retries?: number;
  /** Delay before the first retry pass; doubles each pass, capped at 10× (default 250 ms). */
  readonly backoffMs?: number;
  /** Limit for response headers, and for each pause while a body moves (default 60 s). */
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
}

const EMPTY_HASH = EMPTY_BLOCK_LOCATOR.slice(0, 32);

/** One service failed this request; `retry` says whether a later pass may try it again. */
class ServiceFailure extends Error {
  readonly error: DomainError;
  readonly retry: boolean;
  constructor(error: DomainError, opts: { retry: boolean }) {
    super(error.message, { cause: error });
    this.error = error;
    this.retry = opts.retry;
  }
}

type Service = KeepService & { readonly uuid: string };
type Response = Dispatcher.ResponseData;

export class KeepHttpClient implements BlockStore {
  private readonly services: readonly Service[];
  private readonly opts: KeepHttpClientOptions;

  constructor(opts: KeepHttpClientOptions) {
    if (opts.services.length === 0) throw new RangeError('KeepHttpClient needs at least one service');
    this.services = opts.services.map((s) => ({ ...s, url: s.url.replace(/\/+$/, ''), uuid: s.uuid ?? s.url }));
    this.opts = opts;
  }

  async put(data: Uint8Array, opts: BlockPutOptions = {}): Promise<BlockPutResult> {
    if (data.length > MAX_BLOCK_SIZE) throw new DomainError('TooLarge', `block of ${data.length} bytes exceeds ${MAX_BLOCK_SIZE}`);
    const md5 = opts.md5 ?? (await this.opts.hashPool.md5(data));
    if (md5 === EMPTY_HASH && data.length === 0) return { locator: EMPTY_BLOCK_LOCATOR, replicas: opts.replicas ?? 1 };
    const headers: Record<string, string> = { ...this.auth(opts.token), 'content-type': 'application/octet-stream' };
    if (opts.replicas !== undefined) headers['x-keep-desired-replicas'] = String(opts.replicas);
    if (opts.storageClasses?.length) headers['x-keep-storage-classes'] = opts.storageClasses.join(', ');
    return this.tryServices(md5, [], async (svc) => {
      const res = await this.send(svc, 'PUT', md5, { headers, body: data });
      if (res.statusCode !== 200) throw await this.failure(res, 'put');
      const locator = (await res.body.text()).trim();
      if (!locator.startsWith(`${md5}+`)) throw new ServiceFailure(new DomainError('Unavailable', `bad PUT reply from ${svc.url}`), { retry: true });
      const stored = Number(res.headers['x-keep-replicas-stored']);
      const classes = parseClasses(res.headers['x-keep-storage-classes-confirmed']);
      return { locator, replicas: Number.isInteger(stored) && stored > 0 ? stored : 1, ...(classes && { storageClasses: classes }) };
    });
  }

  async get(locator: string, opts: BlockGetOptions = {}): Promise<Buffer> {
    const loc = parseLocator(locator, { grammar: 'keepstore' });
    if (loc.hash === EMPTY_HASH) return Buffer.alloc(0);
    return this.tryServices(loc.hash, preferredServices(loc), async (svc) => {
      const res = await this.send(svc, 'GET', locator, { headers: this.auth(opts.token) });
      if (res.statusCode !== 200) throw await this.failure(res, 'get');
      const body = await readBody(res, loc.size);
      const checked = await this.opts.hashPool.md5Owned(body);
      if (checked.md5 !== loc.hash || (loc.size !== undefined && checked.buf.length !== loc.size)) {
        throw new ServiceFailure(new DomainError('Corrupt', `block ${loc.hash} from ${svc.url} failed verification`), { retry: false });
      }
      return checked.buf;
    });
  }

  async head(locator: string, opts: BlockGetOptions = {}): Promise<number> {
    const loc = parseLocator(locator, { grammar: 'keepstore' });
    if (loc.hash === EMPTY_HASH) return 0;
    return this.tryServices(loc.hash, preferredServices(loc), async (svc) => {
      const res = await this.send(svc, 'HEAD', locator, { headers: this.auth(opts.token) });
      if (res.statusCode !== 200) throw await this.failure(res, 'head');
      await res.body.dump();
      const size = Number(res.headers['content-length']);
      if (!Number.isSafeInteger(size)) throw new ServiceFailure(new DomainError('Unavailable', `no Content-Length from ${svc.url}`), { retry: true });
      return size;
    });
  }

  /** Runs `attempt` on services in probe order until one succeeds, with retry passes. */
  private async tryServices<T>(hash: string, preferred: readonly string[], attempt: (svc: Service) => Promise<T>): Promise<T> {
    let live = probeOrder(hash, this.services, preferred);
    const failures: ServiceFailure[] = [];
    const retries = this.opts.retries ?? 2;
    const backoff = this.opts.backoffMs ?? 250;
    for (let pass = 0; ; pass++) {
      const again: Service[] = [];
      for (const svc of live) {
        try {
          return await attempt(svc);
        } catch (err) {
          if (isDomainError(err)) throw err; // permanent: signature, auth, bad request
          const failure = err instanceof ServiceFailure ? err : networkFailure(err, svc);
          failures.push(failure);
          if (failure.retry) again.push(svc);
        }
      }
      if (again.length === 0 || pass >= retries) break;
      await new Promise((r) => setTimeout(r, Math.min(backoff * 2 ** pass, backoff * 10)));
      live = again;
    }
    throw finalError(failures);
  }

  private async send(svc: Service, method: 'GET' | 'HEAD' | 'PUT', path: string, req: { headers: Record<string, string>; body?: Uint8Array }): Promise<Response> {
    const timeout = this.opts.timeoutMs ?? 60_000;
    return request(`${svc.url}/${path}`, {
      method,
      headers: req.headers,
      body: req.body,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      ...(this.opts.dispatcher && { dispatcher: this.opts.dispatcher }),
    });
  }

  private auth(token: string | undefined): Record<string, string> {
    const t = token ?? this.opts.token;
    return t === undefined ? {} : { authorization: `Bearer ${t}` };
  }

  /** Maps a non-200 reply: permanent errors are thrown as DomainErrors, others as ServiceFailure. */
  private async failure(res: Response, op: 'put' | 'get' | 'head'): Promise<Error> {
    const text = op === 'head' ? '' : (await res.body.text().catch(() => '')).trim();
    if (op === 'head') await res.body.dump().catch(() => {});
    const status = res.statusCode;
    const detail = `${status}${text ? ` ${text}` : ''}`;
    if (status === 408 || status === 429 || (status >= 500 && status !== 507)) {
      const kind = status === 502 && /checksum/.test(text) ? 'Corrupt' : 'Unavailable';
      return new ServiceFailure(new DomainError(kind, `keep service error: ${detail}`), { retry: kind === 'Unavailable' });
    }
    if (status === 507) return new ServiceFailure(new DomainError('Unavailable', 'keep service full'), { retry: false });
    if (status === 404) return new ServiceFailure(new DomainError('NotFound', 'block not found'), { retry: false });
    if (status === 401) return /expired/.test(text) ? new SignatureError('expired') : new DomainError('Unauthorized', `keep: ${detail}`);
    if (status === 403) return new DomainError('PermissionDenied', `keep: ${detail}`);
    if (status === 413) return new DomainError('TooLarge', `keep: ${detail}`);
    // keepstore answers HEAD with 400 only for signature problems and bad locators.
    if (status === 400 && (op === 'head' || /signature/.test(text))) return new SignatureError('invalid');
    return new DomainError('InvalidArgument', `keep: ${detail}`);
  }
}

/** Reads a GET body, refusing anything longer than the size hint (or a block). */
async function readBody(res: Response, size: number | undefined): Promise<Buffer> {
  const limit = size ?? MAX_BLOCK_SIZE;
  const declared = Number(res.headers['content-length']);
  const expected = Number.isSafeInteger(declared) && declared <= limit ? declared : limit;
  const out = Buffer.allocUnsafeSlow(expected); // owned, so md5Owned can hash it without a copy
  let n = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (n + chunk.length > expected) {
      res.body.destroy();
      throw new ServiceFailure(new DomainError('Corrupt', 'block longer than expected'), { retry: false });
    }
    chunk.copy(out, n);
    n += chunk.length;
  }
  return n === expected ? out : out.subarray(0, n);
}

function networkFailure(err: unknown, svc: Service): ServiceFailure {
  return new ServiceFailure(new DomainError('Unavailable', `keep service ${svc.url} unreachable: ${(err as Error)?.message}`, { cause: err }), {
    retry: true,
  });
}

/** Retryable trouble wins (try later), then corruption, then "not found" everywhere. */
function finalError(failures: readonly ServiceFailure[]): DomainError {
  const latest = [...failures].reverse();
  const pick = (match: (f: ServiceFailure) => boolean): DomainError | undefined => latest.find(match)?.error;
  return (
    pick((f) => f.retry) ??
    pick((f) => f.error.kind === 'Corrupt') ??
    pick((f) => f.error.kind === 'NotFound') ??
    latest[0]?.error ??
    new DomainError('Unavailable', 'no keep service answered')
  );
}

/** `+K@<service uuid>` hints name services to try first. */
function preferredServices(loc: Locator): string[] {
  return serviceHints(loc).flatMap((h) => (h.kind === 'service' ? [h.uuid] : []));
}

function parseClasses(header: string | string[] | undefined): Record<string, number> | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const out: Record<string, number> = {};
  for (const part of header.split(',')) {
    const [name, count] = part.split('=').map((s) => s.trim());
    const n = Number(count);
    if (name && Number.isInteger(n)) out[name] = n;
  }
  return out;
}
