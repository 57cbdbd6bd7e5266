// Runs test/helpers/start-api-server.ts in a child process and reads its one JSON line, so
// a client under test talks to the embedded REST API over a real socket in another process
// (nothing shared in memory, as with a remote cluster).

import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface ApiServerProcess {
  readonly url: string;
  readonly adminToken: string;
  readonly child: ChildProcess;
  /** SIGTERM, then waits for the process to exit (it removes its temporary data directory). */
  stop(): Promise<void>;
}

const SCRIPT = resolve(import.meta.dirname, '..', 'helpers', 'start-api-server.ts');
const REPO = resolve(import.meta.dirname, '..', '..');

export async function startApiServerProcess(args: readonly string[] = []): Promise<ApiServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const first = await new Promise<string>((ok, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      ok(line);
    });
    child.once('exit', (code) => fail(new Error(`start-api-server exited with ${code} before printing its address`)));
  });
  const { url, adminToken } = JSON.parse(first) as { url: string; adminToken: string };
  return {
    url,
    adminToken,
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
