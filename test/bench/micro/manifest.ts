// Micro-benchmark: manifest parse and marshal throughput on a realistic large collection.
// Shape: `files` files spread over ~100 directories (`dir042/file01234.dat`), sizes 1-20 MiB
// packed back to back into 64 MiB blocks (so several files per block and some files
// spanning two), every locator signed as the API returns them.
//   node --import tsx test/bench/micro/manifest.ts [--files N]
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  marshalManifest,
  parseManifest,
  portableDataHash,
  validateManifest,
  type FileEntry,
  type ManifestTree,
  type Segment,
} from '../../../src/manifest/index.js';

const BLOCK = 64 * 1024 * 1024;
const MiB = 1024 * 1024;
const RUNS = 5;

/** Deterministic pseudo-random integers (a fixed-seed LCG), so every run sees the same manifest. */
function randomInts(seed: number): (max: number) => number {
  let state = seed >>> 0;
  return (max) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % max;
  };
}

function signedLocator(n: number, size: number): string {
  const hash = createHash('md5').update(`block ${n}`).digest('hex');
  const sig = createHash('sha1').update(`sig ${n}`).digest('hex');
  return `${hash}+${size}+A${sig}@6a1b2c3d`;
}

export function buildLargeTree(files: number): ManifestTree {
  const next = randomInts(42);
  const dirs = 100;
  const perDir = Math.ceil(files / dirs);
  const entries: FileEntry[] = [];
  let blockNo = 0;
  for (let d = 0; d < dirs && entries.length < files; d++) {
    const sizes: number[] = [];
    for (let f = 0; f < perDir && entries.length + sizes.length < files; f++) sizes.push(MiB + next(19 * MiB));
    // Pack this directory's files into 64 MiB blocks, in order.
    const total = sizes.reduce((a, b) => a + b, 0);
    const blocks: { locator: string; size: number }[] = [];
    for (let left = total; left > 0; left -= BLOCK) blocks.push({ locator: signedLocator(blockNo++, Math.min(BLOCK, left)), size: Math.min(BLOCK, left) });
    let at = 0;
    sizes.forEach((size, f) => {
      const segments: Segment[] = [];
      for (let pos = at; pos < at + size; ) {
        const b = Math.floor(pos / BLOCK);
        const offset = pos - b * BLOCK;
        const length = Math.min(blocks[b]!.size - offset, at + size - pos);
        segments.push({ locator: blocks[b]!.locator, offset, length });
        pos += length;
      }
      entries.push({ path: `dir${String(d).padStart(3, '0')}/file${String(d * perDir + f).padStart(5, '0')}.dat`, segments });
      at += size;
    });
  }
  return { files: entries, emptyDirs: [] };
}

/** Best-of-RUNS throughput of `fn` over `bytes` bytes, in MB/s (10^6 bytes). */
function bestMBps(bytes: number, fn: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return bytes / 1e6 / best;
}

export async function benchManifest(opts: {
  files: number;
}): Promise<{ parseMBps: number; marshalMBps: number; bytes: number; pdhMBps: number; validateMBps: number }> {
  const tree = buildLargeTree(opts.files);
  const text = marshalManifest(tree);
  const bytes = Buffer.byteLength(text);
  const parsed = parseManifest(text);
  if (parsed.files.length !== opts.files) throw new Error(`expected ${opts.files} files, parsed ${parsed.files.length}`);
  if (marshalManifest(parsed) !== text) throw new Error('marshal(parse(text)) differs from text');
  return {
    bytes,
    parseMBps: bestMBps(bytes, () => parseManifest(text)),
    marshalMBps: bestMBps(bytes, () => marshalManifest(parsed)),
    pdhMBps: bestMBps(bytes, () => portableDataHash(text)),
    validateMBps: bestMBps(bytes, () => validateManifest(text)),
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const i = process.argv.indexOf('--files');
  const files = i > 0 ? Number(process.argv[i + 1]) : 100_000;
  const r = await benchManifest({ files });
  const mb = (n: number): string => `${n.toFixed(0)} MB/s`;
  console.log(`manifest: ${files} files, ${(r.bytes / 1e6).toFixed(1)} MB of text`);
  console.log(`  parse     ${mb(r.parseMBps)}`);
  console.log(`  marshal   ${mb(r.marshalMBps)}`);
  console.log(`  pdh       ${mb(r.pdhMBps)}`);
  console.log(`  validate  ${mb(r.validateMBps)}`);
}
