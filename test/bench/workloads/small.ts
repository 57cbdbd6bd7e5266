// Small objects at concurrency: PUT, GET and HEAD of 4 KiB objects — ops/s, p50, p99.
import { nowMs, percentile, runConcurrent } from '../lib/stats.js';
import { formatBytes } from '../sizes.js';
import type { Sizes } from '../sizes.js';
import { metric } from './types.js';
import type { Figures, RemoteContext, RemoteWorkload } from './types.js';

const BUCKET = 'bench-small';
const WRITTEN = 'small/written'; // state: the key prefix of the last complete small_put run
const ALL = ['keepgate', 's3rver', 'ceiling'] as const;
const METRICS = [
  metric('ops_s', 'ops/s'),
  metric('p50_ms', 'ms', { better: 'lower' }),
  metric('p99_ms', 'ms', { better: 'lower' }),
];

const keyOf = (prefix: string, i: number): string => `${prefix}/obj-${String(i).padStart(5, '0')}`;

/** Runs op on every object index at the configured concurrency; ops/s over the wall time. */
async function measureOps(sizes: Sizes, op: (i: number) => Promise<unknown>): Promise<Figures> {
  const start = nowMs();
  const latencies = await runConcurrent(sizes.smallCount, sizes.smallConcurrency, op);
  const wallMs = nowMs() - start;
  return { ops_s: sizes.smallCount / (wallMs / 1000), p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99) };
}

async function writeAll(ctx: RemoteContext, run: number): Promise<Figures> {
  const { smallBytes: size, smallCount } = ctx.sizes;
  const prefix = `small/run-${run}`;
  const bodies = Array.from({ length: smallCount }, (_, i) => ctx.payload.small({ size, seed: 100_000 + run * smallCount + i }));
  const figures = await measureOps(ctx.sizes, (i) => ctx.client.put(BUCKET, keyOf(prefix, i), bodies[i]!, { size }));
  ctx.state.set(WRITTEN, prefix);
  return figures;
}

/** The objects small_get and head read: small_put's, or written now (untimed) if it failed. */
async function ensureWritten(ctx: RemoteContext): Promise<string> {
  const prefix = ctx.state.get(WRITTEN);
  if (typeof prefix === 'string') return prefix;
  await ctx.client.createBucket(BUCKET);
  await writeAll(ctx, 99);
  return ctx.state.get(WRITTEN) as string;
}

export const smallPut: RemoteWorkload = {
  kind: 'remote',
  name: 'small_put',
  title: (s) => `${s.smallCount} PUTs of ${formatBytes(s.smallBytes)}, concurrency ${s.smallConcurrency}`,
  metrics: METRICS,
  servers: ALL,
  repeated: true,
  prepare: (ctx) => ctx.client.createBucket(BUCKET),
  measure: writeAll,
};

export const smallGet: RemoteWorkload = {
  kind: 'remote',
  name: 'small_get',
  title: (s) => `${s.smallCount} GETs of ${formatBytes(s.smallBytes)}, concurrency ${s.smallConcurrency}`,
  metrics: METRICS,
  servers: ALL,
  repeated: true,
  prepare: async (ctx) => void (await ensureWritten(ctx)),
  async measure(ctx) {
    const prefix = await ensureWritten(ctx);
    return measureOps(ctx.sizes, async (i) => {
      const n = await ctx.client.get(BUCKET, keyOf(prefix, i));
      if (n !== ctx.sizes.smallBytes) throw new Error(`GetObject returned ${n} bytes, expected ${ctx.sizes.smallBytes}`);
    });
  },
};

export const head: RemoteWorkload = {
  kind: 'remote',
  name: 'head',
  title: (s) => `${s.smallCount} HEADs of ${formatBytes(s.smallBytes)} objects, concurrency ${s.smallConcurrency}`,
  metrics: METRICS,
  servers: ALL,
  repeated: true,
  prepare: async (ctx) => void (await ensureWritten(ctx)),
  async measure(ctx) {
    const prefix = await ensureWritten(ctx);
    return measureOps(ctx.sizes, (i) => ctx.client.head(BUCKET, keyOf(prefix, i)));
  },
};
