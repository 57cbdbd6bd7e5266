// SIGKILL of a real gateway at seeded random moments during PutObject, UploadPart,
// CompleteMultipartUpload, CopyObject, DeleteObjects and a trash sweep / block GC (a short
// run: the long one is test/stress/crash.test.ts). After every restart on the same data:
// acknowledged writes are whole, unacknowledged ones absent or whole, the database passes
// its checks, and no block of a live collection is missing.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCrashRounds } from '../helpers/faults/crash-run.js';
import { stressSeed } from '../helpers/faults/seed.js';

const dataDir = mkdtempSync(join(tmpdir(), 'keepgate-crash-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test('8 seeded SIGKILLs across the write paths and maintenance lose nothing acknowledged', async (t) => {
  const seed = stressSeed('reliability-crash');
  const report = await runCrashRounds({ seed, rounds: 7, dataDir, maxKillDelayMs: 1200, log: (l) => t.diagnostic(l) });
  t.diagnostic(`seed ${seed}: ${report.kills.length} kill points, ${report.acknowledged} acknowledged writes`);
  assert.deepEqual(report.problems.slice(0, 20), [], `seed ${seed}: ${report.problems.length} problems`);
  assert.ok(report.kills.length >= 7, `only ${report.kills.length} kill points`);
  assert.ok(report.acknowledged > 0, 'the workload acknowledged nothing');
  const missed = report.kills.filter((k) => !k.hitTarget);
  assert.ok(missed.length <= 1, `kills that missed their operation: ${JSON.stringify(missed)}`);
});
