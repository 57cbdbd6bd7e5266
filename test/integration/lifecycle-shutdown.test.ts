// Graceful shutdown of a real `keepgate serve`: SIGTERM or SIGINT while a 300 MiB upload is in
// flight. Within the shutdown timeout the upload completes (and is there, whole, after a
// restart); past it the upload is cut and leaves nothing. Either way the listeners refuse new
// connections at once, readiness turns 503, the process exits 0 by itself (no timer, worker or
// socket keeps it alive) and SQLite passes its integrity check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import aws4 from 'aws4';
import Database from 'better-sqlite3';
import { DATABASE_FILE } from '../../src/cluster/embedded/embedded.js';
import { startGateway, type Gateway } from '../helpers/gateway.js';

const MIB = 1024 * 1024;
const TOTAL = 300 * MIB;
const BEFORE_SIGNAL = 100 * MIB;
const BUCKET = 'shutdown';
const KEY = 'big/object.bin';

const client = (gw: Gateway): S3Client =>
  new S3Client({
    endpoint: gw.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: gw.accessKey, secretAccessKey: gw.secretKey },
  });

/** Deterministic pseudo-random bytes (AES-CTR over zeros), fed in 1 MiB chunks, with their MD5. */
class Body {
  private readonly cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  private readonly md5 = createHash('md5');
  private readonly zeros = Buffer.alloc(MIB);
  sent = 0;

  /** Writes until `upTo` bytes have been sent, honouring backpressure. */
  async sendTo(req: ClientRequest, upTo: number): Promise<void> {
    while (this.sent < upTo) {
      const chunk = this.cipher.update(this.zeros.subarray(0, Math.min(MIB, upTo - this.sent)));
      this.md5.update(chunk);
      this.sent += chunk.length;
      if (!req.write(chunk)) await drainedOrClosed(req);
      if (req.destroyed) throw new Error('the upload connection closed');
    }
  }

  digest(): string {
    return this.md5.digest('hex');
  }
}

function drainedOrClosed(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      req.off('drain', done);
      req.off('close', done);
      resolve();
    };
    req.on('drain', done);
    req.on('close', done);
  });
}

/** A PutObject of TOTAL bytes (UNSIGNED-PAYLOAD, SigV4 header auth) whose body the test feeds. */
function startUpload(gw: Gateway): { req: ClientRequest; response: Promise<IncomingMessage> } {
  const url = new URL(gw.s3Endpoint);
  const opts = {
    host: url.host,
    method: 'PUT',
    path: `/${BUCKET}/${KEY}`,
    service: 's3',
    region: 'us-east-1',
    headers: { 'content-length': String(TOTAL), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } as Record<string, string>,
  };
  aws4.sign(opts, { accessKeyId: gw.accessKey, secretAccessKey: gw.secretKey });
  const req = request({ host: url.hostname, port: url.port, method: 'PUT', path: opts.path, headers: opts.headers, agent: false });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  response.catch(() => {}); // awaited (or expected to fail) by the test
  return { req, response };
}

