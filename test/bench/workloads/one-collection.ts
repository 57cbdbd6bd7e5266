// Many sequential PUTs into one bucket: does a PUT into a big collection cost the change, or a
// rewrite of everything already there? Compares the rate of the first and the last window.
import { nowMs } from '../lib/stats.js';
import { formatBytes } from '../sizes.js';
import { metric } from './types.js';
import type { RemoteWorkload } from './types.js';

export const oneCollection: RemoteWorkload = {
  kind: 'remote',
  name: 'one_collection',
  title: (s) =>
    `${s.collectionPuts} sequential PUTs of ${formatBytes(s.collectionBytes)} into one bucket: first vs last ${s.collectionWindow}`,
  metrics: [metric('last_vs_first', 'ratio'), metric('first_ops_s', 'ops/s'), metric('last_ops_s', 'ops/s')],
  servers: ['keepgate', 's3rver', 'ceiling'],
  repeated: true,
  async measure(ctx, run) {
    const { collectionPuts: count, collectionWindow: window, collectionBytes: size } = ctx.sizes;
    const bucket = `bench-collection-${run}`;
    await ctx.client.createBucket(bucket);
    const bodies = Array.from({ length: count }, (_, i) => ctx.payload.small({ size, seed: 1_000_000 + run * count + i }));
    let windowStart = nowMs();
    let first = Number.NaN;
    for (let i = 0; i < count; i++) {
      await ctx.client.put(bucket, `file-${String(i).padStart(6, '0')}`, bodies[i]!, { size });
      if (i === window - 1) first = window / ((nowMs() - windowStart) / 1000);
      if (i === count - window - 1) windowStart = nowMs();
    }
    const last = window / ((nowMs() - windowStart) / 1000);
    return { last_vs_first: last / first, first_ops_s: first, last_ops_s: last };
  },
};
