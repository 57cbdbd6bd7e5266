// A hard bound on one call to a remote cluster: whatever retries and backoff happen inside,
// the caller hears back within `ms`, as DomainError 'Unavailable' when time ran out. The work
// gets an AbortSignal so it stops starting new attempts once the caller has been answered; an
// attempt already on the wire ends by its own socket timeouts, and its result is dropped.
import { DomainError } from '../common/errors.js';

export async function withDeadline<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new DomainError('Unavailable', `${what}: no answer within ${ms / 1000} s`);
      controller.abort(err);
      reject(err);
    }, ms);
  });
  const running = work(controller.signal);
  running.catch(() => {}); // after the deadline nobody awaits it
  try {
    return await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits `ms`, or less if `signal` fires first (then rejects with the signal's reason). */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
