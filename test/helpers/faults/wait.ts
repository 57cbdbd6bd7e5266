// Polling helpers: waiting for a condition or for a value to stop changing is how these
// tests observe a server settle, without asserting on how long anything took.

import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves once `cond()` is true; throws after `maxMs` (a hang is a failure). */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, maxMs = 30_000, everyMs = 20): Promise<void> {
  for (let waited = 0; ; waited += everyMs) {
    if (await cond()) return;
    if (waited >= maxMs) throw new Error(`gave up waiting for ${what} after ${maxMs} ms`);
    await sleep(everyMs);
  }
}

/** The value of `read()` once it has stayed the same for `polls` polls in a row. */
export async function settledValue(read: () => number, polls = 5, everyMs = 100): Promise<number> {
  let last = read();
  for (let same = 0; same < polls; ) {
    await sleep(everyMs);
    const now = read();
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}
