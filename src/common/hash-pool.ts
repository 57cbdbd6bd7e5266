// MD5/SHA-256 of large buffers on worker threads, so hashing 64 MiB blocks does not stall the
// event loop (~80 ms of CPU per 64 MiB MD5). Bytes cross threads in one of two ways:
//  - a SharedArrayBuffer-backed input is hashed in place (no copy; the caller must not change
//    it until the promise settles);
//  - anything else is copied into a recycled ArrayBuffer that is transferred to the worker and
//    transferred back after hashing. Measured on this machine (Node 20): copying 64 MiB into
//    fresh memory costs ~28 ms of main-thread time (page faults), into recycled memory ~3.5 ms;
//    a structured-clone postMessage copies twice, and copying into a fresh SharedArrayBuffer is
//    slower still, so recycled transferable buffers win for 1 MiB and 64 MiB alike.
// Inputs below `inlineBelowBytes` are hashed on the calling thread: posting them costs as much.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { DomainError } from './errors.js';
import { HASH_WORKER_SOURCE, YOUNG_GENERATION_MB } from './hash-worker-source.js';

export type HashAlgorithm = 'md5' | 'sha256';

export interface HashPoolOptions {
  readonly threads: number;
  /** Inputs smaller than this are hashed inline (default 32 KiB). */
  readonly inlineBelowBytes?: number;
  /** Bytes of idle transfer buffers kept for reuse (default 32 MiB). */
  readonly retainBytes?: number;
}

/** Incremental hash running on one worker; updates are applied in order. */
export interface StreamHasher {
  /**
   * Copies `buf` (the caller may reuse it at once) and queues it for hashing. Returns a promise
   * while the worker is behind by more than a few MiB, resolved (never rejected) once it has
   * caught up: a producer that awaits it keeps the queued copies, i.e. memory, bounded.
   */
  update(buf: Uint8Array): Promise<void> | undefined;
  digest(): Promise<Buffer>;
  /** Drops the state without a digest (e.g. an aborted upload). */
  cancel(): void;
}

export interface HashPoolStats {
  readonly threads: number;
  readonly pendingJobs: number;
  readonly retainedBytes: number;
}


const MIN_CLASS = 64 * 1024;
const STREAM_CHUNK = 1024 * 1024;
/** Bytes a stream may have queued on its worker before update() asks the producer to wait. */
const STREAM_HIGH_WATER = 8 * STREAM_CHUNK;
const STREAM_LOW_WATER = STREAM_HIGH_WATER / 2;
/** How much queued work an open stream counts for when placing one-shot jobs (a 64 MiB block). */
const STREAM_WEIGHT = 64 * STREAM_CHUNK;

type Job = { readonly bytes: number; readonly keepBuffer: boolean; resolve(r: HashResult): void; reject(e: unknown): void };
type HashResult = { digest: Buffer; buf?: ArrayBuffer };
type Reply = { id?: number; sid?: number; digest?: Uint8Array; error?: string; buf?: ArrayBuffer; len?: number };

interface Slot {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
  queuedBytes: number;
  /** Streams open on this worker (each may keep it busy for as long as its producer runs). */
  streams: number;
  dead: boolean;
}

/** A stream's bytes queued on its worker, and the producer waiting for them to drain. */
interface Backlog {
  readonly slot: Slot;
  queued: number;
  finished: boolean;
  drained?: { readonly promise: Promise<void>; readonly resolve: () => void };
}

export class HashPool {
  private readonly slots: Slot[] = [];
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly backlogs = new Map<number, Backlog>();
  // A stream dropped without digest() or cancel() (an aborted upload) is cancelled once it is
  // collected, so neither its worker state nor its bookkeeping stays behind.
  private readonly abandoned = new FinalizationRegistry<number>((sid) => this.abandon(sid));
  private readonly inlineBelow: number;
  private readonly retainLimit: number;
  private retained = 0;
  private nextId = 1;
  private closed = false;

