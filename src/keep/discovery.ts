// Which Keep services a client talks to (ARVADOS.md c.1). The list comes from the cluster's
// `keep_services/accessible` through an injected function (keep/ knows nothing of the API),
// is refreshed every 5 minutes, and 3 s after a failed refresh, as the Go SDK does. A stale
// list keeps being used while a refresh runs in the background, so requests never wait on
// discovery except the very first. An override list (ARVADOS_KEEP_SERVICES style) skips
// discovery entirely.
import { DomainError } from '../common/errors.js';

export interface KeepServiceRecord {
  /** Service uuid (rendezvous order); any stable id for services without one. */
  readonly uuid: string;
  /** Root URL without a trailing slash, e.g. `https://keep0.example:25107`. */
  readonly url: string;
  /** 'disk' (keepstore), 'proxy' (keepproxy) or another Arvados service type. */
  readonly type: string;
  readonly readOnly: boolean;
}

export interface KeepServiceSet {
  /** Every distinct service (reads may go anywhere). */
  readonly readable: readonly KeepServiceRecord[];
  readonly writable: readonly KeepServiceRecord[];
  /**
   * True when every writable service is a keepstore: one PUT stores one replica, so a client
   * spreads replicas over services itself. Otherwise (a proxy) one PUT is sent at a time and
   * the service reports how many replicas it made.
   */
  readonly onePutPerReplica: boolean;
}

/** Where a Keep client gets its services; the token is the caller's, for the lookup. */
export interface KeepServiceSource {
  services(token: string | undefined): Promise<KeepServiceSet>;
}

/** Builds a set: duplicate URLs dropped (first wins), trailing slashes trimmed. */
export function keepServiceSet(records: readonly KeepServiceRecord[]): KeepServiceSet {
  const byUrl = new Map<string, KeepServiceRecord>();
  for (const r of records) {
    const url = r.url.replace(/\/+$/, '');
    if (!byUrl.has(url)) byUrl.set(url, { ...r, url });
  }
  const readable = [...byUrl.values()];
  const writable = readable.filter((s) => !s.readOnly);
  return { readable, writable, onePutPerReplica: writable.length > 0 && writable.every((s) => s.type === 'disk') };
}

/**
 * A fixed list of service URLs. Like the Go SDK with ARVADOS_KEEP_SERVICES they count as
 * proxies: one PUT at a time, each trusted for the replicas it reports.
 */
export function fixedKeepServices(urls: readonly string[]): KeepServiceSource {
  if (urls.length === 0) throw new RangeError('fixedKeepServices needs at least one URL');
  const set = keepServiceSet(urls.map((url, i) => ({ uuid: `00000-bi6l4-${String(i).padStart(15, '0')}`, url, type: 'proxy', readOnly: false })));
  return { services: () => Promise.resolve(set) };
}

export interface KeepDiscoveryOptions {
  /** Lists the services (e.g. GET keep_services/accessible); failures are DomainErrors. */
  readonly list: (token: string | undefined) => Promise<readonly KeepServiceRecord[]>;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Default 5 minutes. */
  readonly refreshMs?: number;
  /** After a failed refresh, default 3 s. */
  readonly retryMs?: number;
}

export class KeepServiceDiscovery implements KeepServiceSource {
  private current: KeepServiceSet | undefined;
  private nextRefresh = 0;
  private loading: Promise<KeepServiceSet> | undefined;

  constructor(private readonly opts: KeepDiscoveryOptions) {}

  async services(token: string | undefined): Promise<KeepServiceSet> {
    if (this.current && this.opts.now() < this.nextRefresh) return this.current;
    const loading = this.refresh(token);
    if (!this.current) return loading;
    loading.catch(() => {}); // the old list serves meanwhile; the next call after retryMs tries again
    return this.current;
  }

  /** One refresh at a time; callers arriving meanwhile share it. */
  private refresh(token: string | undefined): Promise<KeepServiceSet> {
    this.loading ??= this.load(token).finally(() => (this.loading = undefined));
    return this.loading;
  }

  private async load(token: string | undefined): Promise<KeepServiceSet> {
    try {
      const set = keepServiceSet(await this.opts.list(token));
      if (set.readable.length === 0) throw new DomainError('Unavailable', 'the cluster lists no Keep services');
      this.current = set;
      this.nextRefresh = this.opts.now() + (this.opts.refreshMs ?? 300_000);
      return set;
    } catch (err) {
      this.nextRefresh = this.opts.now() + (this.opts.retryMs ?? 3_000);
      throw err;
    }
  }
}
