// Many large uploads at once: the server's peak RSS must stay bounded by its write throttle,
// not grow with the number or size of the uploads.
import { withPeakRss } from '../lib/rss.js';
import { mbPerSecond, timeMs } from '../lib/stats.js';
import { formatBytes } from '../sizes.js';
import { metric } from './types.js';
import type { RemoteWorkload } from './types.js';

const BUCKET = 'bench-memory';

export const memory: RemoteWorkload = {
  kind: 'remote',
  name: 'memory',
  title: (s) => `${s.memoryUploads} concurrent ${formatBytes(s.memoryBytes)} uploads: server peak RSS`,
  metrics: [metric('peak_rss_mib', 'MiB', { better: 'lower', combine: 'max' }), metric('mb_s', 'MB/s')],
  servers: ['keepgate', 's3rver', 'ceiling'],
  repeated: false,
  prepare: (ctx) => ctx.client.createBucket(BUCKET),
  async measure(ctx) {
    const { memoryUploads: uploads, memoryBytes: size } = ctx.sizes;
    const { result: ms, rss } = await withPeakRss(ctx.server.child.pid, () =>
      timeMs(() =>
        Promise.all(
          Array.from({ length: uploads }, (_, i) =>
            ctx.client.put(BUCKET, `upload-${i}`, ctx.payload.chunks({ size, seed: 9_000_000 + i * 61 }), { size }),
          ),
        ),
      ),
    );
    return { peak_rss_mib: rss.peakMiB, mb_s: mbPerSecond(uploads * size, ms) };
  },
};
