// Every child process and temporary directory of a bench run, so that one call (or Ctrl-C, or
// a crash) ends them all. Children log to a file in their temp dir rather than a pipe, which
// keeps the harness from spending CPU on their output; the log's tail explains failures.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpawnOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly logDir: string;
  /** Our own child programs exit when their stdin closes, so they never outlive the harness. */
  readonly stdinPipe: boolean;
}

export class ManagedChild {
  private exitText: string | undefined;
  readonly exited: Promise<string>;

  constructor(
    readonly name: string,
    readonly process: ChildProcess,
    readonly logFile: string,
  ) {
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        this.exitText = `${name} exited (${signal ?? `code ${code}`})`;
        resolve(this.exitText);
      });
      process.once('error', (err) => {
        this.exitText = `${name} could not start: ${err.message}`;
        resolve(this.exitText);
      });
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** Why the child is gone, or undefined while it runs. */
  deadReason(): string | undefined {
    return this.exitText;
  }

  logTail(bytes = 1500): string {
    try {
      const text = readFileSync(this.logFile, 'utf8');
      return text.slice(-bytes).trim();
    } catch {
      return '';
    }
  }
}

export class ProcessGroup {
  private readonly children = new Set<ManagedChild>();
  private readonly dirs = new Set<string>();

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), `keepgate-bench-${prefix}-`));
    this.dirs.add(dir);
    return dir;
  }

  spawn(options: SpawnOptions): ManagedChild {
    const logFile = join(options.logDir, `${options.name}.log`);
    const fd = openSync(logFile, 'a');
    try {
      const proc = spawn(options.command, [...options.args], {
        cwd: options.cwd,
        stdio: [options.stdinPipe ? 'pipe' : 'ignore', fd, fd],
      });
      const child = new ManagedChild(options.name, proc, logFile);
      this.children.add(child);
      return child;
    } finally {
      closeSync(fd);
    }
  }

  /** SIGTERM, then SIGKILL after a grace period; then the temp dirs go. */
  async shutdown(graceMs = 3000): Promise<void> {
    await Promise.all(
      [...this.children].map(async (child) => {
        if (child.deadReason() !== undefined) return;
        child.process.kill('SIGTERM');
        const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
        await child.exited;
        clearTimeout(timer);
      }),
    );
    this.children.clear();
    this.removeDirs();
  }

  /** For exit paths that cannot wait (signal handlers, process 'exit'). */
  shutdownSync(): void {
    for (const child of this.children) if (child.deadReason() === undefined) child.process.kill('SIGKILL');
    this.children.clear();
    this.removeDirs();
  }

  private removeDirs(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits until the child accepts TCP connections on port (and `ready()` holds), or fails. */
export async function waitUntilListening(
  child: ManagedChild,
  port: number,
  options: { timeoutMs: number; ready?: () => boolean },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const dead = child.deadReason();
    if (dead !== undefined) throw new Error(`${dead}: ${child.logTail()}`);
    if ((options.ready?.() ?? true) && (await canConnect(port))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.name} did not listen on port ${port} within ${options.timeoutMs} ms: ${child.logTail()}`);
}
