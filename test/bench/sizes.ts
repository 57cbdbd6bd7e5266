// Workload sizes: the full run (issue #5) and QUICK (about 10x smaller, one run each).
import { MiB } from './lib/payload.js';

export interface Sizes {
  readonly quick: boolean;
  /** Repetitions of throughput measurements; their median is reported. */
  readonly runs: number;
  readonly largeBytes: number;
  readonly partBytes: number;
  readonly partsInFlight: number;
  readonly rangedGets: number;
  readonly rangeBytes: number;
  readonly smallBytes: number;
  readonly smallCount: number;
  readonly smallConcurrency: number;
  readonly collectionPuts: number;
  readonly collectionWindow: number;
  readonly collectionBytes: number;
  readonly listKeys: number;
  readonly listDirs: number;
  readonly listPageKeys: number;
  readonly memoryUploads: number;
  readonly memoryBytes: number;
  readonly manifestFiles: number;
  readonly storageWriteBytes: readonly number[];
  /** A workload on one server that takes longer than this is aborted and reported as failed. */
  readonly workloadTimeoutMs: number;
}

const FULL: Sizes = {
  quick: false,
  runs: 3,
  largeBytes: 1024 * MiB,
  partBytes: 16 * MiB,
  partsInFlight: 4,
  rangedGets: 4,
  rangeBytes: 64 * MiB,
  smallBytes: 4096,
  smallCount: 2000,
  smallConcurrency: 16,
  collectionPuts: 10_000,
  collectionWindow: 1000,
  collectionBytes: 1024,
  listKeys: 10_000,
  listDirs: 100,
  listPageKeys: 1000,
  memoryUploads: 8,
  memoryBytes: 512 * MiB,
  manifestFiles: 100_000,
  storageWriteBytes: [512 * MiB, 2048 * MiB],
  workloadTimeoutMs: 10 * 60_000,
};

const QUICK: Sizes = {
  ...FULL,
  quick: true,
  runs: 1,
  largeBytes: 96 * MiB,
  rangeBytes: 8 * MiB,
  smallCount: 200,
  collectionPuts: 1000,
  collectionWindow: 100,
  listKeys: 1000,
  listDirs: 10,
  listPageKeys: 100,
  memoryBytes: 48 * MiB,
  manifestFiles: 10_000,
  storageWriteBytes: [64 * MiB, 192 * MiB],
  workloadTimeoutMs: 60_000,
};

export function sizesFor(options: { quick: boolean }): Sizes {
  return options.quick ? QUICK : FULL;
}

/** 1073741824 -> "1 GiB", 4096 -> "4 KiB". */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [['GiB', 1024 * MiB], ['MiB', MiB], ['KiB', 1024]] as const) {
    if (bytes >= size && bytes % (size / 8) === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} B`;
}
