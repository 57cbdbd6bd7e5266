// The disk's ceiling for what a block store does: 64 MiB block files, each written and
// fdatasync'd, a few at a time (the write throttle's default of 4).
import { randomFillSync } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MiB } from './payload.js';
import { mbPerSecond, runConcurrent, timeMs } from './stats.js';

const BLOCK_BYTES = 64 * MiB;

export async function diskWriteMbPerSecond(dir: string, options: { sizeBytes: number; concurrency: number }): Promise<number> {
  const block = randomFillSync(Buffer.allocUnsafe(BLOCK_BYTES));
  const blocks = Math.ceil(options.sizeBytes / BLOCK_BYTES);
  const ms = await timeMs(() =>
    runConcurrent(blocks, options.concurrency, async (i) => {
      const file = await open(join(dir, `block-${i}`), 'w');
      try {
        const length = Math.min(BLOCK_BYTES, options.sizeBytes - i * BLOCK_BYTES);
        for (let at = 0; at < length; ) at += (await file.write(block, at, length - at, at)).bytesWritten;
        await file.datasync();
      } finally {
        await file.close();
      }
    }),
  );
  await Promise.all(Array.from({ length: blocks }, (_, i) => rm(join(dir, `block-${i}`), { force: true })));
  return mbPerSecond(options.sizeBytes, ms);
}