  constructor(opts: HashPoolOptions) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) throw new RangeError(`threads must be a positive integer, got ${opts.threads}`);
    this.inlineBelow = opts.inlineBelowBytes ?? 32 * 1024;
    // Resident memory: enough for the staging buffers of a few dozen streams, or a 16 MiB block
    // (full blocks normally arrive in shared buffers, hashed in place).
    this.retainLimit = opts.retainBytes ?? 32 * 1024 * 1024;
    for (let i = 0; i < opts.threads; i++) this.slots.push(this.spawn());
  }

  md5(buf: Uint8Array): Promise<string> {
    return this.hash('md5', buf).then((d) => d.toString('hex'));
  }

  sha256(buf: Uint8Array): Promise<string> {
    return this.hash('sha256', buf).then((d) => d.toString('hex'));
  }

  /** Raw digest of `buf`. A SharedArrayBuffer-backed `buf` must not change until this settles. */
  async hash(alg: HashAlgorithm, buf: Uint8Array): Promise<Buffer> {
    this.assertOpen();
    if (buf.length < this.inlineBelow) return createHash(alg).update(buf).digest();
    const slot = this.pickSlot();
    const id = this.nextId++;
    const done = this.expect(slot, id, { bytes: buf.length, keepBuffer: false });
    this.post(slot, { op: 'hash', id, alg }, buf);
    return (await done).digest;
  }

  /**
   * MD5 (hex) of a buffer the caller hands over, e.g. one just read from disk: its memory moves
   * to the worker and back without a copy. `buf` is unusable afterwards; use the returned one.
   */
  async md5Owned(buf: Buffer): Promise<{ md5: string; buf: Buffer }> {
    this.assertOpen();
    const whole = buf.buffer instanceof ArrayBuffer && buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength;
    if (!whole || buf.length < this.inlineBelow) return { md5: await this.md5(buf), buf };
    const slot = this.pickSlot();
    const id = this.nextId++;
    const done = this.expect(slot, id, { bytes: buf.length, keepBuffer: true });
    slot.worker.postMessage({ op: 'hash', id, alg: 'md5', buf: buf.buffer, off: 0, len: buf.length }, [buf.buffer]);
    const r = await done;
    return { md5: r.digest.toString('hex'), buf: Buffer.from(r.buf!) };
  }

  stream(alg: HashAlgorithm): StreamHasher {
    this.assertOpen();
    const slot = this.pickStreamSlot();
    const sid = this.nextId++;
    slot.streams++;
    let staged = Buffer.from(this.takeBuffer(STREAM_CHUNK));
    let stagedLen = 0;
    let posted = false;
    let finished = false;
    const backlog: Backlog = { slot, queued: 0, finished: false };
    this.backlogs.set(sid, backlog);
    const flush = (): void => {
      if (stagedLen === 0) return;
      posted = true;
      slot.queuedBytes += stagedLen;
      backlog.queued += stagedLen;
      slot.worker.postMessage({ op: 'update', sid, alg, buf: staged.buffer, off: 0, len: stagedLen }, [staged.buffer]);
      staged = Buffer.from(this.takeBuffer(STREAM_CHUNK));
      stagedLen = 0;
    };
    const check = (): void => {
      if (finished) throw new Error('StreamHasher used after digest() or cancel()');
      this.assertOpen();
    };
    const hasher: StreamHasher = {
      update: (buf) => {
        check();
        let off = 0;
        while (off < buf.length) {
          const n = Math.min(buf.length - off, staged.length - stagedLen);
          staged.set(buf.subarray(off, off + n), stagedLen);
          stagedLen += n;
          off += n;
          if (stagedLen === staged.length) flush();
        }
        if (backlog.queued <= STREAM_HIGH_WATER || slot.dead) return undefined;
        if (!backlog.drained) {
          let resolve!: () => void;
          const promise = new Promise<void>((r) => (resolve = r));
          backlog.drained = { promise, resolve };
        }
        return backlog.drained.promise;
      },
      digest: () => {
        check();
        finished = true;
        this.abandoned.unregister(hasher);
        this.endBacklog(sid);
        if (!posted && stagedLen < this.inlineBelow) {
          const d = createHash(alg).update(staged.subarray(0, stagedLen)).digest();
          this.giveBack(staged.buffer);
          return Promise.resolve(d);
        }
        flush();
        this.giveBack(staged.buffer);
        if (slot.dead) return Promise.reject(new DomainError('Internal', 'hash worker died during a stream'));
        const id = this.nextId++;
        const done = this.expect(slot, id, { bytes: 0, keepBuffer: false });
        slot.worker.postMessage({ op: 'digest', id, sid, alg });
        return done.then((r) => r.digest);
      },
      cancel: () => {
        if (finished) return;
        finished = true;
        this.abandoned.unregister(hasher);
        this.endBacklog(sid);
        this.giveBack(staged.buffer);
        if (posted && !slot.dead && !this.closed) slot.worker.postMessage({ op: 'cancel', sid });
      },
    };
    this.abandoned.register(hasher, sid, hasher);
    return hasher;
  }

  stats(): HashPoolStats {
    let pendingJobs = 0;
    for (const s of this.slots) pendingJobs += s.jobs.size;
    return { threads: this.slots.length, pendingJobs, retainedBytes: this.retained };
  }

  /** Rejects pending work and ends every thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const slots = this.slots.splice(0);
    this.free.clear();
    this.retained = 0;
    await Promise.all(
      slots.map((s) => {
        this.fail(s, new DomainError('Unavailable', 'hash pool closed'));
        return s.worker.terminate();
      }),
    );
  }

  private assertOpen(): void {
    if (this.closed) throw new DomainError('Unavailable', 'hash pool closed');
  }

  private spawn(): Slot {
    const worker = new Worker(HASH_WORKER_SOURCE, { eval: true, name: 'hash-pool', resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    const slot: Slot = { worker, jobs: new Map(), queuedBytes: 0, streams: 0, dead: false };
    worker.unref(); // idle workers must not keep the process alive; ref()'d while jobs are pending
    worker.on('message', (m: Reply) => this.onReply(slot, m));
    const onDeath = (err: unknown): void => {
      if (slot.dead) return;
      this.fail(slot, new DomainError('Internal', 'hash worker died', { cause: err }));
      const i = this.slots.indexOf(slot);
      if (i >= 0 && !this.closed) this.slots[i] = this.spawn();
    };
    worker.on('error', onDeath);
    worker.on('exit', (code) => onDeath(new Error(`exit code ${code}`)));
    return slot;
  }

  private onReply(slot: Slot, m: Reply): void {
    if (m.len !== undefined) slot.queuedBytes -= m.len;
    if (m.sid !== undefined && m.len !== undefined) this.drain(m.sid, m.len);
    const job = m.id === undefined ? undefined : slot.jobs.get(m.id);
    if (m.buf !== undefined && !job?.keepBuffer) this.giveBack(m.buf);
    if (!job) return;
    slot.jobs.delete(m.id!);
    slot.queuedBytes -= job.bytes;
    if (slot.jobs.size === 0) slot.worker.unref();
    if (m.error !== undefined || m.digest === undefined) job.reject(new DomainError('Internal', `hash failed: ${m.error}`));
    else job.resolve({ digest: Buffer.from(m.digest.buffer, m.digest.byteOffset, m.digest.byteLength), buf: m.buf });
  }

  private fail(slot: Slot, err: DomainError): void {
    slot.dead = true;
    for (const job of slot.jobs.values()) job.reject(err);
    slot.jobs.clear();
    // Producers waiting on a stream of this worker go on; its digest reports the failure.
    for (const [sid, b] of this.backlogs) {
      if (b.slot !== slot) continue;
      b.drained?.resolve();
      this.backlogs.delete(sid);
    }
  }

  private drain(sid: number, bytes: number): void {
    const b = this.backlogs.get(sid);
    if (!b) return;
    b.queued -= bytes;
    if (b.drained && b.queued <= STREAM_LOW_WATER) {
      b.drained.resolve();
      b.drained = undefined;
    }
    if (b.finished && b.queued <= 0) this.backlogs.delete(sid);
  }

  private abandon(sid: number): void {
    const slot = this.backlogs.get(sid)?.slot;
    this.endBacklog(sid);
    if (slot && !slot.dead && !this.closed) slot.worker.postMessage({ op: 'cancel', sid });
  }

  /** The stream takes no more updates: nobody waits on it any more. */
  private endBacklog(sid: number): void {
    const b = this.backlogs.get(sid);
    if (!b) return;
    b.finished = true;
    b.slot.streams--;
    b.drained?.resolve();
    b.drained = undefined;
    if (b.queued <= 0) this.backlogs.delete(sid);
  }

  private expect(slot: Slot, id: number, job: { bytes: number; keepBuffer: boolean }): Promise<HashResult> {
    if (slot.jobs.size === 0) slot.worker.ref();
    slot.queuedBytes += job.bytes;
    return new Promise<HashResult>((resolve, reject) => slot.jobs.set(id, { ...job, resolve, reject }));
  }

  /** Sends `data` to the worker: in place when shared, else through a recycled buffer. */
  private post(slot: Slot, msg: object, data: Uint8Array): void {
    if (data.buffer instanceof SharedArrayBuffer) {
      slot.worker.postMessage({ ...msg, buf: data.buffer, off: data.byteOffset, len: data.length });
      return;
    }
    const buf = this.takeBuffer(data.length);
    new Uint8Array(buf).set(data);
    slot.worker.postMessage({ ...msg, buf, off: 0, len: data.length }, [buf]);
  }

  /** For a one-shot job: the worker with the least queued, an open stream counting as a block's worth. */
  private pickSlot(): Slot {
    const load = (x: Slot): number => x.queuedBytes + x.streams * STREAM_WEIGHT;
    let best = this.slots[0]!;
    for (const x of this.slots) if (load(x) < load(best)) best = x;
    return best;
  }

  /** For a stream: the worker with the fewest streams, then the least queued. */
  private pickStreamSlot(): Slot {
    let best = this.slots[0]!;
    for (const x of this.slots) if (x.streams < best.streams || (x.streams === best.streams && x.queuedBytes < best.queuedBytes)) best = x;
    return best;
  }

  private takeBuffer(size: number): ArrayBuffer {
    let cap = MIN_CLASS;
    while (cap < size) cap *= 2;
    const list = this.free.get(cap);
    const reused = list?.pop();
    if (reused) {
      this.retained -= cap;
      return reused;
    }
    return Buffer.allocUnsafeSlow(cap).buffer as ArrayBuffer;
  }

  private giveBack(buf: ArrayBuffer): void {
    const cap = buf.byteLength;
    if (this.closed || cap < MIN_CLASS || (cap & (cap - 1)) !== 0 || this.retained + cap > this.retainLimit) return;
    const list = this.free.get(cap) ?? [];
    list.push(buf);
    this.free.set(cap, list);
    this.retained += cap;
  }
}
