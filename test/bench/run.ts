// `make bench`: keepgate, the peer (s3rver) and the ceiling servers measured side by side by one
// client, workload after workload; a table per workload on stdout, progress on stderr, every
// figure appended to test/bench/results/<timestamp>.jsonl. See test/bench/README.md.
//   node --import tsx test/bench/run.ts [--quick] [--only put_large,get_large] [--servers s3rver,ceiling]
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PayloadPool } from './lib/payload.js';
import { ProcessGroup } from './lib/processes.js';
import { ResultsFile, runIdentity } from './lib/results.js';
import { checkTargets } from './report/targets.js';
import type { TargetResult } from './report/targets.js';
import { renderTable } from './report/table.js';
import { Runner } from './runner.js';
import { SERVER_NAMES, startServer } from './servers/servers.js';
import type { BenchServer, ServerName } from './servers/servers.js';
import { sizesFor } from './sizes.js';
import { WORKLOADS } from './workloads/index.js';

const benchDir = import.meta.dirname;
const repoRoot = resolve(benchDir, '..', '..');
const startedAt = new Date();
const log = (message: string): void => {
  process.stderr.write(`[${((Date.now() - startedAt.getTime()) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
};

function listOption(value: string | undefined, known: readonly string[], what: string): Set<string> {
  const names = value === undefined ? known : value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) throw new Error(`unknown ${what}: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return new Set(names);
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, servers: { type: 'string' } },
  });
  const sizes = sizesFor({ quick: args.quick });
  const only = listOption(args.only, WORKLOADS.map((w) => w.name), 'workload');
  const wantedServers = listOption(args.servers, SERVER_NAMES, 'server') as Set<ServerName>;
  const workloads = WORKLOADS.filter((w) => only.has(w.name));
  const needed = SERVER_NAMES.filter((s) => wantedServers.has(s) && workloads.some((w) => w.kind === 'remote' && w.servers.includes(s)));

  const group = new ProcessGroup();
  const onSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping servers and removing temp dirs`);
    group.shutdownSync();
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal).once('exit', () => group.shutdownSync());

  const identity = runIdentity(repoRoot, { quick: sizes.quick, startedAt });
  const results = new ResultsFile(resolve(benchDir, 'results'), identity);
  log(`commit ${identity.commit.slice(0, 12)}${identity.dirty ? ' (dirty)' : ''}, ${identity.machine.cores} x ${identity.machine.cpu}, ${sizes.quick ? 'QUICK' : 'full'} run`);

  const load1 = loadavg()[0]!;
  if (load1 > 0.5) log(`warning: load average ${load1.toFixed(2)} before starting: other work is running, figures will be noisy`);

  const servers = new Map<ServerName, BenchServer | Error>();
  const startCtx = { group, repoRoot, benchDir };
  for (const name of needed) {
    log(`starting ${name}`);
    try {
      servers.set(name, await startServer(startCtx, name));
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      log(`${name} did not start: ${error.message.split('\n')[0]}`);
      servers.set(name, error);
    }
  }

  const runner = new Runner({ sizes, payload: new PayloadPool(), benchDir, group, servers, log });
  const unmet: string[] = [];
  try {
    for (const workload of workloads) {
      const outcome = await runner.run(workload);
      const targets = checkTargets(outcome);
      record(results, outcome, targets);
      console.log(`\n${renderTable(outcome, targets)}`);
      for (const t of targets) if (t.met !== true) unmet.push(`${outcome.name}: ${t.label}: ${t.met === false ? 'NOT MET' : 'unknown'} (${t.detail})`);
    }
  } finally {
    await runner.close();
    await group.shutdown();
  }
  console.log(`\n${unmet.length === 0 ? 'every target met' : `targets not met or unknown:\n  ${unmet.join('\n  ')}`}`);
  console.log(`results: ${results.path}`);
}

function record(results: ResultsFile, outcome: Awaited<ReturnType<Runner['run']>>, targets: readonly TargetResult[]): void {
  for (const [server, row] of outcome.rows) {
    if (!row.ok) {
      results.append({ kind: 'error', workload: outcome.name, server, error: row.error });
      continue;
    }
    for (const [metric, value] of Object.entries(row.figures)) {
      const spec = outcome.metrics.find((m) => m.name === metric);
      const better = spec?.better ?? guessBetter(metric);
      results.append({ kind: 'metric', workload: outcome.name, server, metric, unit: spec?.unit ?? '', better, value, runs: row.runs[metric] ?? [] });
    }
  }
  for (const t of targets) results.append({ kind: 'target', workload: outcome.name, server: 'keepgate', target: t.label, met: t.met ?? null, detail: t.detail });
}

/** For figures named by code we do not own (micro benchmarks): times and sizes are better low. */
function guessBetter(metric: string): 'higher' | 'lower' {
  return /(_ms|_ns|_us|rss|mib|bytes|seconds)$/i.test(metric) ? 'lower' : 'higher';
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
