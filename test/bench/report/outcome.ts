// What one workload produced: per row (server), its combined figures or the error that stopped it.
import type { Figures, MetricSpec } from '../workloads/types.js';

export type RowOutcome =
  | { readonly ok: true; readonly figures: Figures; readonly runs: Readonly<Record<string, readonly number[]>> }
  | { readonly ok: false; readonly error: string };

export interface WorkloadOutcome {
  readonly name: string;
  readonly title: string;
  readonly metrics: readonly MetricSpec[];
  /** Row name (server) -> outcome, in display order. */
  readonly rows: ReadonlyMap<string, RowOutcome>;
}

/** The value of a figure in a row, if that row succeeded and has it. */
export function figure(outcome: WorkloadOutcome, row: string, name: string): number | undefined {
  const r = outcome.rows.get(row);
  const value = r?.ok ? r.figures[name] : undefined;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

export function figureNames(outcome: WorkloadOutcome, row: string): string[] {
  const r = outcome.rows.get(row);
  return r?.ok ? Object.keys(r.figures) : [];
}
