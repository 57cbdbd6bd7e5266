// Renders one workload's outcome as a text table: a row per server, a column per figure,
// keepgate's ratios to the peer and the ceiling on its primary figure, and the targets.
import type { WorkloadOutcome } from './outcome.js';
import { figure, figureNames } from './outcome.js';
import type { TargetResult } from './targets.js';

const MAX_ERROR_CHARS = 160;

export function formatNumber(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '-';
  const a = Math.abs(n);
  return a >= 100 ? n.toFixed(0) : a >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function columnsOf(outcome: WorkloadOutcome): Array<{ name: string; header: string }> {
  const known = outcome.metrics.map((m) => ({ name: m.name, header: `${m.name} (${m.unit})` }));
  const names = new Set(known.map((k) => k.name));
  const extra = [...outcome.rows.keys()].flatMap((row) => figureNames(outcome, row)).filter((n) => !names.has(n) && names.add(n));
  return [...known, ...extra.map((name) => ({ name, header: name }))];
}

function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || b === 0 ? '' : `${formatNumber(a / b)}x`;
}

function targetCell(targets: readonly TargetResult[]): string {
  if (targets.length === 0) return '';
  if (targets.some((t) => t.met === false)) return 'NOT MET';
  if (targets.some((t) => t.met === undefined)) return 'unknown';
  return 'met';
}

export function renderTable(outcome: WorkloadOutcome, targets: readonly TargetResult[]): string {
  const columns = columnsOf(outcome);
  const primary = columns[0]?.name;
  const header = ['server', ...columns.map((c) => c.header), 'kg/peer', 'kg/ceiling', 'targets'];
  const body: string[][] = [];
  const notes: string[] = [];
  for (const [row, result] of outcome.rows) {
    if (!result.ok) {
      notes.push(`  ${row}: ${result.error.replace(/\s+/g, ' ').slice(0, MAX_ERROR_CHARS)}`);
      body.push([row, 'error (below)', ...columns.slice(1).map(() => ''), '', '', row === 'keepgate' ? targetCell(targets) : '']);
      continue;
    }
    const cells = columns.map((c) => formatNumber(figure(outcome, row, c.name)));
    const isSubject = row === 'keepgate';
    const kg = primary === undefined ? undefined : figure(outcome, row, primary);
    const peer = primary === undefined ? undefined : figure(outcome, 's3rver', primary);
    const ceiling = primary === undefined ? undefined : figure(outcome, 'ceiling', primary);
    body.push([row, ...cells, isSubject ? ratio(kg, peer) : '', isSubject ? ratio(kg, ceiling) : '', isSubject ? targetCell(targets) : '']);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [`${outcome.name}: ${outcome.title}`, line(header), ...body.map(line), ...notes];
  for (const t of targets) out.push(`  target ${t.label}: ${t.met === undefined ? 'unknown' : t.met ? 'met' : 'NOT MET'} (${t.detail})`);
  return out.join('\n');
}
