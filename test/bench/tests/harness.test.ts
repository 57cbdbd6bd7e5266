// Tests of the bench harness itself (not part of `make test`: run them with
// node --import tsx --test test/bench/tests/*.test.ts). No timings are asserted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { MiB, PayloadPool } from '../lib/payload.js';
import { median, percentile } from '../lib/stats.js';
import { combineRuns } from '../runner.js';
import { checkTargets } from '../report/targets.js';
import { renderTable } from '../report/table.js';
import type { RowOutcome, WorkloadOutcome } from '../report/outcome.js';
import { figuresOf } from '../workloads/micro.js';
import { metric } from '../workloads/types.js';

test('median and percentile agree with a sorted copy', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 50 }), (xs) => {
      const sorted = [...xs].sort((a, b) => a - b);
      assert.equal(percentile(xs, 100), sorted[sorted.length - 1]);
      assert.equal(percentile(xs, 0), sorted[0]);
      const m = median(xs);
      assert.ok(m >= sorted[0]! && m <= sorted[sorted.length - 1]!);
      if (xs.length % 2 === 1) assert.equal(m, sorted[(xs.length - 1) / 2]);
    }),
  );
});

test('combineRuns takes the median, or the maximum for max-combined figures', () => {
  const specs = [metric('mb_s', 'MB/s'), metric('peak_rss_mib', 'MiB', { better: 'lower', combine: 'max' })];
  const { figures, runs } = combineRuns(
    [
      { mb_s: 10, peak_rss_mib: 300 },
      { mb_s: 30, peak_rss_mib: 100 },
      { mb_s: 20, peak_rss_mib: 200 },
    ],
    specs,
  );
  assert.deepEqual(figures, { mb_s: 20, peak_rss_mib: 300 });
  assert.deepEqual(runs.mb_s, [10, 30, 20]);
});

test('payload chunks have the requested total size and differ between seeds and blocks', () => {
  const pool = new PayloadPool();
  const size = 130 * MiB + 123;
  const chunks = [...pool.chunks({ size, seed: 1 })];
  assert.equal(chunks.reduce((n, c) => n + c.length, 0), size);
  const blockHashes = (seed: number): string[] => {
    const hashes: string[] = [];
    let hash = createHash('md5');
    let inBlock = 0;
    for (const chunk of pool.chunks({ size: 128 * MiB, seed })) {
      hash.update(chunk);
      if ((inBlock += chunk.length) === 64 * MiB) {
        hashes.push(hash.digest('hex'));
        hash = createHash('md5');
        inBlock = 0;
      }
    }
    return hashes;
  };
  const a = blockHashes(1);
  const b = blockHashes(2);
  assert.equal(new Set([...a, ...b]).size, 4);
});

test('a body bigger than the pool has the same bytes however late each chunk is read', () => {
  const pool = new PayloadPool();
  const spec = { size: 70 * MiB + 9, seed: 3 };
  const expected = pool.sha256Hex(spec);
  // An uploader reads a chunk's bytes some time after the generator yielded it.
  const hash = createHash('sha256');
  const queue: Buffer[] = [];
  for (const chunk of pool.chunks(spec)) {
    queue.push(chunk);
    if (queue.length > 200) hash.update(queue.shift()!);
  }
  for (const chunk of queue) hash.update(chunk);
  assert.equal(hash.digest('hex'), expected);
  assert.equal(pool.sha256Hex(spec), expected, 'and the same again');
});

test('sha256Hex is the hash of exactly the bytes the chunks yield', () => {
  const pool = new PayloadPool();
  const spec = { size: 3 * MiB + 5, seed: 9 };
  const hash = createHash('sha256');
  for (const chunk of pool.chunks(spec)) hash.update(chunk);
  assert.equal(pool.sha256Hex(spec), hash.digest('hex'));
});

test('figuresOf flattens the numbers of a result object', () => {
  assert.deepEqual(figuresOf({ parse_mb_s: 120, marshal: { mb_s: 80 }, name: 'x', list: [1] }), { parse_mb_s: 120, 'marshal.mb_s': 80 });
  assert.deepEqual(figuresOf({ mb_s: 5 }, '2GiB'), { '2GiB.mb_s': 5 });
});

function outcome(name: string, rows: Record<string, RowOutcome>): WorkloadOutcome {
  return { name, title: 't', metrics: [metric('mb_s', 'MB/s')], rows: new Map(Object.entries(rows)) };
}
const ok = (figures: Record<string, number>): RowOutcome => ({ ok: true, figures, runs: {} });

test('targets compare keepgate with the peer and the ceilings of the same run', () => {
  const met = checkTargets(outcome('put_large', { keepgate: ok({ mb_s: 600 }), s3rver: ok({ mb_s: 300 }), 'ceiling-md5': ok({ mb_s: 480 }) }));
  assert.deepEqual(met.map((t) => t.met), [true, true]);
  const notMet = checkTargets(outcome('put_large', { keepgate: ok({ mb_s: 500 }), s3rver: ok({ mb_s: 300 }), 'ceiling-md5': ok({ mb_s: 520 }) }));
  assert.deepEqual(notMet.map((t) => t.met), [false, false]);
  const failed = checkTargets(outcome('put_large', { keepgate: { ok: false, error: 'boom' }, s3rver: ok({ mb_s: 300 }) }));
  assert.deepEqual(failed.map((t) => t.met), [undefined, undefined]);
  const faster = checkTargets(outcome('list', { keepgate: ok({ full_ms: 90, page10_vs_page1: 1.6 }), s3rver: ok({ full_ms: 1000 }) }));
  assert.deepEqual(faster.map((t) => t.met), [true, false]);
  const micro = checkTargets(outcome('micro_manifest', { keepgate: ok({ parse_mb_s: 150, marshal_mb_s: 20 }) }));
  assert.deepEqual(micro.map((t) => t.met), [true]);
  const storage = checkTargets(outcome('storage_write', { keepgate: ok({ '512MiB.peak_rss_mib': 600, '2GiB.peak_rss_mib': 500 }) }));
  assert.deepEqual(storage.map((t) => t.met), [true]);
  // The byte figures of the same sizes carry "MiB" in their prefix only: they must not be taken.
  const bytes = { '64MiB.peakRssBytes': 300 * 2 ** 20, '192MiB.peakRssBytes': 320 * 2 ** 20, '192MiB.maxRssBytes': 330 * 2 ** 20 };
  const mixed = checkTargets(outcome('storage_write', { keepgate: ok({ ...bytes, '64MiB.peak_rss_mib': 300, '192MiB.peak_rss_mib': 320 }) }));
  assert.deepEqual(mixed.map((t) => [t.met, t.detail]), [[true, '192MiB.peak_rss_mib = 320']]);
});

test('the table shows every row, keepgate ratios and errors', () => {
  const o = outcome('put_large', { keepgate: ok({ mb_s: 600 }), s3rver: ok({ mb_s: 300 }), ceiling: ok({ mb_s: 1200 }), 'ceiling-md5': { ok: false, error: 'exited' } });
  const text = renderTable(o, checkTargets(o));
  assert.match(text, /^keepgate\s+600\s+2\.00x\s+0\.50x\s+unknown$/m);
  assert.match(text, /^s3rver\s+300$/m);
  assert.match(text, /ceiling-md5: exited/);
});
