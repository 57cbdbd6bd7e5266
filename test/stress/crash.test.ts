// The long crash run: at least 50 seeded SIGKILLs of a real gateway across PutObject,
// UploadPart, CompleteMultipartUpload, CopyObject, DeleteObjects and maintenance (trash sweep
// and block GC in a child killed mid-run; 44 rounds, 7 of them with a GC child), on one data
// directory that accumulates state.
// KEEPGATE_STRESS_SEED replays a run; KEEPGATE_CRASH_ROUNDS changes its length.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCrashRounds } from '../helpers/faults/crash-run.js';
import { CRASH_KINDS } from '../helpers/faults/crash-workloads.js';
import { stressSeed } from '../helpers/faults/seed.js';

const ROUNDS = Number(process.env.KEEPGATE_CRASH_ROUNDS ?? 44);
const dataDir = mkdtempSync(join(tmpdir(), 'keepgate-crash-stress-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

test(`${ROUNDS} crash rounds (50+ kill points): nothing acknowledged is lost, nothing half-written shows`, { timeout: 15 * 60_000 }, async (t) => {
  const seed = stressSeed('stress-crash');
  const report = await runCrashRounds({ seed, rounds: ROUNDS, dataDir, log: (l) => t.diagnostic(l) });
  const byKind = Object.fromEntries(CRASH_KINDS.map((k) => [k, report.kills.filter((p) => p.kind === k && p.hitTarget).length]));
  t.diagnostic(`seed ${seed}: ${report.kills.length} kill points (${JSON.stringify(byKind)} hit their operation in flight, ` +
    `${report.kills.filter((k) => k.kind === 'Sweep:gc-child').length} maintenance children), ${report.acknowledged} acknowledged writes`);
  assert.deepEqual(report.problems.slice(0, 20), [], `seed ${seed}: ${report.problems.length} problems`);
  assert.ok(report.kills.length >= Math.min(50, ROUNDS), `only ${report.kills.length} kill points`);
  for (const kind of CRASH_KINDS) assert.ok(byKind[kind]! > 0, `no kill landed inside a ${kind}`);
  const missed = report.kills.filter((k) => !k.hitTarget);
  assert.ok(missed.length <= report.kills.length / 10, `${missed.length} kills missed their operation`);
});
