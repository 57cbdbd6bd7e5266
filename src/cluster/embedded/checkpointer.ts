// Copies the metadata WAL back into the database file from a worker thread with its own
// connection, so the event loop does not. SQLite's automatic checkpoint runs inside the
// commit that crosses its threshold, on the committing thread: measured here with 4 KiB
// block rows, checkpoints took 40% of all commit time and stalled the event loop up to
// 140 ms.
//
// A WAL only restarts from its beginning once every frame was copied and no writer came
// between, which steady writes prevent; so when it has grown past `restartPages`, the
// worker's next checkpoint runs while the group commit holds its batches (operations keep
// queueing; the event loop keeps serving reads), right after a passive one copied nearly
// everything. The main connection keeps an automatic checkpoint at a higher threshold, a
// backstop should the worker fail.

import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db.js';

export interface CheckpointerOptions {
  /** Runs `work` with the database's writes held (GroupCommit.whileHeld). */
  readonly hold: (work: () => Promise<void>) => Promise<void>;
  /** Delay between a commit and the checkpoint that copies it (default 100 ms). */
  readonly delayMs?: number;
  /** WAL size in pages from which a checkpoint also restarts it (default 4096: 16 MiB of 4 KiB pages). */
  readonly restartPages?: number;
  /** The main connection's own checkpoint threshold in pages (default 4 x restartPages). */
  readonly backstopPages?: number;
  /** Sees a failing checkpoint or a dead worker. */
  readonly onError?: (err: Error) => void;
}

type Mode = 'PASSIVE' | 'RESTART';

interface Reply {
  readonly ok: boolean;
  /** Frames in the WAL and frames copied, as wal_checkpoint reports them. */
  readonly log?: number;
  readonly checkpointed?: number;
  readonly message?: string;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
parentPort.on('message', (mode) => {
  if (mode === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [r] = db.pragma('wal_checkpoint(' + mode + ')');
    parentPort.postMessage({ ok: true, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
  }
});
`;

export class Checkpointer {
  private readonly worker: Worker;
  private readonly delayMs: number;
  private readonly restartPages: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private answer: ((r: Reply) => void) | undefined;
  private dirty = false;
  private dead = false;
  private readonly counts = { checkpoints: 0, restarts: 0 };

  constructor(
    db: Db,
    private readonly opts: CheckpointerOptions,
  ) {
    this.delayMs = opts.delayMs ?? 100;
    this.restartPages = opts.restartPages ?? 4096;
    db.pragma(`wal_autocheckpoint = ${opts.backstopPages ?? 4 * this.restartPages}`);
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, name: 'wal-checkpoint', workerData: { module, file: db.name } });
    this.worker.unref();
    this.worker.on('message', (r: Reply) => this.answer?.(r));
    // Errors thrown in the worker arrive as plain clones: not always with a message.
    this.worker.on('error', (err: unknown) => this.die(new Error(`WAL checkpoint worker failed: ${(err as Error | undefined)?.message ?? String(err)}`, { cause: err })));
    this.worker.on('exit', () => this.die(new Error('WAL checkpoint worker exited')));
  }

  /** Checkpoints the worker completed, and how many of them restarted the WAL. */
  stats(): { checkpoints: number; restarts: number } {
    return { ...this.counts };
  }

  /** Called after every commit: a checkpoint follows within the delay. */
  noteCommit(): void {
    this.dirty = true;
    if (this.timer === undefined && this.running === undefined && !this.dead) this.schedule();
  }

  /** Waits for a running checkpoint and closes the worker's connection. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.dead) return;
    this.dead = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.ref(); // keep the process alive until the worker has closed its connection
    this.worker.postMessage('close');
    await exited;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dirty = false;
      this.running = this.cycle().finally(() => {
        this.running = undefined;
        if (this.dirty && !this.dead) this.schedule();
      });
    }, this.delayMs);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    const passive = await this.checkpoint('PASSIVE');
    if (passive !== undefined && passive >= this.restartPages) await this.opts.hold(async () => void (await this.checkpoint('RESTART')));
  }

  /** Runs one checkpoint on the worker; resolves to the WAL's size in frames before it (undefined on failure). */
  private checkpoint(mode: Mode): Promise<number | undefined> {
    if (this.dead) return Promise.resolve(undefined);
    this.worker.ref(); // an answer is due
    return new Promise<number | undefined>((resolve) => {
      this.answer = (r) => {
        this.answer = undefined;
        this.worker.unref();
        if (!r.ok) {
          this.opts.onError?.(new Error(`WAL checkpoint failed: ${r.message ?? 'unknown error'}`));
          return resolve(undefined);
        }
        this.counts.checkpoints++;
        if (mode === 'RESTART') this.counts.restarts++;
        resolve(r.log);
      };
      this.worker.postMessage(mode);
    });
  }

  private die(err: Error): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.timer);
    if (this.answer) this.answer({ ok: false, message: err.message });
    else this.opts.onError?.(err);
  }
}
