// Listing a bucket of many keys in many directories: the full paginated ListObjectsV2, one
// delimiter listing, and page 1 vs page 10 (a later page must not cost a rescan from the start).
import { nowMs, runConcurrent, timeMs } from '../lib/stats.js';
import { metric } from './types.js';
import type { RemoteWorkload } from './types.js';

const BUCKET = 'bench-list';
const KEY_BYTES = 64;

export const list: RemoteWorkload = {
  kind: 'remote',
  name: 'list',
  title: (s) => `${s.listKeys} keys in ${s.listDirs} directories, ListObjectsV2 pages of ${s.listPageKeys}`,
  metrics: [
    metric('full_ms', 'ms', { better: 'lower' }),
    metric('delimiter_ms', 'ms', { better: 'lower' }),
    metric('page1_ms', 'ms', { better: 'lower' }),
    metric('page10_ms', 'ms', { better: 'lower' }),
    metric('page10_vs_page1', 'ratio', { better: 'lower' }),
  ],
  servers: ['keepgate', 's3rver', 'ceiling'],
  repeated: true,
  async prepare(ctx) {
    const { listKeys, listDirs, smallConcurrency } = ctx.sizes;
    const perDir = Math.ceil(listKeys / listDirs);
    await ctx.client.createBucket(BUCKET);
    await runConcurrent(listKeys, smallConcurrency, (i) => {
      const key = `dir-${String(i % listDirs).padStart(3, '0')}/key-${String(Math.floor(i / listDirs)).padStart(String(perDir).length, '0')}`;
      return ctx.client.put(BUCKET, key, ctx.payload.small({ size: KEY_BYTES, seed: 5_000_000 + i }), { size: KEY_BYTES });
    });
  },
  async measure(ctx) {
    const { listKeys, listDirs, listPageKeys } = ctx.sizes;
    const pageMs: number[] = [];
    let keys = 0;
    let token: string | undefined;
    const start = nowMs();
    do {
      const pageStart = nowMs();
      const page = await ctx.client.listPage(BUCKET, { maxKeys: listPageKeys, token });
      pageMs.push(nowMs() - pageStart);
      keys += page.keys;
      token = page.nextToken;
    } while (token !== undefined);
    const fullMs = nowMs() - start;
    // More is allowed: a server may list directory placeholders ("dir/") as objects.
    if (keys < listKeys) throw new Error(`the full listing returned ${keys} keys, expected ${listKeys}`);
    let prefixes = 0;
    const delimiterMs = await timeMs(async () => {
      let next: string | undefined;
      do {
        const page = await ctx.client.listPage(BUCKET, { delimiter: '/', token: next });
        prefixes += page.commonPrefixes;
        next = page.nextToken;
      } while (next !== undefined);
    });
    if (prefixes !== listDirs) throw new Error(`the delimiter listing returned ${prefixes} prefixes, expected ${listDirs}`);
    const page1 = pageMs[0]!;
    const page10 = pageMs[9] ?? Number.NaN;
    return { full_ms: fullMs, delimiter_ms: delimiterMs, page1_ms: page1, page10_ms: page10, page10_vs_page1: page10 / page1 };
  },
};
