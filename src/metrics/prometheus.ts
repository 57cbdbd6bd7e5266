// Metrics on a prom-client registry owned by this instance (never prom-client's global one),
// built from the METRICS table, rendered in the Prometheus text format for /metrics.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ThrottleStats } from '../common/throttle.js';
import type { ApiRequestEvent, BlockIoEvent, CacheLookupEvent, Metrics, S3RequestEvent, Sample } from './metrics.js';
import {
  labelDomains, METRIC_NAMES, METRICS, OTHER_LABEL_VALUE,
  type LabelName, type MetricName, type OpenLabelDomains, type PayloadModeLabel,
} from './names.js';

export interface PrometheusMetricsOptions {
  readonly labels: OpenLabelDomains;
  /** Node process and runtime metrics (prom-client defaults, unprefixed as dashboards expect). Default true. */
  readonly processMetrics?: boolean;
}

export interface RenderedMetrics {
  readonly contentType: string;
  readonly body: string;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;
type Labels = Partial<Record<LabelName, string>>;

export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly domains: ReadonlyMap<LabelName, ReadonlySet<string>>;
  private readonly metrics = new Map<MetricName, AnyMetric>();
  private readonly sources: {
    throttle?: Sample<ThrottleStats>;
    memSegmentBytes?: Sample<number>;
    multipartInProgress?: Sample<number>;
  } = {};

  constructor(opts: PrometheusMetricsOptions) {
    this.domains = new Map(Object.entries(labelDomains(opts.labels)).map(([k, v]) => [k as LabelName, new Set(v)]));
    const gauges: Partial<Record<MetricName, () => Promise<number | undefined>>> = {
      keepgate_keep_write_throttle_active: async () => (await read(this.sources.throttle))?.active,
      keepgate_keep_write_throttle_waiting: async () => (await read(this.sources.throttle))?.waiting,
      keepgate_keep_write_throttle_limit: async () => (await read(this.sources.throttle))?.limit,
      keepgate_mem_segment_bytes: () => read(this.sources.memSegmentBytes),
      keepgate_s3_multipart_uploads_in_progress: () => read(this.sources.multipartInProgress),
    };
    for (const name of METRIC_NAMES) this.metrics.set(name, create(this.registry, name, gauges[name]));
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  async render(): Promise<RenderedMetrics> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  s3Request(e: S3RequestEvent): void {
    const operation = this.label('operation', e.operation);
    this.counter('keepgate_s3_requests_total').inc({ operation, status_class: this.statusClass(e.status) });
    this.histogram('keepgate_s3_request_duration_seconds').observe({ operation }, e.durationSeconds);
    this.add('keepgate_s3_received_bytes_total', { operation }, e.bytesIn);
    this.add('keepgate_s3_sent_bytes_total', { operation }, e.bytesOut);
  }

  s3TimeToFirstByte(operation: string, seconds: number): void {
    this.histogram('keepgate_s3_time_to_first_byte_seconds').observe({ operation: this.label('operation', operation) }, seconds);
  }

  s3InFlight(operation: string, delta: 1 | -1): void {
    this.gauge('keepgate_s3_requests_in_flight').inc({ operation: this.label('operation', operation) }, delta);
  }

  authFailure(reason: string): void {
    this.counter('keepgate_s3_auth_failures_total').inc({ reason: this.label('reason', reason) });
  }

  checksumMismatch(algorithm: string): void {
    this.counter('keepgate_s3_checksum_mismatches_total').inc({ algorithm: this.label('algorithm', algorithm) });
  }

  payloadMode(mode: PayloadModeLabel): void {
    this.counter('keepgate_s3_payload_modes_total').inc({ mode: this.label('mode', mode) });
  }

  keepBlockRead(e: BlockIoEvent): void {
    this.blockIo(e, 'keepgate_keep_block_read_duration_seconds', 'keepgate_keep_block_read_bytes_total');
  }

  keepBlockWrite(e: BlockIoEvent): void {
    this.blockIo(e, 'keepgate_keep_block_write_duration_seconds', 'keepgate_keep_block_write_bytes_total');
  }

  throttleWait(seconds: number): void {
    this.histogram('keepgate_keep_write_throttle_wait_seconds').observe(seconds);
  }

  cacheLookup(e: CacheLookupEvent): void {
    this.counter('keepgate_cache_lookups_total').inc({ cache: this.label('cache', e.cache), result: this.label('result', e.hit ? 'hit' : 'miss') });
  }

  apiRequest(e: ApiRequestEvent): void {
    const endpoint = this.label('endpoint', e.endpoint);
    this.counter('keepgate_api_requests_total').inc({ endpoint, status_class: this.statusClass(e.status) });
    this.histogram('keepgate_api_request_duration_seconds').observe({ endpoint }, e.durationSeconds);
  }

  throttle(source: Sample<ThrottleStats>): void {
    this.sources.throttle = source;
  }

  memSegmentBytes(source: Sample<number>): void {
    this.sources.memSegmentBytes = source;
  }

  multipartInProgress(source: Sample<number>): void {
    this.sources.multipartInProgress = source;
  }

  private blockIo(e: BlockIoEvent, duration: MetricName, bytes: MetricName): void {
    this.histogram(duration).observe({ outcome: this.label('outcome', e.ok ? 'ok' : 'error') }, e.seconds);
    if (e.ok) this.add(bytes, {}, e.bytes);
  }

  /** The value if its label's domain has it, else OTHER_LABEL_VALUE: series stay bounded whatever callers pass. */
  private label(name: LabelName, value: string): string {
    return this.domains.get(name)?.has(value) ? value : OTHER_LABEL_VALUE;
  }

  private statusClass(status: number): string {
    return this.label('status_class', `${Math.floor(status / 100)}xx`);
  }

  /** Counters only go up: a negative, zero or non-finite amount (a caller's bug) is ignored, never thrown. */
  private add(name: MetricName, labels: Labels, amount: number): void {
    if (Number.isFinite(amount) && amount > 0) this.counter(name).inc(labels, amount);
  }

  private counter(name: MetricName): Counter<string> {
    return this.metrics.get(name) as Counter<string>;
  }

  private gauge(name: MetricName): Gauge<string> {
    return this.metrics.get(name) as Gauge<string>;
  }

  private histogram(name: MetricName): Histogram<string> {
    return this.metrics.get(name) as Histogram<string>;
  }
}

async function read<T>(source: Sample<T> | undefined): Promise<T | undefined> {
  return source === undefined ? undefined : source();
}

function create(registry: Registry, name: MetricName, sample: (() => Promise<number | undefined>) | undefined): AnyMetric {
  const spec = METRICS[name];
  const common = { name, help: spec.help, labelNames: [...spec.labels], registers: [registry] };
  switch (spec.type) {
    case 'counter':
      return new Counter(common);
    case 'histogram':
      return new Histogram({ ...common, buckets: [...spec.buckets] });
    case 'gauge':
      if (!sample) return new Gauge(common);
      return new Gauge({
        ...common,
        async collect() {
          // A failing source shows as NaN ("unknown") instead of failing the whole scrape.
          const value = await sample().catch(() => NaN);
          if (value !== undefined) this.set(value);
        },
      });
  }
}

/**
 * Serves `render()` as the body of GET /metrics. Access control (the management token) is
 * the listener's business: this answers whoever reaches it.
 */
export function metricsHandler(source: { render(): Promise<RenderedMetrics> }): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (_req, res) => {
    const { contentType, body } = await source.render();
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
}