async function waitForLog(gw: Gateway, msg: string): Promise<Record<string, unknown>> {
  for (;;) {
    const line = gw.logs.find((l) => l.includes(`"msg":"${msg}"`));
    if (line !== undefined) return JSON.parse(line) as Record<string, unknown>;
    if (gw.proc.exitCode !== null) throw new Error(`keepgate exited before logging "${msg}":\n${gw.logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function connectError(endpoint: string): Promise<string> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    const s = connect(Number(url.port), url.hostname);
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** A raw connection with the headers of GET /_health/ready half sent: not idle, so not closed on stop. */
async function pendingReadiness(apiEndpoint: string): Promise<{ finish(): Promise<{ status: number; body: string }> }> {
  const url = new URL(apiEndpoint);
  const socket: Socket = connect(Number(url.port), url.hostname);
  await once(socket, 'connect');
  socket.write(`GET /_health/ready HTTP/1.1\r\nHost: ${url.host}\r\n`);
  let text = '';
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  return {
    async finish() {
      socket.write('\r\n');
      await once(socket, 'close');
      const [head = '', body = ''] = text.split('\r\n\r\n');
      return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]), body };
    },
  };
}

async function readiness(apiEndpoint: string): Promise<number> {
  return (await fetch(`${apiEndpoint}/_health/ready`)).status;
}

/** The exit code, once the process has exited (sending nothing: a second signal would force it). */
async function exited(gw: Gateway): Promise<number | null> {
  if (gw.proc.exitCode === null && gw.proc.signalCode === null) await once(gw.proc, 'exit');
  return gw.proc.exitCode;
}

function assertDatabaseIntact(dataDir: string): void {
  const db = new Database(join(dataDir, DATABASE_FILE));
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(db.pragma('foreign_key_check'), []);
  } finally {
    db.close();
  }
}

/** The object's length and MD5 as a restarted gateway serves it, or undefined when absent. */
async function storedObject(dataDir: string): Promise<{ length: number; md5: string } | undefined> {
  const gw = await startGateway({ dataDir });
  const s3 = client(gw);
  try {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    const keys = (listed.Contents ?? []).map((o) => o.Key);
    if (!keys.includes(KEY)) {
      assert.deepEqual(keys, ['small.txt'], 'nothing else was left behind');
      await assert.rejects(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: KEY })), { name: 'NotFound' });
      return undefined;
    }
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: KEY }));
    const md5 = createHash('md5');
    let length = 0;
    for await (const chunk of got.Body as AsyncIterable<Uint8Array>) {
      md5.update(chunk);
      length += chunk.length;
    }
    return { length, md5: md5.digest('hex') };
  } finally {
    s3.destroy();
    await gw.close();
  }
}

interface Scenario {
  readonly signal: NodeJS.Signals;
  /** Whether the client keeps sending after the signal (else it stalls until the cut). */
  readonly finishUpload: boolean;
  readonly timeoutSeconds: number;
  /** Sent once the first signal is being handled. */
  readonly secondSignal?: NodeJS.Signals;
}

interface Outcome {
  readonly gw: Gateway;
  readonly body: Body;
  /** The upload's HTTP status, or the error the client saw when it was cut. */
  readonly uploadStatus: number | Error;
}

/** Runs a scenario in `dataDir`; the gateway has exited 0 when it resolves. */
async function shutdownDuringUpload(dataDir: string, s: Scenario, started: (gw: Gateway) => void): Promise<Outcome> {
  const gw = await startGateway({ dataDir, args: ['--shutdown-timeout-seconds', String(s.timeoutSeconds)] });
  started(gw);
  const s3 = client(gw);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'small.txt', Body: 'hashed on the worker pool' }));
  s3.destroy();
  assert.equal(await readiness(gw.apiEndpoint), 200);
  // Only while the shutdown waits for the upload: past a short timeout the probe would be cut too.
  const probe = s.finishUpload ? await pendingReadiness(gw.apiEndpoint) : undefined;

  const body = new Body();
  const upload = startUpload(gw);
  try {
    // 100 MiB cannot sit in socket buffers: the server is reading (and storing) this upload.
    await body.sendTo(upload.req, BEFORE_SIGNAL);
    gw.proc.kill(s.signal);
    assert.equal((await waitForLog(gw, 'shutting down'))['signal'], s.signal);

    assert.equal(await connectError(gw.s3Endpoint), 'ECONNREFUSED', 'the S3 listener refuses new connections');
    assert.equal(await connectError(gw.apiEndpoint), 'ECONNREFUSED', 'the API listener refuses new connections');
    if (probe) {
      const ready = await probe.finish();
      assert.equal(ready.status, 503);
      assert.deepEqual(JSON.parse(ready.body), { health: 'ERROR', error: 'shutting down' });
    }

    if (s.secondSignal) gw.proc.kill(s.secondSignal);
    let uploadStatus: number | Error;
    if (s.finishUpload) {
      await body.sendTo(upload.req, TOTAL);
      upload.req.end();
      const res = await upload.response;
      res.resume();
      uploadStatus = res.statusCode ?? 0;
    } else {
      uploadStatus = await upload.response.then((r) => r.statusCode ?? 0, (err: Error) => err);
    }
    const expected = s.secondSignal ? { code: 1, last: 'second signal: exiting without waiting' } : { code: 0, last: 'stopped' };
    assert.equal(await exited(gw), expected.code, `keepgate exits ${expected.code} by itself:\n${gw.logs.slice(-5).join('\n')}`);
    assert.ok(gw.logs.some((l) => l.includes(`"msg":"${expected.last}"`)));
    return { gw, body, uploadStatus };
  } finally {
    upload.req.destroy();
  }
}

/** A fresh data directory for `run`; the gateway is killed if the test failed half-way. */
async function inDataDir(run: (dataDir: string, started: (gw: Gateway) => void) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepgate-shutdown-'));
  const gateways: Gateway[] = [];
  try {
    await run(dataDir, (gw) => gateways.push(gw));
  } finally {
    for (const gw of gateways) await gw.stop('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`${signal} during a 300 MiB upload: the upload finishes within the timeout and is stored whole`, { timeout: 300_000 }, () =>
    inDataDir(async (dataDir, started) => {
      const { gw, body, uploadStatus } = await shutdownDuringUpload(dataDir, { signal, finishUpload: true, timeoutSeconds: 600 }, started);
      assert.equal(uploadStatus, 200);
      assert.ok(!gw.logs.some((l) => l.includes('in-flight requests cut')));
      assertDatabaseIntact(dataDir);
      assert.deepEqual(await storedObject(dataDir), { length: TOTAL, md5: body.digest() });
    }));

  test(`${signal} during a stalled upload: cut at the timeout, nothing stored`, { timeout: 300_000 }, () =>
    inDataDir(async (dataDir, started) => {
      const { gw, uploadStatus } = await shutdownDuringUpload(dataDir, { signal, finishUpload: false, timeoutSeconds: 1 }, started);
      assert.ok(uploadStatus instanceof Error, `the cut upload got no response (got ${String(uploadStatus)})`);
      const cut = gw.logs.find((l) => l.includes('in-flight requests cut'));
      assert.ok(cut, 'the cut is logged');
      assert.equal((JSON.parse(cut) as { requests: number }).requests, 1);
      assertDatabaseIntact(dataDir);
      assert.equal(await storedObject(dataDir), undefined);
    }));
}

test('a second signal ends the shutdown at once (exit 1): the upload it cuts leaves nothing', { timeout: 300_000 }, () =>
  inDataDir(async (dataDir, started) => {
    const scenario = { signal: 'SIGINT', secondSignal: 'SIGINT', finishUpload: false, timeoutSeconds: 600 } as const;
    const { uploadStatus } = await shutdownDuringUpload(dataDir, scenario, started);
    assert.ok(uploadStatus instanceof Error);
    assertDatabaseIntact(dataDir);
    assert.equal(await storedObject(dataDir), undefined);
  }));

test('an idle gateway exits 0 on SIGTERM and on SIGINT: maintenance timer and hash workers do not hold it', { timeout: 120_000 }, async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const gw = await startGateway();
    try {
      assert.equal(await readiness(gw.apiEndpoint), 200);
      assert.equal(await gw.stop(signal), 0);
      assert.equal(gw.proc.signalCode, null, 'exited by itself, not killed by the signal');
      assert.ok(gw.logs.some((l) => l.includes('"msg":"stopped"')));
    } finally {
      await gw.close();
    }
  }
});
