// Compares two results files (two commits, or before/after a change):
//   node --import tsx test/bench/compare.ts a.jsonl b.jsonl [--server keepgate] [--threshold 5]
// Prints every figure present in either file with its value in a and b and the change, marked
// "better"/"worse" when it moved by more than the threshold (percent) in the metric's direction.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatNumber } from './report/table.js';

interface MetricLine {
  readonly kind: 'metric';
  readonly commit: string;
  readonly dirty: boolean;
  readonly quick: boolean;
  readonly workload: string;
  readonly server: string;
  readonly metric: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly value: number;
}

interface ResultsSummary {
  readonly label: string;
  readonly figures: Map<string, MetricLine>;
  readonly errors: Map<string, string>;
}

function load(file: string): ResultsSummary {
  const figures = new Map<string, MetricLine>();
  const errors = new Map<string, string>();
  let label = file;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    const line = JSON.parse(text) as { kind: string; commit: string; dirty: boolean; quick: boolean; workload: string; server: string; error?: string };
    label = `${line.commit.slice(0, 12)}${line.dirty ? '+dirty' : ''}${line.quick ? ' QUICK' : ''}`;
    if (line.kind === 'metric') {
      const m = line as MetricLine;
      figures.set(`${m.workload}\t${m.server}\t${m.metric}`, m); // a later line for the same figure wins
    } else if (line.kind === 'error') errors.set(`${line.workload}\t${line.server}`, line.error ?? '');
  }
  return { label, figures, errors };
}

function main(): void {
  const { values: opts, positionals } = parseArgs({
    allowPositionals: true,
    options: { server: { type: 'string' }, threshold: { type: 'string', default: '5' } },
  });
  const [fileA, fileB] = positionals;
  if (fileA === undefined || fileB === undefined) {
    console.error('usage: node --import tsx test/bench/compare.ts a.jsonl b.jsonl [--server keepgate] [--threshold 5]');
    process.exitCode = 2;
    return;
  }
  const a = load(fileA);
  const b = load(fileB);
  const threshold = Number(opts.threshold) / 100;
  const keys = [...new Set([...a.figures.keys(), ...b.figures.keys()])].filter((k) => !opts.server || k.split('\t')[1] === opts.server);
  const rows: string[][] = [['workload', 'server', 'metric', `a: ${a.label}`, `b: ${b.label}`, 'b/a', '']];
  for (const key of keys) {
    const [workload = '', server = '', metric = ''] = key.split('\t');
    const va = a.figures.get(key);
    const vb = b.figures.get(key);
    const change = va && vb && va.value !== 0 ? vb.value / va.value : undefined;
    const better = (vb ?? va)?.better ?? 'higher';
    let verdict = '';
    if (change !== undefined && Math.abs(change - 1) > threshold) verdict = (change > 1) === (better === 'higher') ? 'better' : 'worse';
    const missing = (s: ResultsSummary, v: MetricLine | undefined): string => (v ? formatNumber(v.value) : s.errors.has(`${workload}\t${server}`) ? 'error' : '-');
    rows.push([workload, server, metric, missing(a, va), missing(b, vb), change === undefined ? '' : `${change.toFixed(2)}x`, verdict]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd());
}

main();
