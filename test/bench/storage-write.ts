// Storage write benchmark: one file of the given size streamed through CollectionFS (1 MiB
// chunks, the writer's backpressure) into a DirBlockStore in a temp dir, then synced. Reports
// MB/s and this process's peak RSS, which must stay under (throttle + 2) × 64 MiB + 150 MiB and
// not grow with the file size (issue #5).
//   node --import tsx test/bench/storage-write.ts --size 2GiB [--throttle 4] [--json]
// `make bench` runs it in a child process of its own (workloads/micro.ts) with --json: in the
// harness's process, the harness's own payload buffers would count in the peak RSS.
import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BlockBuffers } from '../../src/collectionfs/block-buffers.js';
import { CollectionFS } from '../../src/collectionfs/fs.js';
import { HashPool } from '../../src/common/hash-pool.js';
import { Throttle } from '../../src/common/throttle.js';
import { MAX_BLOCK_SIZE } from '../../src/keep/block-store.js';
import { DirBlockStore } from '../../src/keep/dir-store.js';

const MiB = 1024 * 1024;
const CHUNK = MiB;
const SAMPLE_MS = 50;
/** Random source for the chunks: not a multiple of the chunk size, so views never repeat in step. */
const SOURCE_BYTES = 4 * MiB + 4093;

export interface StorageWriteOptions {
  readonly sizeBytes: number;
  readonly throttle: number;
}

export interface StorageWriteResult {
  readonly mbps: number;
  /** Peak of process RSS sampled every 50 ms during the run. */
  readonly peakRssBytes: number;
  /** Kernel high-water mark of the whole process so far (process.resourceUsage().maxRSS). */
  readonly maxRssBytes: number;
  /** mbps and peakRssBytes under the names the bench harness's tables and targets look for. */
  readonly mb_s: number;
  readonly peak_rss_mib: number;
}

/** Samples process RSS every 50 ms until stopped; returns the peak seen. */
function rssSampler(): { stop: () => number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), SAMPLE_MS);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** 1 MiB chunks, each a view into one random buffer stamped with its index (no two blocks alike). */
function* chunks(sizeBytes: number): Generator<Buffer> {
  const source = randomFillSync(Buffer.allocUnsafe(SOURCE_BYTES));
  let offset = 0;
  for (let index = 0, sent = 0; sent < sizeBytes; index++) {
    const length = Math.min(CHUNK, sizeBytes - sent);
    const chunk = source.subarray(offset, offset + length);
    if (length >= 8) chunk.writeDoubleLE(index, 0);
    yield chunk; // the writer copies it before write() resolves, so reuse is safe
    sent += length;
    offset = (offset + 4099) % (SOURCE_BYTES - CHUNK);
  }
}

export async function benchStorageWrite(opts: StorageWriteOptions): Promise<StorageWriteResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'keepgate-storage-write-'));
  const hashPool = new HashPool({ threads: 2 });
  const sampler = rssSampler();
  try {
    const blocks = await DirBlockStore.open({ dataDir, hashPool });
    // As main.ts should: one process-wide pool of shared full-block buffers (hashed in place).
    const blockBuffers = new BlockBuffers({ blockSize: MAX_BLOCK_SIZE, shared: true, keep: opts.throttle + 2 });
    const throttle = new Throttle(opts.throttle);
    const fs = new CollectionFS(undefined, { blocks, throttle, blockBuffers, clock: { now: () => Date.now() } });
    const started = performance.now();
    const writer = fs.openWriter('big.bin');
    for (const chunk of chunks(opts.sizeBytes)) await writer.write(chunk);
    await writer.close();
    await fs.sync();
    const seconds = (performance.now() - started) / 1000;
    if (fs.stat('big.bin').size !== opts.sizeBytes) throw new Error('file size mismatch after sync');
    const peakRssBytes = sampler.stop();
    const mbps = opts.sizeBytes / 1e6 / seconds;
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    return { mbps, peakRssBytes, maxRssBytes, mb_s: mbps, peak_rss_mib: peakRssBytes / MiB };
  } finally {
    sampler.stop();
    await hashPool.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/i.exec(text.trim());
  if (!m) throw new Error(`bad size ${JSON.stringify(text)} (e.g. 512MiB, 2GiB)`);
  const unit = { b: 1, kib: 1024, mib: MiB, gib: 1024 * MiB }[(m[2] ?? 'B').toLowerCase() as 'b' | 'kib' | 'mib' | 'gib'];
  return Math.round(Number(m[1]) * unit);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { size: { type: 'string', default: '2GiB' }, throttle: { type: 'string', default: '4' }, json: { type: 'boolean', default: false } },
  });
  const sizeBytes = parseSize(values.size);
  const throttle = Number(values.throttle);
  const r = await benchStorageWrite({ sizeBytes, throttle });
  if (values.json) return console.log(JSON.stringify(r));
  const limitMiB = (throttle + 2) * 64 + 150;
  console.log(
    `storage write ${values.size} throttle ${throttle}: ${r.mbps.toFixed(1)} MB/s, peak RSS ${r.peak_rss_mib.toFixed(0)} MiB ` +
      `(sampled every ${SAMPLE_MS} ms), maxRSS ${(r.maxRssBytes / MiB).toFixed(0)} MiB, limit ${limitMiB} MiB`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
