// Starts a real keepgate process (`keepgate serve`, ports chosen by the OS) for integration
// and client tests, and stops it: on the embedded backend with a fresh data directory, or in
// remote mode (`--cluster-type arvados`) in front of a cluster's REST API, where the S3 keys
// are the given token with `_` for `/` and no data directory may appear.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export interface Gateway {
  readonly s3Endpoint: string; // http://127.0.0.1:<port>
  readonly apiEndpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly token: string;
  /** Where the Arvados REST API is: this gateway's API listener, or the remote cluster's. */
  readonly restEndpoint: string;
  /** The data directory; in remote mode a path given as --data that the gateway must never create. */
  readonly dataDir: string;
  readonly proc: ChildProcess;
  /** Every line the server wrote to stdout/stderr so far. */
  readonly logs: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops the server and removes its data directory (unless it was given). */
  close(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '..', '..');

export interface GatewayOptions {
  readonly dataDir?: string;
  readonly args?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly timeoutMs?: number;
  /** Remote mode in front of this cluster API URL; `token` is the admin's (S3 keys and REST calls). */
  readonly remote?: { readonly apiUrl: string; readonly token: string };
}

export async function startGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const tempDir = opts.dataDir ? undefined : mkdtempSync(join(tmpdir(), 'keepgate-test-'));
  const dataDir = opts.dataDir ?? (opts.remote ? join(tempDir!, 'never-created') : tempDir!);
  const mode = opts.remote ? ['--cluster-type', 'arvados', '--cluster-api-host', opts.remote.apiUrl] : [];
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'src', 'main.ts'), 'serve', '--data', dataDir, '--port', '0', '--api-port', '0', ...mode, ...(opts.args ?? [])],
    { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  const exited = new Promise<number | null>((res) => proc.once('exit', (code) => res(code)));
  createInterface({ input: proc.stderr! }).on('line', (l) => logs.push(l));
  const ready = await new Promise<{ s3_endpoint: string; api_endpoint: string }>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`keepgate did not start:\n${logs.join('\n')}`)), opts.timeoutMs ?? 30_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      logs.push(line);
      if (!line.includes('"keepgate ready"')) return;
      clearTimeout(timer);
      res(JSON.parse(line) as { s3_endpoint: string; api_endpoint: string });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`keepgate exited with ${code}:\n${logs.join('\n')}`));
    });
  });
  const creds = opts.remote ? remoteCredentials(opts.remote.token) : (JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8')) as Record<string, string>);
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    return exited;
  };
  return {
    s3Endpoint: ready.s3_endpoint,
    apiEndpoint: ready.api_endpoint,
    accessKey: creds.access_key!,
    secretKey: creds.secret_key!,
    token: creds.token!,
    restEndpoint: opts.remote?.apiUrl ?? ready.api_endpoint,
    dataDir,
    proc,
    logs,
    stop,
    async close() {
      await stop();
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    },
  };
}

/** What users of a gateway in remote mode use: their Arvados token with `_` for `/`, as both keys. */
function remoteCredentials(token: string): Record<string, string> {
  const key = token.replace(/\//g, '_');
  return { access_key: key, secret_key: key, token };
}
