// Benchmarks of keepgate's own code, written by the engineers who own that code:
// test/bench/micro/manifest.ts and test/bench/micro/sigv4.ts (imported, run in this process) and
// test/bench/storage-write.ts (run in a child process: it measures its process's RSS). A missing
// file is reported as such. Each returns an object whose numeric fields (nested ones as "a.b")
// become the row's figures.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { diskWriteMbPerSecond } from '../lib/disk-ceiling.js';
import { formatBytes } from '../sizes.js';
import { metric } from './types.js';
import type { Figures, LocalContext, LocalWorkload } from './types.js';

export class MissingBenchmark extends Error {
  constructor(file: string) {
    super(`missing: ${file} does not exist yet`);
    this.name = 'MissingBenchmark';
  }
}

function benchFile(ctx: LocalContext, relative: string): string {
  const file = join(ctx.benchDir, relative);
  if (!existsSync(file)) throw new MissingBenchmark(`test/bench/${relative}`);
  return file;
}

async function importBench<T>(ctx: LocalContext, relative: string, exportName: string): Promise<T> {
  const file = benchFile(ctx, relative);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const fn = mod[exportName];
  if (typeof fn !== 'function') throw new Error(`test/bench/${relative} does not export ${exportName}()`);
  return fn as T;
}

/** The finite numbers in a result object, nested keys joined with "." */
export function figuresOf(value: unknown, prefix = ''): Figures {
  if (typeof value === 'number') return Number.isFinite(value) && prefix ? { [prefix]: value } : {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Figures = {};
  for (const [key, inner] of Object.entries(value)) Object.assign(out, figuresOf(inner, prefix ? `${prefix}.${key}` : key));
  return out;
}

const sizeLabel = (bytes: number): string => formatBytes(bytes).replace(' ', '');

export const microManifest: LocalWorkload = {
  kind: 'local',
  name: 'micro_manifest',
  title: (s) => `manifest parse and marshal of a ${s.manifestFiles}-file manifest (test/bench/micro/manifest.ts)`,
  metrics: () => [],
  rows: ['keepgate'],
  async measure(ctx) {
    const bench = await importBench<(o: { files: number }) => Promise<unknown> | unknown>(ctx, 'micro/manifest.ts', 'benchManifest');
    return figuresOf(await bench({ files: ctx.sizes.manifestFiles }));
  },
};

export const microSigV4: LocalWorkload = {
  kind: 'local',
  name: 'micro_sigv4',
  title: () => 'SigV4 verifications per second (test/bench/micro/sigv4.ts)',
  metrics: () => [],
  rows: ['keepgate'],
  async measure(ctx) {
    const bench = await importBench<() => Promise<unknown> | unknown>(ctx, 'micro/sigv4.ts', 'benchSigV4');
    return figuresOf(await bench());
  },
};

export const storageWrite: LocalWorkload = {
  kind: 'local',
  name: 'storage_write',
  title: (s) =>
    `a file of ${s.storageWriteBytes.map(formatBytes).join(' / ')} through the collection filesystem to embedded Keep, throttle 4 ` +
    '(ceiling: 64 MiB files written + fdatasync, 4 at a time)',
  metrics: (s) => s.storageWriteBytes.map((bytes) => metric(`${sizeLabel(bytes)}.mb_s`, 'MB/s')).reverse(),
  rows: ['keepgate', 'ceiling'],
  async measure(ctx) {
    const out: Figures = {};
    if (ctx.row === 'ceiling') {
      const dir = ctx.group.tempDir('disk');
      for (const sizeBytes of ctx.sizes.storageWriteBytes) {
        out[`${sizeLabel(sizeBytes)}.mb_s`] = await diskWriteMbPerSecond(dir, { sizeBytes, concurrency: 4 });
      }
      return out;
    }
    const script = benchFile(ctx, 'storage-write.ts');
    for (const sizeBytes of ctx.sizes.storageWriteBytes) {
      ctx.log(`storage_write ${formatBytes(sizeBytes)}`);
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, '--size', String(sizeBytes), '--throttle', '4', '--json']);
      Object.assign(out, figuresOf(JSON.parse(stdout.trim().split('\n').at(-1)!), sizeLabel(sizeBytes)));
    }
    return out;
  },
};
