// Untimed traffic before a server's first measurement, so that neither side is measured while
// its JIT compiles the hot paths (short QUICK runs are otherwise dominated by it).
import { MiB } from '../lib/payload.js';
import { runConcurrent } from '../lib/stats.js';
import type { RemoteContext } from './types.js';

const BUCKET = 'bench-warm-up';
const OPS = 300;
const LARGE_BYTES = 32 * MiB;

export async function warmUp(ctx: RemoteContext): Promise<void> {
  const { client, payload } = ctx;
  await client.createBucket(BUCKET);
  const body = payload.small({ size: 4096, seed: 77 });
  await runConcurrent(OPS, 16, (i) => client.put(BUCKET, `small-${i}`, body, { size: body.length }));
  await runConcurrent(OPS, 16, (i) => client.get(BUCKET, `small-${i}`));
  await runConcurrent(OPS, 16, (i) => client.head(BUCKET, `small-${i}`));
  await client.put(BUCKET, 'large', payload.chunks({ size: LARGE_BYTES, seed: 78 }), { size: LARGE_BYTES });
  await client.get(BUCKET, 'large');
}
