// The results file: one JSON object per line, appended as figures arrive, each carrying the run's
// identity (commit, machine, mode) so that two files can be compared line by line.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus, hostname, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

export interface RunIdentity {
  readonly run: string;
  readonly commit: string;
  readonly dirty: boolean;
  readonly quick: boolean;
  readonly machine: {
    readonly host: string;
    readonly cpu: string;
    readonly cores: number;
    readonly mem_gib: number;
    readonly kernel: string;
    readonly node: string;
  };
}

export type ResultLine =
  | {
      readonly kind: 'metric';
      readonly workload: string;
      readonly server: string;
      readonly metric: string;
      readonly unit: string;
      readonly better: 'higher' | 'lower';
      readonly value: number;
      readonly runs: readonly number[];
    }
  | { readonly kind: 'error'; readonly workload: string; readonly server: string; readonly error: string }
  | { readonly kind: 'target'; readonly workload: string; readonly server: string; readonly target: string; readonly met: boolean | null; readonly detail: string };

function git(repoRoot: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function runIdentity(repoRoot: string, options: { quick: boolean; startedAt: Date }): RunIdentity {
  return {
    run: options.startedAt.toISOString(),
    commit: git(repoRoot, ['rev-parse', 'HEAD']) || 'unknown',
    dirty: git(repoRoot, ['status', '--porcelain', '--untracked-files=no']) !== '',
    quick: options.quick,
    machine: {
      host: hostname(),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      mem_gib: Math.round(totalmem() / 2 ** 30),
      kernel: release(),
      node: process.version,
    },
  };
}

export class ResultsFile {
  readonly path: string;

  constructor(
    dir: string,
    private readonly identity: RunIdentity,
  ) {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, `${identity.run.replace(/[:.]/g, '-')}.jsonl`);
  }

  /** Also stamps the 1-minute load average: figures taken on a busy machine are suspect. */
  append(line: ResultLine): void {
    const load1 = Math.round(loadavg()[0]! * 100) / 100;
    appendFileSync(this.path, `${JSON.stringify({ ...this.identity, load1, ...line })}\n`);
  }
}
