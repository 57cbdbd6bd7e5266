// What a workload is and what it gets to run with.
import type { PayloadPool } from '../lib/payload.js';
import type { ProcessGroup } from '../lib/processes.js';
import type { BenchClient } from '../lib/s3-client.js';
import type { BenchServer, ServerName } from '../servers/servers.js';
import type { Sizes } from '../sizes.js';

/** One measurement's figures, metric name -> value. */
export type Figures = Record<string, number>;

export interface MetricSpec {
  readonly name: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  /** How runs combine: the median (throughput, latency) or the maximum (peak RSS). */
  readonly combine: 'median' | 'max';
}

export interface RemoteContext {
  readonly server: BenchServer;
  readonly client: BenchClient;
  readonly sizes: Sizes;
  readonly payload: PayloadPool;
  /** Per server, what earlier workloads left behind (e.g. the large object's key). */
  readonly state: Map<string, unknown>;
  log(message: string): void;
}

/** A workload run over S3 against each server it lists. */
export interface RemoteWorkload {
  readonly kind: 'remote';
  readonly name: string;
  readonly title: (sizes: Sizes) => string;
  /** The first one is the primary figure: ratios are computed on it. */
  readonly metrics: readonly MetricSpec[];
  readonly servers: readonly ServerName[];
  /** Measured sizes.runs times (median) when true, once otherwise. */
  readonly repeated: boolean;
  /** Untimed setup, once per server. */
  prepare?(ctx: RemoteContext): Promise<void>;
  measure(ctx: RemoteContext, run: number): Promise<Figures>;
}

export type LocalRow = 'keepgate' | 'ceiling';

export interface LocalContext {
  readonly row: LocalRow;
  readonly sizes: Sizes;
  readonly benchDir: string;
  readonly group: ProcessGroup;
  log(message: string): void;
}

/** A workload run in the harness's own process (micro benchmarks, storage writes). */
export interface LocalWorkload {
  readonly kind: 'local';
  readonly name: string;
  readonly title: (sizes: Sizes) => string;
  /** Known figures (primary first); other numbers the measured code returns are shown too. */
  readonly metrics: (sizes: Sizes) => readonly MetricSpec[];
  readonly rows: readonly LocalRow[];
  measure(ctx: LocalContext): Promise<Figures>;
}

export type Workload = RemoteWorkload | LocalWorkload;

export function metric(name: string, unit: string, options: { better?: 'higher' | 'lower'; combine?: 'median' | 'max' } = {}): MetricSpec {
  return { name, unit, better: options.better ?? 'higher', combine: options.combine ?? 'median' };
}
