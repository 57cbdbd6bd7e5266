// The crash driver shared by the short reliability test and the long stress test. Each
// round restarts a real gateway on the same data directory, checks everything written so
// far, runs a write workload aimed at one operation and SIGKILLs the server at a seeded
// random moment; a Sweep round also kills a maintenance child mid-sweep or mid-GC.

import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway, type Gateway } from '../gateway.js';
import { databaseChecks, missingLiveBlocks, verifyObjects } from './crash-checks.js';
import { CRASH_KINDS, WORKLOADS, type CrashKind, type OpenUpload, type RoundState } from './crash-workloads.js';
import { digestOf, ObjectModel } from './object-model.js';
import * as op from './s3-ops.js';
import { createRng, payload, type Rng } from './seed.js';
import { s3, type S3Target } from './s3-raw.js';

export interface CrashRunOptions {
  readonly seed: number;
  readonly rounds: number;
  readonly dataDir: string;
  /** Concurrent writers per round (default 6). */
  readonly clients?: number;
  /** Kills land uniformly in [10, this] ms after the workload starts (default 1500). */
  readonly maxKillDelayMs?: number;
  readonly log?: (line: string) => void;
}

export interface KillPoint {
  readonly round: number;
  readonly kind: CrashKind | 'Sweep:gc-child';
  readonly at: string;
  /** Requests of each operation in flight when the signal was sent. */
  readonly inFlight: Readonly<Record<string, number>>;
  /** The operation under test was in flight when the signal went (for the GC child: it was killed mid-run). */
  readonly hitTarget: boolean;
}

export interface CrashRunReport {
  readonly kills: KillPoint[];
  readonly acknowledged: number;
  readonly problems: string[];
}

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const SWEEPER = join(ROOT, 'test', 'helpers', 'faults', 'sweeper-child.ts');
const MONTH_MS = 30 * 24 * 3600 * 1000;
/** Operations that take a few milliseconds: the kill must follow their start closely. */
const SHORT_OPS = new Set(['CompleteMultipartUpload', 'DeleteObjects', 'CopyObject']);

export async function runCrashRounds(opts: CrashRunOptions): Promise<CrashRunReport> {
  const rng = createRng(opts.seed);
  const model = new ObjectModel();
  const uploads: OpenUpload[] = [];
  const buckets = ['crash-a', 'crash-b'];
  const report: CrashRunReport = { kills: [], acknowledged: 0, problems: [] };
  const log = opts.log ?? (() => {});
  let acknowledged = 0;

  for (let round = 0; round <= opts.rounds; round++) {
    const started = Date.now();
    const g = await startGateway({ dataDir: opts.dataDir });
    const t: S3Target = { endpoint: g.s3Endpoint, credentials: { accessKeyId: g.accessKey, secretAccessKey: g.secretKey } };
    const problems = (list: string[], where: string): void => void report.problems.push(...list.map((p) => `round ${round} ${where}: ${p}`));
    try {
      if (round === 0) {
        for (const b of buckets) {
          const res = await op.createBucket(t, b);
          if (res.status !== 200) throw new Error(`CreateBucket ${b} -> ${res.status} ${res.text}`);
        }
      } else {
        const t0 = Date.now();
        // Everything is read back after a maintenance round and at the end; otherwise what the
        // last round wrote plus a random fifth of the rest (block presence is checked for all).
        const full = round === opts.rounds || CRASH_KINDS[(round - 1) % CRASH_KINDS.length] === 'Sweep';
        problems(await verifyObjects(t, model, buckets, { full, sample: () => rng.chance(0.2) }), 'after restart');
        const t1 = Date.now();
        problems(await verifyUploads(t, model, uploads), 'uploads after restart');
        const t2 = Date.now();
        problems(await missingLiveBlocks(g.apiEndpoint, g.token, opts.dataDir), 'blocks after restart');
        log(`round ${round}: start ${t0 - started} ms, objects ${t1 - t0} ms, uploads ${t2 - t1} ms, blocks ${Date.now() - t2} ms`);
      }
      const verified = Date.now();
      if (round === opts.rounds) break; // the last start only verifies
      const kind = CRASH_KINDS[round % CRASH_KINDS.length]!;
      const s: RoundState = { t, rng, model, buckets, uploads, problems: [], inFlight: new Map(), claimed: new Set(), stopped: false, counter: round * 100_000, acknowledged: 0 };
      if (kind === 'Sweep') await makeGarbage(s, round);
      const workers = Array.from({ length: opts.clients ?? 6 }, () => WORKLOADS[kind === 'Sweep' ? 'PutObject' : kind](s));
      const delay = rng.int(10, opts.maxKillDelayMs ?? 1500);
      await sleep(delay);
      // Aim inside the operation under test: once one is in flight, wait a random moment more
      // and fire if it still is (short operations get short moments).
      const target = kind === 'Sweep' ? 'PutObject' : kind;
      const busy = (): boolean => (s.inFlight.get(target) ?? 0) > 0;
      let jitter = 0;
      for (let attempt = 0; attempt < 50; attempt++) {
        for (let waited = 0; !busy() && waited < 10_000; waited += 1) await sleep(1);
        jitter = rng.int(0, SHORT_OPS.has(target) ? 2 : 25);
        await sleep(jitter);
        if (busy()) break;
      }
      const inFlight = Object.fromEntries([...s.inFlight].filter(([, n]) => n > 0));
      g.proc.kill('SIGKILL');
      s.stopped = true;
      await g.stop();
      await Promise.all(workers);
      report.kills.push({ round, kind, at: `${delay} ms + ${jitter} ms into a ${target}`, inFlight, hitTarget: (inFlight[target] ?? 0) > 0 });
      problems(s.problems, kind);
      acknowledged += s.acknowledged;
      log(`round ${round}: ${kind} killed ${delay} ms + ${jitter} ms into a ${target}; in flight ${JSON.stringify(inFlight)}; ${s.acknowledged} acknowledged (restart and checks took ${verified - started} ms)`);
      problems(dbProblems(opts.dataDir), 'database after SIGKILL');
      if (kind === 'Sweep') {
        const kill = await killSweeper(opts.dataDir, rng);
        if (kill) report.kills.push({ round, kind: 'Sweep:gc-child', at: kill, inFlight: {}, hitTarget: true });
        log(`round ${round}: maintenance child ${kill ? `killed ${kill}` : 'finished before its kill point'}`);
        problems(dbProblems(opts.dataDir), 'database after killing the sweep');
      }
    } finally {
      await g.stop('SIGKILL');
    }
  }
  return { ...report, acknowledged };
}

