// The targets of issue #5, checked against keepgate's row (and the peer's and ceilings' rows of
// the same run). A target whose figures are missing is "unknown", never "met".
import { figure, figureNames } from './outcome.js';
import type { WorkloadOutcome } from './outcome.js';

export interface TargetResult {
  readonly label: string;
  /** undefined: a figure it needs is missing (a row failed or code is not there yet). */
  readonly met: boolean | undefined;
  readonly detail: string;
}

interface Target {
  readonly label: string;
  check(outcome: WorkloadOutcome): TargetResult;
}

const SUBJECT = 'keepgate';
const PEER = 's3rver';
const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

function result(label: string, values: ReadonlyArray<number | undefined>, test: (v: number[]) => { met: boolean; detail: string }): TargetResult {
  if (values.some((v) => v === undefined)) return { label, met: undefined, detail: 'figures missing' };
  return { label, ...test(values as number[]) };
}

/** keepgate's figure >= factor x the peer's (higher is better). */
function timesPeer(name: string, factor: number): Target {
  const label = `${name} >= ${factor}x ${PEER}`;
  return {
    label,
    check: (o) =>
      result(label, [figure(o, SUBJECT, name), figure(o, PEER, name)], ([kg, peer]) => ({
        met: kg! >= factor * peer!,
        detail: `${fmt(kg!)} vs ${fmt(peer!)}: ${fmt(kg! / peer!)}x`,
      })),
  };
}

/** keepgate's duration <= the peer's / factor (lower is better). */
function fasterThanPeer(name: string, factor: number): Target {
  const label = `${name} ${factor}x faster than ${PEER}`;
  return {
    label,
    check: (o) =>
      result(label, [figure(o, SUBJECT, name), figure(o, PEER, name)], ([kg, peer]) => ({
        met: kg! * factor <= peer!,
        detail: `${fmt(kg!)} vs ${fmt(peer!)}: ${fmt(peer! / kg!)}x faster`,
      })),
  };
}

function aboveRow(name: string, row: string): Target {
  const label = `${name} above ${row}`;
  return {
    label,
    check: (o) =>
      result(label, [figure(o, SUBJECT, name), figure(o, row, name)], ([kg, other]) => ({
        met: kg! > other!,
        detail: `${fmt(kg!)} vs ${fmt(other!)}`,
      })),
  };
}

function bound(name: string | ((o: WorkloadOutcome) => string | undefined), op: '<' | '>=' | '<=', limit: number, label: string): Target {
  return {
    label,
    check: (o) => {
      const key = typeof name === 'string' ? name : name(o);
      return result(label, [key === undefined ? undefined : figure(o, SUBJECT, key)], ([v]) => ({
        met: op === '<' ? v! < limit : op === '<=' ? v! <= limit : v! >= limit,
        detail: `${key} = ${fmt(v!)}`,
      }));
    },
  };
}

/** The first keepgate figure whose name matches all patterns (micro benchmarks name their own). */
const matching = (...patterns: RegExp[]) => (o: WorkloadOutcome): string | undefined =>
  figureNames(o, SUBJECT).find((n) => patterns.every((p) => p.test(n)));

/**
 * Storage write: peak RSS of the largest file (issue #2: (throttle + 2) x 64 MiB + 150 MiB).
 * Figures are named `<size>.<field>` and the size itself says MiB, so only the field's own name
 * decides (`192MiB.peakRssBytes` is in bytes, not the figure wanted).
 */
function storageRss(o: WorkloadOutcome): string | undefined {
  const field = (n: string): string => n.slice(n.lastIndexOf('.') + 1);
  const names = figureNames(o, SUBJECT).filter((n) => /rss/i.test(field(n)) && /mib/i.test(field(n)));
  return names.sort((a, b) => parseFloat(b) * unit(b) - parseFloat(a) * unit(a))[0];
}
const unit = (name: string): number => (/^\d+GiB/.test(name) ? 1024 : 1);

const TARGETS: Readonly<Record<string, readonly Target[]>> = {
  put_large: [timesPeer('mb_s', 1.8), aboveRow('mb_s', 'ceiling-md5')],
  put_large_signed: [timesPeer('mb_s', 1.5)],
  get_large: [timesPeer('mb_s', 1.5)],
  multipart_large: [
    timesPeer('mb_s', 3),
    bound('complete_ms', '<', 50, 'Complete < 50 ms'),
    bound('peak_rss_mib', '<', 400, 'peak RSS < 400 MiB'),
  ],
  small_put: [timesPeer('ops_s', 2)],
  small_get: [timesPeer('ops_s', 3)],
  head: [timesPeer('ops_s', 4)],
  one_collection: [bound('last_vs_first', '>=', 0.7, 'last 1,000 >= 0.7x first 1,000')],
  list: [fasterThanPeer('full_ms', 10), bound('page10_vs_page1', '<=', 1.5, 'page 10 <= 1.5x page 1')],
  memory: [bound('peak_rss_mib', '<', 600, 'peak RSS < 600 MiB')],
  micro_manifest: [bound(matching(/parse/i, /mb/i), '>=', 100, 'parse >= 100 MB/s')],
  storage_write: [bound(storageRss, '<', (4 + 2) * 64 + 150, 'peak RSS < (4 + 2) x 64 + 150 MiB')],
};

export function checkTargets(outcome: WorkloadOutcome): TargetResult[] {
  return (TARGETS[outcome.name] ?? []).map((t) => t.check(outcome));
}
