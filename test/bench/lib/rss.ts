// Server peak RSS during one workload: VmRSS sampled every 50 ms from /proc/<pid>/status, and
// VmHWM (the kernel's own high-water mark, exact) after resetting it through clear_refs when the
// kernel lets us. The peak reported is the larger of the two.
import { readFile, writeFile } from 'node:fs/promises';

const SAMPLE_MS = 50;

export interface RssPeak {
  readonly peakMiB: number;
  /** True when VmHWM was reset at the start, so it covers this workload only. */
  readonly hwmExact: boolean;
}

async function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/status`, 'utf8');
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // the process is gone or not Linux
  }
}

/** Measures the peak RSS of pid while fn runs. */
export async function withPeakRss<T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; rss: RssPeak }> {
  // "5" resets the peak RSS counter (proc(5), /proc/pid/clear_refs).
  const hwmExact = await writeFile(`/proc/${pid}/clear_refs`, '5').then(
    () => true,
    () => false,
  );
  let maxKiB = (await statusKiB(pid, 'VmRSS')) ?? 0;
  let sampling: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => {
      maxKiB = Math.max(maxKiB, (await statusKiB(pid, 'VmRSS')) ?? 0);
    });
  }, SAMPLE_MS);
  try {
    const result = await fn();
    return { result, rss: await finish() };
  } finally {
    clearInterval(timer);
  }

  async function finish(): Promise<RssPeak> {
    clearInterval(timer);
    await sampling;
    const hwm = hwmExact ? ((await statusKiB(pid, 'VmHWM')) ?? 0) : 0;
    return { peakMiB: Math.max(maxKiB, hwm) / 1024, hwmExact };
  }
}
