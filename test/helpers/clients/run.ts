// Runs a client's command line and captures everything it printed, so a failing test can
// show the exact command, its exit status and its output.

import { spawn } from 'node:child_process';

export interface RunOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this long (a hung client must fail the test, not block CI). */
  timeoutMs?: number;
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

const DEFAULT_TIMEOUT_MS = 180_000;
const TAIL_CHARS = 4000;

export async function run(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const command = [cmd, ...args].map(quoteArg).join(' ');
  const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res, rej) => {
      child.once('error', rej);
      child.once('close', (c, s) => res([c, s]));
    });
    return { command, code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the command and throws (with its output) unless it exits 0. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new ClientCommandError(r);
  return r;
}

export class ClientCommandError extends Error {
  declare readonly result: RunResult;
  constructor(result: RunResult) {
    super(describeRun(result));
    this.name = 'ClientCommandError';
    // Not enumerable: reporters would print the raw buffers again after the message.
    Object.defineProperty(this, 'result', { value: result, enumerable: false });
  }
}

export function describeRun(r: RunResult): string {
  const status = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  return `\`${r.command}\` -> ${status}\n--- stdout (tail) ---\n${tail(r.stdout.toString('utf8'))}\n--- stderr (tail) ---\n${tail(r.stderr)}`;
}

/** Everything the command printed, as text (clients report errors on either stream). */
export function output(r: RunResult): string {
  return `${r.stdout.toString('utf8')}\n${r.stderr}`;
}

function tail(s: string): string {
  return s.length > TAIL_CHARS ? `…${s.slice(-TAIL_CHARS)}` : s;
}

function quoteArg(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`;
}
