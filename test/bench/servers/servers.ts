// Starting the servers under test, each as a child process with a fresh temp directory:
// keepgate (the built gateway), keepgate in remote mode (keepgate-remote.ts), s3rver (the
// peer) and the two ceiling servers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { S3Credentials } from '../lib/s3-client.js';
import { freePort, waitUntilListening } from '../lib/processes.js';
import type { ManagedChild, ProcessGroup } from '../lib/processes.js';
import { startKeepgateRemote } from './keepgate-remote.js';

export type ServerName = 'keepgate' | 'keepgate-remote' | 's3rver' | 'ceiling' | 'ceiling-md5';
export const SERVER_NAMES: readonly ServerName[] = ['keepgate', 'keepgate-remote', 's3rver', 'ceiling', 'ceiling-md5'];

export interface BenchServer {
  readonly name: ServerName;
  readonly endpoint: string;
  readonly credentials: S3Credentials;
  readonly child: ManagedChild;
}

export interface StartContext {
  readonly group: ProcessGroup;
  readonly repoRoot: string;
  readonly benchDir: string;
}

const START_TIMEOUT_MS = 30_000;
const TSX = ['--import', 'tsx'];

/** `node dist/src/main.js serve …`; credentials come from the credentials.json it writes. */
export async function startKeepgate(ctx: StartContext): Promise<BenchServer> {
  const main = join(ctx.repoRoot, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing (run make build)`);
  const dataDir = ctx.group.tempDir('keepgate');
  mkdirSync(join(dataDir, 'data'));
  const [port, apiPort] = [await freePort(), await freePort()];
  const child = ctx.group.spawn({
    name: 'keepgate',
    command: process.execPath,
    args: [main, 'serve', '--data', join(dataDir, 'data'), '--port', String(port), '--api-port', String(apiPort), '--host', '127.0.0.1'],
    cwd: ctx.repoRoot,
    logDir: dataDir,
    stdinPipe: false,
  });
  const credentialsFile = join(dataDir, 'data', 'credentials.json');
  await waitUntilListening(child, port, { timeoutMs: START_TIMEOUT_MS, ready: () => existsSync(credentialsFile) });
  const creds = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { access_key?: string; secret_key?: string };
  if (!creds.access_key || !creds.secret_key) throw new Error(`${credentialsFile} has no access_key/secret_key`);
  return {
    name: 'keepgate',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: creds.access_key, secretAccessKey: creds.secret_key },
    child,
  };
}

/** Installs s3rver into test/bench/node_modules when it is not there (fresh clone). */
export function ensureS3rverInstalled(benchDir: string): void {
  if (existsSync(join(benchDir, 'node_modules', 's3rver', 'package.json'))) return;
  const lock = existsSync(join(benchDir, 'package-lock.json'));
  console.log(`installing the bench's own dependencies (npm ${lock ? 'ci' : 'install'} --prefix test/bench)…`);
  execFileSync('npm', [lock ? 'ci' : 'install', '--prefix', benchDir, '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

export async function startS3rver(ctx: StartContext): Promise<BenchServer> {
  ensureS3rverInstalled(ctx.benchDir);
  const dir = ctx.group.tempDir('s3rver');
  const port = await freePort();
  const child = ctx.group.spawn({
    name: 's3rver',
    command: process.execPath,
    args: ['--openssl-legacy-provider', ...TSX, join(ctx.benchDir, 'servers', 's3rver-launcher.ts'), '--port', String(port), '--directory', join(dir, 'data')],
    cwd: ctx.benchDir,
    logDir: dir,
    stdinPipe: true,
  });
  await waitUntilListening(child, port, { timeoutMs: START_TIMEOUT_MS });
  return { name: 's3rver', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, child };
}

export async function startCeiling(ctx: StartContext, options: { md5: boolean }): Promise<BenchServer> {
  const name: ServerName = options.md5 ? 'ceiling-md5' : 'ceiling';
  const dir = ctx.group.tempDir(name);
  const port = await freePort();
  const child = ctx.group.spawn({
    name,
    command: process.execPath,
    args: [...TSX, join(ctx.benchDir, 'servers', 'ceiling-server.ts'), '--port', String(port), ...(options.md5 ? ['--md5'] : [])],
    cwd: ctx.benchDir,
    logDir: dir,
    stdinPipe: true,
  });
  await waitUntilListening(child, port, { timeoutMs: START_TIMEOUT_MS });
  return { name, endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'ceiling', secretAccessKey: 'ceiling' }, child };
}

export function startServer(ctx: StartContext, name: ServerName): Promise<BenchServer> {
  switch (name) {
    case 'keepgate':
      return startKeepgate(ctx);
    case 'keepgate-remote':
      return startKeepgateRemote(ctx);
    case 's3rver':
      return startS3rver(ctx);
    case 'ceiling':
      return startCeiling(ctx, { md5: false });
    case 'ceiling-md5':
      return startCeiling(ctx, { md5: true });
  }
}