function dbProblems(dataDir: string): string[] {
  const db = databaseChecks(dataDir);
  return [
    ...(db.integrity === 'ok' ? [] : [`integrity_check: ${db.integrity}`]),
    ...(db.foreignKeyViolations === 0 ? [] : [`${db.foreignKeyViolations} foreign key violations`]),
  ];
}

/** Every acknowledged part of every open upload is listed with its ETag; then each upload is completed (or aborted) and modelled. */
async function verifyUploads(t: S3Target, model: ObjectModel, uploads: OpenUpload[]): Promise<string[]> {
  const problems: string[] = [];
  for (const u of uploads.splice(0)) {
    const { res, parts } = await op.listParts(t, u.bucket, u.key, u.uploadId);
    if (res.status !== 200) {
      problems.push(`ListParts ${u.key} -> ${res.status} ${res.text.slice(0, 200)}`);
      continue;
    }
    for (const [n, p] of u.acked) if (parts.get(n) !== p.etag) problems.push(`${u.key}: acknowledged part ${n} (${p.etag}) listed as ${parts.get(n) ?? 'missing'}`);
    for (const n of parts.keys()) if (!u.acked.has(n) && !u.undecided.has(n)) problems.push(`${u.key}: part ${n} listed but never sent`);
    const acked = [...u.acked].sort(([a], [b]) => a - b);
    if (acked.length === 0) {
      const aborted = await op.abortUpload(t, u.bucket, u.key, u.uploadId);
      if (aborted.status !== 204) problems.push(`AbortMultipartUpload ${u.key} -> ${aborted.status}`);
      continue;
    }
    const body = Buffer.concat(acked.map(([, p]) => payload(p.tag, p.size)));
    const w = model.begin(`${u.bucket}/${u.key}`, digestOf(body));
    const done = await op.completeUpload(t, u.bucket, u.key, u.uploadId, acked.map(([part, p]) => ({ part, etag: p.etag })));
    if (done.status === 200 && /<CompleteMultipartUploadResult/.test(done.text)) w.ack();
    else {
      w.refuse();
      problems.push(`completing ${u.key} after restart -> ${done.status} ${done.text.slice(0, 200)}`);
    }
  }
  return problems;
}

/** Acknowledged deletions, overwrites, an aborted upload and a deleted bucket: work for the sweep and the collector. */
async function makeGarbage(s: RoundState, round: number): Promise<void> {
  const present = s.model.settledPresent();
  for (const id of present.slice(0, 3)) {
    const [bucket, key] = [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];
    const w = s.model.begin(id, null);
    const res = await op.deleteObject(s.t, bucket, key);
    if (res.status === 204) w.ack();
    else {
      w.refuse();
      s.problems.push(`DeleteObject ${id} -> ${res.status}`);
    }
  }
  const upload = s.uploads.pop();
  if (upload && (await op.abortUpload(s.t, upload.bucket, upload.key, upload.uploadId)).status !== 204) s.problems.push(`abort ${upload.key} failed`);
  const scratch = `scratch-${round}`;
  const steps = [
    await op.createBucket(s.t, scratch),
    await op.putObject(s.t, scratch, 'x', payload(`scratch-${s.rng.seed}-${round}`, 70_000)),
    await op.deleteObject(s.t, scratch, 'x'),
    await s3(s.t, { method: 'DELETE', path: `/${scratch}` }),
  ];
  if (steps.some((r) => r.status >= 300)) s.problems.push(`scratch bucket steps -> ${steps.map((r) => r.status).join(',')}`);
}

/** Runs the maintenance child and SIGKILLs it at a random point; the point, or undefined if it finished first. */
async function killSweeper(dataDir: string, rng: Rng): Promise<string | undefined> {
  const plan = rng.pick(['open', 'swept', 'gc'] as const);
  const nth = rng.int(0, 6);
  const child = spawn(process.execPath, ['--import', 'tsx', SWEEPER, dataDir, String(MONTH_MS), '5'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let deleting = 0;
  let point: string | undefined;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('deleting ')) deleting++;
    // A GC with fewer deletions than planned is killed as it ends, while it closes the database.
    const hit = (plan === 'open' && line === 'open') || (plan === 'swept' && line.startsWith('swept ')) || (plan === 'gc' && ((line.startsWith('deleting ') && deleting > nth) || line.startsWith('gc ')));
    if (hit && point === undefined) {
      child.kill('SIGKILL');
      point = plan === 'gc' && line.startsWith('deleting ') ? `mid-GC, during block delete #${deleting}` : `right after "${line.slice(0, 60)}"`;
    }
  }
  await exited;
  return point;
}

export type { Gateway };
