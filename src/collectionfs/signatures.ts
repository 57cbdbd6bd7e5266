// Keeping `+A` signatures usable (ARVADOS.md b.3). Before a stored block is read, its locator
// is checked: expiring within a minute (or expired) → fetch fresh signatures now and use them;
// less than half the signature TTL left → fetch them in the background. Fresh signatures are
// applied to every stored segment of the same block.
import { signatureExpiry } from '../keep/signature.js';
import type { Clock } from './tree.js';

export interface SignatureKeeperOptions {
  /** Returns the collection's manifest text, freshly signed; absent = never refresh. */
  readonly refresh?: () => Promise<string>;
  readonly clock: Clock;
  /** The cluster's signature TTL, when known; otherwise it is guessed from what is seen. */
  readonly signatureTtlMs?: number;
  /** Applies block hash → fresh locator to the tree. */
  readonly apply: (fresh: ReadonlyMap<string, string>) => void;
}

const SYNC_THRESHOLD_MS = 60_000;
const LOCATOR_TOKEN = /^[0-9a-f]{32}\+/;

export class SignatureKeeper {
  private readonly opts: SignatureKeeperOptions;
  /** Newest locator per block hash from a refresh (readers may hold older strings). */
  private readonly fresh = new Map<string, string>();
  private guessTtlMs: number;
  private running: Promise<void> | undefined;
  private quietUntil = 0;

  constructor(opts: SignatureKeeperOptions) {
    this.opts = opts;
    this.guessTtlMs = opts.signatureTtlMs ?? 0;
  }

  /** The locator to use for reading this block now, refreshing signatures if needed. */
  async forRead(locator: string): Promise<string> {
    const current = this.newest(locator);
    const expiry = signatureExpiry(current);
    if (expiry === undefined || this.opts.refresh === undefined) return current;
    const now = this.opts.clock.now();
    const left = expiry * 1000 - now;
    this.guessTtlMs = Math.max(this.guessTtlMs, left);
    if (left <= SYNC_THRESHOLD_MS) {
      await this.refreshNow();
      return this.newest(current);
    }
    if (left < this.guessTtlMs / 2 && now >= this.quietUntil) void this.refreshNow();
    return current;
  }

  /** Resolves when no refresh is running. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private newest(locator: string): string {
    return this.fresh.get(locator.slice(0, 32)) ?? locator;
  }

  // One refresh at a time; failures are ignored (the read then uses what it has, as Go does).
  private refreshNow(): Promise<void> {
    this.running ??= this.fetchAndApply().finally(() => {
      this.running = undefined;
      this.quietUntil = this.opts.clock.now() + this.guessTtlMs / 100;
    });
    return this.running;
  }

  private async fetchAndApply(): Promise<void> {
    let text: string;
    try {
      text = await this.opts.refresh!();
    } catch {
      return;
    }
    const update = new Map<string, string>();
    for (const token of text.split(/\s+/)) if (LOCATOR_TOKEN.test(token)) update.set(token.slice(0, 32), token);
    for (const [hash, loc] of update) this.fresh.set(hash, loc);
    this.opts.apply(update);
  }
}
