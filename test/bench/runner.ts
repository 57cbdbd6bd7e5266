// Runs each workload against each of its servers (or in-process rows), one at a time: untimed
// prepare, then the measured runs, combined into one figure per metric. A failure (or a timeout)
// becomes that row's error text and the run goes on with the next row.
import type { PayloadPool } from './lib/payload.js';
import type { ProcessGroup } from './lib/processes.js';
import { BenchClient } from './lib/s3-client.js';
import { median } from './lib/stats.js';
import type { RowOutcome, WorkloadOutcome } from './report/outcome.js';
import type { BenchServer, ServerName } from './servers/servers.js';
import type { Sizes } from './sizes.js';
import type { Figures, LocalWorkload, MetricSpec, RemoteWorkload, Workload } from './workloads/types.js';
import { warmUp } from './workloads/warm-up.js';

export interface RunnerOptions {
  readonly sizes: Sizes;
  readonly payload: PayloadPool;
  readonly benchDir: string;
  readonly group: ProcessGroup;
  /** Each server that was asked for: started, or the error that kept it from starting. */
  readonly servers: ReadonlyMap<ServerName, BenchServer | Error>;
  log(message: string): void;
}

function errorText(err: unknown): string {
  if (err instanceof AggregateError) return err.errors.map(errorText).join('; ');
  if (err instanceof Error) return err.message + (err.cause instanceof Error ? ` (${err.cause.message})` : '');
  return String(err);
}

/** Combines per-run figures: the median, or the maximum for figures like peak RSS. */
export function combineRuns(runs: readonly Figures[], specs: readonly MetricSpec[]): { figures: Figures; runs: Record<string, number[]> } {
  const byName: Record<string, number[]> = {};
  for (const run of runs) for (const [name, value] of Object.entries(run)) (byName[name] ??= []).push(value);
  const figures: Figures = {};
  for (const [name, values] of Object.entries(byName)) {
    const combine = specs.find((s) => s.name === name)?.combine ?? 'median';
    figures[name] = combine === 'max' ? Math.max(...values) : median(values);
  }
  return { figures, runs: byName };
}

export class Runner {
  private readonly clients = new Map<ServerName, BenchClient>();
  private readonly states = new Map<ServerName, Map<string, unknown>>();
  private readonly warm = new Set<ServerName>();

  constructor(private readonly options: RunnerOptions) {}

  async run(workload: Workload): Promise<WorkloadOutcome> {
    const rows = new Map<string, RowOutcome>();
    if (workload.kind === 'remote') {
      for (const name of workload.servers) {
        const server = this.options.servers.get(name);
        if (server !== undefined) rows.set(name, await this.runRemote(workload, server));
      }
      return { name: workload.name, title: workload.title(this.options.sizes), metrics: workload.metrics, rows };
    }
    for (const row of workload.rows) rows.set(row, await this.runLocal(workload, row));
    return { name: workload.name, title: workload.title(this.options.sizes), metrics: workload.metrics(this.options.sizes), rows };
  }

  async close(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.destroy()));
    this.clients.clear();
  }

  private client(server: BenchServer): BenchClient {
    let client = this.clients.get(server.name);
    if (!client) {
      const { sizes } = this.options;
      const connections = Math.max(sizes.smallConcurrency, sizes.memoryUploads, sizes.partsInFlight, sizes.rangedGets);
      client = new BenchClient({ endpoint: server.endpoint, credentials: server.credentials, connections });
      this.clients.set(server.name, client);
    }
    return client;
  }

  private state(name: ServerName): Map<string, unknown> {
    let state = this.states.get(name);
    if (!state) this.states.set(name, (state = new Map()));
    return state;
  }

  private async runRemote(workload: RemoteWorkload, server: BenchServer | Error): Promise<RowOutcome> {
    if (server instanceof Error) return { ok: false, error: `server did not start: ${server.message}` };
    const dead = server.child.deadReason();
    if (dead !== undefined) return { ok: false, error: `${dead}: ${server.child.logTail(400)}` };
    const { sizes, payload, log } = this.options;
    const client = this.client(server);
    const ctx = { server, client, sizes, payload, state: this.state(server.name), log };
    const runs = workload.repeated ? sizes.runs : 1;
    try {
      const results = await this.withTimeout(server.name, async () => {
        if (!this.warm.has(server.name)) {
          log(`${server.name}: warm-up`);
          await warmUp(ctx);
          this.warm.add(server.name);
        }
        if (workload.prepare) {
          log(`${workload.name} ${server.name}: prepare`);
          await workload.prepare(ctx);
        }
        const figures: Figures[] = [];
        for (let run = 0; run < runs; run++) {
          log(`${workload.name} ${server.name}: run ${run + 1}/${runs}`);
          figures.push(await workload.measure(ctx, run));
        }
        return figures;
      });
      return { ok: true, ...combineRuns(results, workload.metrics) };
    } catch (err) {
      const died = server.child.deadReason();
      return { ok: false, error: errorText(err) + (died ? ` — ${died}: ${server.child.logTail(400)}` : '') };
    }
  }

  private async runLocal(workload: LocalWorkload, row: 'keepgate' | 'ceiling'): Promise<RowOutcome> {
    const { sizes, benchDir, group, log } = this.options;
    try {
      log(`${workload.name} ${row}`);
      const figures = await workload.measure({ row, sizes, benchDir, group, log });
      return { ok: true, ...combineRuns([figures], workload.metrics(sizes)) };
    } catch (err) {
      return { ok: false, error: errorText(err) };
    }
  }

  /** Aborts the server's in-flight requests (by dropping its client) when the workload overruns. */
  private async withTimeout<T>(name: ServerName, fn: () => Promise<T>): Promise<T> {
    const ms = this.options.sizes.workloadTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const client = this.clients.get(name);
        this.clients.delete(name);
        void client?.destroy();
        reject(new Error(`timed out after ${ms / 1000} s`));
      }, ms);
    });
    const work = fn();
    work.catch(() => undefined); // after a timeout its rejection is expected and already reported
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
