// BlockStore over a remote cluster's Keep services (keepstore and/or keepproxy): services come
// from a KeepServiceSource (discovery or a fixed list), each call acts with the token in its
// options, and every call is bounded by one deadline whatever its retries. Reads go through a
// KeepHttpClient over all services (rendezvous order, +K hints first, failover, retries, MD5
// check); writes reach the wanted replicas and storage classes with writeReplicas, one
// single-service KeepHttpClient per PUT.
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { DomainError } from '../common/errors.js';
import type { HashPool } from '../common/hash-pool.js';
import { noopMetrics, type Metrics } from '../metrics/metrics.js';
import { EMPTY_BLOCK_LOCATOR, MAX_BLOCK_SIZE, type BlockGetOptions, type BlockPutOptions, type BlockPutResult, type BlockStore } from './block-store.js';
import type { KeepServiceRecord, KeepServiceSet, KeepServiceSource } from './discovery.js';
import { KeepHttpClient } from './http-client.js';
import { probeOrder } from './rendezvous.js';
import { withDeadline } from './remote-deadline.js';
import { writeReplicas } from './remote-write.js';

export interface RemoteBlockStoreOptions {
  readonly services: KeepServiceSource;
  readonly hashPool: HashPool;
  /** Replicas wanted when a put names none (the cluster's defaultCollectionReplication). */
  readonly defaultReplicas: number;
  /**
   * Longest a whole get, head or put may take, retries included; also the longest wait for
   * response headers and for each stretch of a body.
   */
  readonly timeoutMs: number;
  /** Extra passes over services after transient failures (default 2, as the Go SDK). */
  readonly retries?: number;
  /** First pause between passes, doubled each pass (default 250 ms). */
  readonly backoffMs?: number;
  /** Shared connection pool (TLS settings, connection limits); undici's global one otherwise. */
  readonly dispatcher?: Dispatcher;
  readonly metrics?: Metrics;
}

const EMPTY_HASH = EMPTY_BLOCK_LOCATOR.slice(0, 32);

/** Clients for one service set: a reader over all services, a writer per service URL. */
interface ServiceClients {
  readonly set: KeepServiceSet;
  readonly reader: KeepHttpClient;
  readonly writers: Map<string, KeepHttpClient>;
}

export class RemoteBlockStore implements BlockStore {
  private readonly metrics: Metrics;
  /** Rebuilt when discovery hands out a new set. */
  private clients: ServiceClients | undefined;

  constructor(private readonly opts: RemoteBlockStoreOptions) {
    if (!Number.isInteger(opts.defaultReplicas) || opts.defaultReplicas < 1) throw new RangeError(`bad defaultReplicas ${opts.defaultReplicas}`);
    this.metrics = opts.metrics ?? noopMetrics;
  }

  async get(locator: string, opts: BlockGetOptions = {}): Promise<Buffer> {
    const started = performance.now();
    try {
      const data = await this.bounded(`Keep GET ${locator.slice(0, 32)}`, opts.token, (c) => c.reader.get(locator, opts));
      this.metrics.keepBlockRead({ bytes: data.length, seconds: (performance.now() - started) / 1000, ok: true });
      return data;
    } catch (err) {
      this.metrics.keepBlockRead({ bytes: 0, seconds: (performance.now() - started) / 1000, ok: false });
      throw err;
    }
  }

  head(locator: string, opts: BlockGetOptions = {}): Promise<number> {
    return this.bounded(`Keep HEAD ${locator.slice(0, 32)}`, opts.token, (c) => c.reader.head(locator, opts));
  }

  async put(data: Uint8Array, opts: BlockPutOptions = {}): Promise<BlockPutResult> {
    if (data.length > MAX_BLOCK_SIZE) throw new DomainError('TooLarge', `block of ${data.length} bytes exceeds ${MAX_BLOCK_SIZE}`);
    const replicas = opts.replicas ?? this.opts.defaultReplicas;
    const md5 = opts.md5 ?? (await this.opts.hashPool.md5(data));
    if (md5 === EMPTY_HASH && data.length === 0) return { locator: EMPTY_BLOCK_LOCATOR, replicas };
    const started = performance.now();
    try {
      const result = await this.bounded(`Keep PUT ${md5}`, opts.token, (c, signal) => {
        const services = probeOrder(md5, c.set.writable);
        if (services.length === 0) throw new DomainError('Unavailable', 'the cluster offers no writable Keep service');
        return writeReplicas({
          md5,
          token: opts.token,
          replicas,
          storageClasses: opts.storageClasses ?? [],
          services,
          onePutPerReplica: c.set.onePutPerReplica,
          putTo: (svc, putOpts) => this.writer(c.writers, svc).put(data, putOpts),
          retries: this.opts.retries ?? 2,
          backoffMs: this.opts.backoffMs ?? 250,
          signal,
        });
      });
      this.metrics.keepBlockWrite({ bytes: data.length, seconds: (performance.now() - started) / 1000, ok: true });
      return result;
    } catch (err) {
      this.metrics.keepBlockWrite({ bytes: 0, seconds: (performance.now() - started) / 1000, ok: false });
      throw err;
    }
  }

  /** Runs `work` with the current clients under the call's deadline (discovery included). */
  private bounded<T>(
    what: string,
    token: string | undefined,
    work: (c: ServiceClients, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    return withDeadline(this.opts.timeoutMs, what, async (signal) => work(this.clientsFor(await this.opts.services.services(token)), signal));
  }

  private clientsFor(set: KeepServiceSet): ServiceClients {
    if (this.clients?.set !== set) {
      this.clients = {
        set,
        reader: new KeepHttpClient({
          ...this.clientOptions(),
          services: set.readable,
          retries: this.opts.retries ?? 2,
          backoffMs: this.opts.backoffMs ?? 250,
        }),
        writers: new Map(),
      };
    }
    return this.clients;
  }

  private writer(writers: Map<string, KeepHttpClient>, svc: KeepServiceRecord): KeepHttpClient {
    let client = writers.get(svc.url);
    if (!client) {
      // No retries of its own: writeReplicas moves on to the next service and retries in passes.
      client = new KeepHttpClient({ ...this.clientOptions(), services: [svc], retries: 0 });
      writers.set(svc.url, client);
    }
    return client;
  }

  private clientOptions() {
    return {
      hashPool: this.opts.hashPool,
      timeoutMs: this.opts.timeoutMs,
      ...(this.opts.dispatcher && { dispatcher: this.opts.dispatcher }),
    };
  }
}
