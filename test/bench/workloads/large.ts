// Large objects: one big PUT (unsigned and signed), GETs of it, and a multipart upload.
import { withPeakRss } from '../lib/rss.js';
import { mbPerSecond, nowMs, runConcurrent, timeMs } from '../lib/stats.js';
import { formatBytes } from '../sizes.js';
import { metric } from './types.js';
import type { RemoteContext, RemoteWorkload } from './types.js';

const BUCKET = 'bench-large';
const LARGE_KEY = 'large/object';
const ALL = ['keepgate', 's3rver', 'ceiling'] as const;
const mbS = metric('mb_s', 'MB/s');

async function prepareBucket(ctx: RemoteContext): Promise<void> {
  await ctx.client.createBucket(BUCKET);
}

/** The object get_large reads: left by put_large, or written now (untimed) if that failed. */
async function ensureLargeObject(ctx: RemoteContext): Promise<void> {
  await prepareBucket(ctx);
  if (ctx.state.get(LARGE_KEY) === ctx.sizes.largeBytes) return;
  const size = ctx.sizes.largeBytes;
  await ctx.client.put(BUCKET, LARGE_KEY, ctx.payload.chunks({ size, seed: 99 }), { size });
  ctx.state.set(LARGE_KEY, size);
}

export const putLarge: RemoteWorkload = {
  kind: 'remote',
  name: 'put_large',
  title: (s) => `one ${formatBytes(s.largeBytes)} PUT, single stream, UNSIGNED-PAYLOAD`,
  metrics: [mbS],
  servers: [...ALL, 'ceiling-md5'],
  repeated: true,
  prepare: prepareBucket,
  async measure(ctx, run) {
    const size = ctx.sizes.largeBytes;
    const ms = await timeMs(() => ctx.client.put(BUCKET, LARGE_KEY, ctx.payload.chunks({ size, seed: 100 + run }), { size }));
    ctx.state.set(LARGE_KEY, size);
    return { mb_s: mbPerSecond(size, ms) };
  },
};

export const putLargeSigned: RemoteWorkload = {
  kind: 'remote',
  name: 'put_large_signed',
  title: (s) => `one ${formatBytes(s.largeBytes)} PUT with a hex SHA-256 payload hash (precomputed, untimed)`,
  metrics: [mbS],
  servers: ALL,
  repeated: true,
  prepare: prepareBucket,
  async measure(ctx, run) {
    const body = { size: ctx.sizes.largeBytes, seed: 200 + run };
    const sha256 = ctx.payload.sha256Hex(body);
    const ms = await timeMs(() => ctx.client.put(BUCKET, 'large/signed', ctx.payload.chunks(body), { size: body.size, sha256 }));
    return { mb_s: mbPerSecond(body.size, ms) };
  },
};

export const getLarge: RemoteWorkload = {
  kind: 'remote',
  name: 'get_large',
  title: (s) => `GET of the ${formatBytes(s.largeBytes)} object; ${s.rangedGets} concurrent ranged GETs of ${formatBytes(s.rangeBytes)}`,
  metrics: [mbS, metric('ranged_mb_s', 'MB/s')],
  servers: ALL,
  repeated: true,
  prepare: ensureLargeObject,
  async measure(ctx) {
    const size = ctx.sizes.largeBytes;
    let got = 0;
    const fullMs = await timeMs(async () => {
      got = await ctx.client.get(BUCKET, LARGE_KEY);
    });
    if (got !== size) throw new Error(`GetObject returned ${got} bytes, expected ${size}`);
    const { rangedGets, rangeBytes } = ctx.sizes;
    const stride = Math.floor((size - rangeBytes) / Math.max(1, rangedGets - 1));
    const rangedMs = await timeMs(() =>
      Promise.all(
        Array.from({ length: rangedGets }, async (_, i) => {
          const n = await ctx.client.get(BUCKET, LARGE_KEY, { start: i * stride, length: rangeBytes });
          if (n !== rangeBytes) throw new Error(`ranged GetObject returned ${n} bytes, expected ${rangeBytes}`);
        }),
      ),
    );
    return { mb_s: mbPerSecond(size, fullMs), ranged_mb_s: mbPerSecond(rangedGets * rangeBytes, rangedMs) };
  },
};

export const multipartLarge: RemoteWorkload = {
  kind: 'remote',
  name: 'multipart_large',
  title: (s) => `${formatBytes(s.largeBytes)} multipart upload, ${formatBytes(s.partBytes)} parts, ${s.partsInFlight} in flight`,
  metrics: [mbS, metric('complete_ms', 'ms', { better: 'lower' }), metric('peak_rss_mib', 'MiB', { better: 'lower', combine: 'max' })],
  servers: ALL,
  repeated: true,
  prepare: prepareBucket,
  async measure(ctx, run) {
    const { largeBytes: size, partBytes, partsInFlight } = ctx.sizes;
    const key = 'large/multipart';
    const partCount = Math.ceil(size / partBytes);
    const { result, rss } = await withPeakRss(ctx.server.child.pid, async () => {
      const start = nowMs();
      const uploadId = await ctx.client.createMultipartUpload(BUCKET, key);
      const etags: string[] = [];
      await runConcurrent(partCount, partsInFlight, async (i) => {
        const partSize = Math.min(partBytes, size - i * partBytes);
        const body = ctx.payload.chunks({ size: partSize, seed: 1000 + run * 1000 + i });
        etags[i] = await ctx.client.uploadPart(BUCKET, key, { uploadId, partNumber: i + 1, body, size: partSize });
      });
      const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }));
      const completeMs = await timeMs(() => ctx.client.completeMultipartUpload(BUCKET, key, uploadId, parts));
      return { totalMs: nowMs() - start, completeMs };
    });
    return { mb_s: mbPerSecond(size, result.totalMs), complete_ms: result.completeMs, peak_rss_mib: rss.peakMiB };
  },
};
