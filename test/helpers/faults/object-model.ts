// What the client knows about every object it wrote: the set of states the server may show
// for it. An acknowledged write collapses the set to its result, a refused one (a clean error
// answer) leaves it as before, an unanswered one (connection cut by a kill) adds its result
// as a possibility. After a restart each object must be in one of its states, whole.

import { sha256 } from './seed.js';

/** `<size>:<sha256>` of an object's bytes, or null for "absent". */
export type Digest = string | null;

export const digestOf = (body: Uint8Array): string => `${body.length}:${sha256(body)}`;

export interface PendingWrite {
  /** The server acknowledged the write (2xx): this is now the only possible state. */
  ack(): void;
  /** The server refused it with an error answer: nothing changed. */
  refuse(): void;
  /** No answer (connection cut): either state is possible. */
  unknown(): void;
}

export class ObjectModel {
  private readonly states = new Map<string, Set<Digest>>();
  private readonly busy = new Set<string>();
  /** Objects written since they were last settled by a verification. */
  private readonly touched = new Set<string>();

  /** Whether a write to `id` is in flight (workloads keep one write per object at a time). */
  isBusy(id: string): boolean {
    return this.busy.has(id);
  }

  /** Objects with exactly one known, present state (safe sources for copies). */
  settledPresent(): string[] {
    return [...this.states].filter(([id, s]) => !this.busy.has(id) && s.size === 1 && !s.has(null)).map(([id]) => id);
  }

  ids(): string[] {
    return [...this.states.keys()];
  }

  possible(id: string): ReadonlySet<Digest> {
    return this.states.get(id) ?? new Set([null]);
  }

  begin(id: string, next: Digest): PendingWrite {
    if (this.busy.has(id)) throw new Error(`two writes to ${id} at once`);
    this.busy.add(id);
    this.touched.add(id);
    const before = new Set(this.possible(id));
    this.states.set(id, new Set([...before, next]));
    let done = false;
    const end = (states: Set<Digest> | undefined): void => {
      if (done) return;
      done = true;
      this.busy.delete(id);
      if (states) this.states.set(id, states);
    };
    return { ack: () => end(new Set([next])), refuse: () => end(before), unknown: () => end(undefined) };
  }

  /** Records what a verification saw, so later rounds start from a precise state. */
  settle(id: string, observed: Digest): void {
    this.states.set(id, new Set([observed]));
    this.touched.delete(id);
  }

  isTouched(id: string): boolean {
    return this.touched.has(id);
  }
}
