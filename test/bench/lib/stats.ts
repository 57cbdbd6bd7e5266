// Small numeric and scheduling helpers shared by the workloads.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export function nowMs(): number {
  return performance.now();
}

/** Milliseconds taken by fn. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = nowMs();
  await fn();
  return nowMs() - start;
}

export function mbPerSecond(bytes: number, ms: number): number {
  return bytes / 1e6 / (ms / 1000);
}

/**
 * Runs task(0..count-1) with at most `concurrency` in flight; returns each task's latency in ms.
 * The first failure stops new tasks from starting and is rethrown once in-flight ones settle.
 */
export async function runConcurrent(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<number[]> {
  const latencies = new Array<number>(count);
  let next = 0;
  let failure: unknown;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < count) {
      const index = next++;
      const start = nowMs();
      try {
        await task(index);
      } catch (err) {
        failure ??= err;
        return;
      }
      latencies[index] = nowMs() - start;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure !== undefined) throw failure;
  return latencies;
}
