// Writing one block to enough Keep services (ARVADOS.md c.1, c.3; the Go SDK's putReplicas):
// services are tried in rendezvous order; against keepstores each PUT stores one replica, so
// as many PUTs as replicas are still missing run at once; against a proxy one PUT runs at a
// time and the reply says how many replicas it made. Storage classes count per class from
// X-Keep-Storage-Classes-Confirmed (or the replica count when a service sends none). Services
// that failed transiently are retried in later passes with backoff; the block is reported
// stored only when every wanted class holds the wanted number of replicas.
import { DomainError, isDomainError } from '../common/errors.js';
import type { BlockPutOptions, BlockPutResult } from './block-store.js';
import type { KeepServiceRecord } from './discovery.js';
import { pause } from './remote-deadline.js';

export interface ReplicaWrite {
  readonly md5: string;
  readonly token: string | undefined;
  /** Replicas wanted (per storage class when classes are named). */
  readonly replicas: number;
  readonly storageClasses: readonly string[];
  /** Writable services, in probe order for this block. */
  readonly services: readonly KeepServiceRecord[];
  readonly onePutPerReplica: boolean;
  /** One PUT to one service, no retries of its own; failures are DomainErrors. */
  readonly putTo: (svc: KeepServiceRecord, opts: BlockPutOptions) => Promise<BlockPutResult>;
  /** Extra passes over services that failed transiently. */
  readonly retries: number;
  /** Pause before the first retry pass; doubles each pass, capped at 10×. */
  readonly backoffMs: number;
  /** Stops new attempts (the caller's deadline). */
  readonly signal: AbortSignal;
}

class Tally {
  stored = 0;
  readonly classes = new Map<string, number>();
  locator: string | undefined;

  constructor(private readonly w: ReplicaWrite) {
    for (const c of w.storageClasses) this.classes.set(c, 0);
  }

  add(r: BlockPutResult): void {
    this.stored += r.replicas;
    this.locator = r.locator;
    for (const c of this.classes.keys()) {
      // A service that does not confirm classes is taken to have stored them all (Go SDK).
      const n = r.storageClasses === undefined ? r.replicas : (r.storageClasses[c] ?? 0);
      this.classes.set(c, this.classes.get(c)! + n);
    }
  }

  /** Replicas still missing: for the emptiest wanted class, or overall without classes. */
  missing(): number {
    if (this.classes.size === 0) return Math.max(0, this.w.replicas - this.stored);
    return Math.max(0, ...[...this.classes.values()].map((n) => this.w.replicas - n));
  }

  unconfirmedClasses(): string[] {
    return [...this.classes].filter(([, n]) => n < this.w.replicas).map(([c]) => c);
  }
}

export async function writeReplicas(w: ReplicaWrite): Promise<BlockPutResult> {
  const tally = new Tally(w);
  let queue = [...w.services];
  let lastError: DomainError | undefined;
  for (let pass = 0; ; pass++) {
    const retryLater: KeepServiceRecord[] = [];
    while (queue.length > 0 && tally.missing() > 0) {
      if (w.signal.aborted) throw w.signal.reason as Error;
      const missing = tally.missing();
      const batch = queue.splice(0, w.onePutPerReplica ? missing : 1);
      const opts: BlockPutOptions = {
        md5: w.md5,
        replicas: missing,
        ...(w.token !== undefined && { token: w.token }),
        ...(tally.classes.size > 0 && { storageClasses: tally.unconfirmedClasses() }),
      };
      const results = await Promise.allSettled(batch.map((svc) => w.putTo(svc, opts)));
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') return tally.add(r.value);
        const err: unknown = r.reason;
        if (!isDomainError(err)) throw err;
        // Refusals that every service would repeat (auth, bad request, too large) end the write.
        if (!['Unavailable', 'Corrupt', 'NotFound'].includes(err.kind)) throw err;
        lastError = err;
        if (err.kind === 'Unavailable') retryLater.push(batch[i]!);
      });
    }
    if (tally.missing() === 0) return result(w, tally);
    if (retryLater.length === 0 || pass >= w.retries) break;
    await pause(Math.min(w.backoffMs * 2 ** pass, w.backoffMs * 10), w.signal);
    queue = retryLater;
  }
  throw shortfall(w, tally, lastError);
}

function result(w: ReplicaWrite, tally: Tally): BlockPutResult {
  const classes = Object.fromEntries(tally.classes);
  return { locator: tally.locator!, replicas: tally.stored, ...(w.storageClasses.length > 0 && { storageClasses: classes }) };
}

function shortfall(w: ReplicaWrite, tally: Tally, lastError: DomainError | undefined): DomainError {
  if (tally.stored === 0 && lastError) return lastError;
  const classes = tally.unconfirmedClasses();
  const what = classes.length > 0 ? `storage classes ${classes.join(', ')}` : 'replicas';
  const detail = lastError ? ` (last error: ${lastError.message})` : '';
  return new DomainError(
    'Unavailable',
    `block ${w.md5}: wanted ${w.replicas} ${what}, stored ${tally.stored} replica(s) on ${w.services.length} writable service(s)${detail}`,
    { cause: lastError },
  );
}
