// Group commit for directory fsyncs. A rename is durable only once its directory is fsynced;
// when many puts land in the same directory, callers that arrive while an fsync is running
// share the next one (which starts when the running one ends, so it covers their renames)
// instead of each paying their own.

export type FsyncDir = (dir: string) => Promise<void>;

interface DirState {
  running: Promise<void>;
  next: Promise<void> | undefined;
}

export class DirectorySyncer {
  private readonly dirs = new Map<string, DirState>();
  private readonly fsyncDir: FsyncDir;
  private count = 0;

  constructor(fsyncDir: FsyncDir) {
    this.fsyncDir = fsyncDir;
  }

  /** Resolves once an fsync of `dir` that started after this call has completed. */
  sync(dir: string): Promise<void> {
    const state = this.dirs.get(dir);
    if (!state) return this.start(dir);
    const after = (): Promise<void> => this.start(dir);
    return (state.next ??= state.running.then(after, after));
  }

  /** Number of fsyncs issued so far (lets tests and metrics see the sharing). */
  fsyncs(): number {
    return this.count;
  }

  private start(dir: string): Promise<void> {
    this.count++;
    const state: DirState = { running: this.fsyncDir(dir), next: undefined };
    this.dirs.set(dir, state);
    const forget = (): void => {
      if (this.dirs.get(dir) === state && state.next === undefined) this.dirs.delete(dir);
    };
    state.running.then(forget, forget);
    return state.running;
  }
}
