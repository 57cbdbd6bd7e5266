// Seeded randomness for the adversarial tests: one seed per run, printed so a failure can be
// replayed with KEEPGATE_STRESS_SEED=<seed>. Payloads are derived from a tag with AES-CTR, so
// the same tag always gives the same bytes without keeping them in memory.

import { createCipheriv, createHash, randomInt } from 'node:crypto';

export interface Rng {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** The run's seed: KEEPGATE_STRESS_SEED if set, else a fresh one; printed either way. */
export function stressSeed(label: string): number {
  const fromEnv = process.env.KEEPGATE_STRESS_SEED;
  const seed = fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : randomInt(1, 2 ** 31 - 1);
  if (!Number.isSafeInteger(seed)) throw new Error(`KEEPGATE_STRESS_SEED must be an integer, got ${JSON.stringify(fromEnv)}`);
  process.stdout.write(`# ${label}: seed ${seed} (replay with KEEPGATE_STRESS_SEED=${seed})\n`);
  return seed;
}

/** mulberry32: small, fast, good enough to spread kill points and sizes. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed,
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)]!;
    },
    chance: (p) => next() < p,
  };
}

/** `size` pseudo-random bytes determined by `tag` (distinct tags give distinct blocks). */
export function payload(tag: string, size: number): Buffer {
  const key = createHash('sha256').update(tag).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

export const sha256 = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');
export const md5 = (b: Uint8Array | string): string => createHash('md5').update(b).digest('hex');
