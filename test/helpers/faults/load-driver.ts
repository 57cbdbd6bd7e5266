// A bounded mixed load on a gateway: N clients, each with its own keys (so every read has
// one right answer), looping over GET/PUT/HEAD/list/multipart/copy/delete until a deadline,
// over keep-alive connections. Every answer is checked; latencies are kept per operation.

import { Agent } from 'node:http';
import * as op from './s3-ops.js';
import { objectPath, s3, type RawS3Response, type S3Target } from './s3-raw.js';
import { createRng, md5, payload, type Rng } from './seed.js';

export interface LoadOptions {
  readonly target: S3Target;
  readonly bucket: string;
  readonly clients: number;
  readonly durationMs: number;
  readonly seed: number;
  /** Key prefix of the clients' keys. */
  readonly prefix: string;
  /** What an earlier run on the same prefix left (its report's `state`), so reads know what to expect. */
  readonly initial?: LoadState;
}

/** Per client: each key's current content MD5 and the ETag the server gave it (multipart: `…-2`). */
export type LoadState = Map<number, Map<string, { md5: string; etag: string }>>;

export interface LoadReport {
  requests: number;
  readonly errors: string[];
  /** Milliseconds per operation name. */
  readonly latencies: Map<string, number[]>;
  readonly state: LoadState;
}

const SIZES = [0, 100, 4096, 64 * 1024, 256 * 1024, 1024 * 1024];
const PART = 5 * 1024 * 1024;

export async function runLoad(opts: LoadOptions): Promise<LoadReport> {
  const agent = new Agent({ keepAlive: true, maxSockets: opts.clients });
  // The deadline detects hangs; slow answers under this much load are reported as latency.
  const t: S3Target = { ...opts.target, agent, timeoutMs: 120_000 };
  const report: LoadReport = { requests: 0, errors: [], latencies: new Map(), state: new Map() };
  const deadline = Date.now() + opts.durationMs;
  try {
    await Promise.all(Array.from({ length: opts.clients }, (_, i) => client(t, opts, i, createRng(opts.seed + i), deadline, report)));
  } finally {
    agent.destroy();
  }
  return report;
}

async function timed(report: LoadReport, name: string, send: () => Promise<RawS3Response>): Promise<RawS3Response | undefined> {
  const started = performance.now();
  try {
    const res = await send();
    const list = report.latencies.get(name) ?? [];
    list.push(performance.now() - started);
    report.latencies.set(name, list);
    return res;
  } catch (err) {
    report.errors.push(`${name}: ${String(err)}`);
    return undefined;
  } finally {
    report.requests++;
  }
}

async function client(t: S3Target, opts: LoadOptions, id: number, rng: Rng, deadline: number, report: LoadReport): Promise<void> {
  const mine = new Map(opts.initial?.get(id));
  report.state.set(id, mine);
  const home = `${opts.prefix}/c${id}/`;
  const key = (): string => `${home}k${rng.int(0, 15)}`;
  const expect = (res: RawS3Response | undefined, what: string, ok: (r: RawS3Response) => boolean): void => {
    if (res && !ok(res)) report.errors.push(`${what} -> ${res.status} ${res.text.slice(0, 200)}`);
  };
  let n = 0;
  while (Date.now() < deadline) {
    const roll = rng.next();
    const k = key();
    const known = mine.get(k);
    if (roll < 0.3) {
      const res = await timed(report, 'GET', () => op.getObject(t, opts.bucket, k));
      expect(res, `GET ${k}`, (r) => (known === undefined ? r.status === 404 : r.status === 200 && md5(r.body) === known.md5));
    } else if (roll < 0.55) {
      const body = payload(`load-${opts.seed}-${id}-${n++}`, rng.pick(SIZES));
      const res = await timed(report, 'PUT', () => op.putObject(t, opts.bucket, k, body));
      expect(res, `PUT ${k}`, (r) => r.status === 200 && String(r.headers.etag).replace(/"/g, '') === md5(body));
      if (res?.status === 200) mine.set(k, { md5: md5(body), etag: md5(body) });
    } else if (roll < 0.7) {
      const res = await timed(report, 'HEAD', () => op.headObject(t, opts.bucket, k));
      expect(res, `HEAD ${k}`, (r) => (known === undefined ? r.status === 404 : r.status === 200 && String(r.headers.etag).replace(/"/g, '') === known.etag));
    } else if (roll < 0.8) {
      const res = await timed(report, 'LIST', () => s3(t, { method: 'GET', path: `/${opts.bucket}?list-type=2&prefix=${encodeURIComponent(home)}` }));
      expect(res, `LIST ${home}`, (r) => r.status === 200 && [...mine.keys()].every((key) => r.text.includes(`<Key>${key}</Key>`)));
    } else if (roll < 0.88) {
      const res = await timed(report, 'DELETE', () => op.deleteObject(t, opts.bucket, k));
      expect(res, `DELETE ${k}`, (r) => r.status === 204);
      if (res?.status === 204) mine.delete(k);
    } else if (roll < 0.96) {
      const src = [...mine.keys()][0];
      if (src === undefined || src === k) continue;
      const res = await timed(report, 'COPY', () => s3(t, { method: 'PUT', path: objectPath(opts.bucket, k), headers: { 'x-amz-copy-source': objectPath(opts.bucket, src) } }));
      expect(res, `COPY ${src} -> ${k}`, (r) => r.status === 200);
      if (res?.status === 200) mine.set(k, mine.get(src)!);
    } else {
      const parts = [payload(`mp-${opts.seed}-${id}-${n++}`, PART), payload(`mp-${opts.seed}-${id}-${n++}`, rng.int(1, 200_000))];
      const created = await timed(report, 'MULTIPART', async () => (await op.createUpload(t, opts.bucket, k)).res);
      const uploadId = created && /<UploadId>([^<]+)</.exec(created.text)?.[1];
      if (!uploadId) {
        expect(created, `CreateMultipartUpload ${k}`, () => false);
        continue;
      }
      const etags: Array<{ part: number; etag: string }> = [];
      for (const [i, body] of parts.entries()) {
        const res = await timed(report, 'UPLOADPART', () => op.uploadPart(t, opts.bucket, k, uploadId, i + 1, body));
        expect(res, `UploadPart ${k}`, (r) => r.status === 200);
        if (res?.status === 200) etags.push({ part: i + 1, etag: String(res.headers.etag).replace(/"/g, '') });
      }
      if (etags.length !== parts.length) continue;
      const done = await timed(report, 'COMPLETE', () => op.completeUpload(t, opts.bucket, k, uploadId, etags));
      expect(done, `CompleteMultipartUpload ${k}`, (r) => r.status === 200 && /<CompleteMultipartUploadResult/.test(r.text));
      if (done?.status === 200) mine.set(k, { md5: md5(Buffer.concat(parts)), etag: (/<ETag>(?:&quot;|")?([^<&"]+)/.exec(done.text)?.[1] ?? '') });
    }
  }
}

/** The q-quantile (0..1) of `values`. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
