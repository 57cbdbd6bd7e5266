// Makes committed WAL frames durable with an fdatasync of the -wal file on the libuv
// threadpool, so the event loop keeps serving requests while the disk works. Callers that
// arrive while a sync is running share the next one (it starts when the running one ends,
// so it covers their commits): one fdatasync per burst of commits, not one per commit.
//
// After a failed sync the kernel may have dropped the dirty pages it could not write, so a
// later successful fdatasync proves nothing about them: every later sync fails too.

import { open, type FileHandle } from 'node:fs/promises';

export class WalSync {
  private handle: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private failure: Error | undefined;
  private count = 0;

  constructor(private readonly walPath: string) {}

  /** Resolves once an fdatasync of the WAL that started after this call has completed. */
  sync(): Promise<void> {
    if (this.running === undefined) return this.start();
    const after = (): Promise<void> => this.start();
    return (this.next ??= this.running.then(after, after));
  }

  /** Why syncing stopped working, if it did. */
  failed(): Error | undefined {
    return this.failure;
  }

  /** fdatasyncs issued so far. */
  syncs(): number {
    return this.count;
  }

  /** Waits for the syncs in flight, then closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.next]);
    const handle = this.handle;
    this.handle = undefined;
    await (await handle?.catch(() => undefined))?.close();
  }

  private start(): Promise<void> {
    this.next = undefined;
    this.count++;
    const run = this.datasync();
    this.running = run;
    const forget = (): void => {
      if (this.running === run) this.running = undefined;
    };
    run.then(forget, forget);
    return run;
  }

  private async datasync(): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      // Opened on first use: SQLite creates the file with the first write transaction. It
      // keeps the same file while any connection is open, so one handle serves every sync.
      this.handle ??= open(this.walPath, 'r');
      await (await this.handle).datasync();
    } catch (err) {
      this.handle = undefined;
      this.failure = new Error(`syncing the metadata write-ahead log failed; writes are refused until restart`, { cause: err });
      throw this.failure;
    }
  }
}
