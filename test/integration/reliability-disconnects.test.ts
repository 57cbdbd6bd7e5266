// Clients that vanish or stall against a real gateway process: uploads cut mid-body,
// downloads dropped mid-stream, slowloris connections dribbling headers, bodies that stop
// arriving. Nothing half-sent is committed, other clients keep being served meanwhile, and
// afterwards the server's sockets, file descriptors and memory return to their baseline.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startGateway, type Gateway } from '../helpers/gateway.js';
import { fdCount, mib, rssBytes, socketCount } from '../helpers/faults/proc-stats.js';
import * as op from '../helpers/faults/s3-ops.js';
import { signHeaders, type S3Target } from '../helpers/faults/s3-raw.js';
import { md5, payload } from '../helpers/faults/seed.js';
import { streamUpload } from '../helpers/faults/streaming-client.js';
import { waitFor } from '../helpers/faults/wait.js';

const MiB = 1024 * 1024;
/**
 * What "back near baseline" allows. The baseline is taken after a warm-up that runs the same
 * kinds of abuse once, so block caches and buffer pools are at their working size; what is
 * left is garbage-collector and allocator timing.
 */
const RSS_SLACK = 160 * MiB;

describe('disconnecting and stalling clients', () => {
  let g: Gateway;
  let t: S3Target;
  let pid: number;
  let baseline: { fds: number; sockets: number; rss: number };
  const big = payload('download-me', 96 * MiB);

  before(async () => {
    g = await startGateway();
    t = { endpoint: g.s3Endpoint, credentials: { accessKeyId: g.accessKey, secretAccessKey: g.secretKey } };
    pid = g.proc.pid!;
    assert.equal((await op.createBucket(t, 'cut')).status, 200);
    assert.equal((await op.putObject(t, 'cut', 'big', big)).status, 200);
    for (let i = 0; i < 3; i++) await op.getObject(t, 'cut', 'big');
    await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const u = streamUpload(t, { bucket: 'cut', key: `warm-${i}`, bytes: 160 * MiB, stallAfter: (20 + 10 * i) * MiB });
      await waitFor(() => u.accepted() >= (20 + 10 * i) * MiB, 'a warm-up upload to get going');
      u.abort();
      await u.done;
    }));
    await sleep(1000);
    baseline = { fds: fdCount(pid), sockets: socketCount(pid), rss: rssBytes(pid) };
  });
  after(() => g.close());

  /** Normal traffic that must keep working while the abuse goes on. */
  async function normalClient(tag: string, rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      const body = payload(`${tag}-${i}`, 64 * 1024);
      const put = await op.putObject(t, 'cut', `normal/${tag}-${i}`, body);
      assert.equal(put.status, 200, `a normal PUT failed during the abuse: ${put.status} ${put.text}`);
      assert.equal(md5((await op.getObject(t, 'cut', `normal/${tag}-${i}`)).body), md5(body));
    }
  }

  async function backToBaseline(what: string): Promise<void> {
    const t0 = Date.now();
    process.stdout.write(`# ${what}: ${socketCount(pid)} sockets, ${fdCount(pid)} fds, RSS ${mib(rssBytes(pid))} (baseline ${baseline.sockets}, ${baseline.fds}, ${mib(baseline.rss)})\n`);
    await waitFor(() => socketCount(pid) <= baseline.sockets && fdCount(pid) <= baseline.fds + 2, `${what}: sockets and fds back to baseline (now ${socketCount(pid)} sockets, ${fdCount(pid)} fds; baseline ${baseline.sockets}, ${baseline.fds})`, 20_000);
    await waitFor(() => rssBytes(pid) <= baseline.rss + RSS_SLACK, `${what}: RSS back near ${mib(baseline.rss)} (now ${mib(rssBytes(pid))})`, 30_000, 250);
    process.stdout.write(`# ${what}: settled after ${Date.now() - t0} ms at RSS ${mib(rssBytes(pid))}\n`);
  }

  test('uploads cut mid-body commit nothing and release everything', async () => {
    // Each client stops sending at its cut point, so the cut always lands before the body's end
    // (polling for progress alone let a fast upload finish between two polls).
    const uploads = Array.from({ length: 8 }, (_, i) => {
      const cutAt = (10 + 11 * i) * MiB;
      return { i, cutAt, u: streamUpload(t, { bucket: 'cut', key: `cut-${i}`, bytes: 160 * MiB, stallAfter: cutAt }) };
    });
    await Promise.all([
      normalClient('during-upload-cuts', 10),
      ...uploads.map(async ({ cutAt, u }) => {
        await waitFor(() => u.accepted() >= cutAt, 'the upload to get going');
        u.abort();
        await u.done;
      }),
    ]);
    for (const { i } of uploads) assert.equal((await op.headObject(t, 'cut', `cut-${i}`)).status, 404, `cut-${i} was committed`);
    const listed = await op.listAll(t, 'cut');
    assert.deepEqual([...listed.keys()].filter((k) => k.startsWith('cut-')), []);
    await backToBaseline('after cut uploads');
  });

  test('downloads dropped mid-stream release their sockets and reads', async () => {
    const drops = Array.from({ length: 10 }, (_, i) =>
      new Promise<void>((resolve, reject) => {
        const url = new URL(t.endpoint);
        const headers = signHeaders(t, { method: 'GET', path: '/cut/big' });
        const req = request({ host: url.hostname, port: url.port, path: '/cut/big', headers, agent: false }, (res) => {
          let got = 0;
          res.on('data', (c: Buffer) => {
            got += c.length;
            if (got >= (i + 1) * 4 * MiB) {
              req.destroy();
              resolve();
            }
          });
          res.on('end', () => reject(new Error('the whole object arrived before the client dropped it')));
        });
        req.on('error', () => resolve());
        req.end();
      }),
    );
    await Promise.all([...drops, normalClient('during-download-drops', 10)]);
    assert.deepEqual((await op.getObject(t, 'cut', 'big')).body.equals(big), true, 'the object changed');
    await backToBaseline('after dropped downloads');
  });

  test('slowloris headers and stalled bodies do not starve other clients; nothing stalled is committed', async () => {
    const url = new URL(t.endpoint);
    const loris: Socket[] = [];
    for (let i = 0; i < 60; i++) {
      const s = connect(Number(url.port), url.hostname);
      s.on('error', () => {});
      s.write(`PUT /cut/loris-${i} HTTP/1.1\r\nHost: ${url.host}\r\n`);
      loris.push(s);
    }
    const dribble = setInterval(() => loris.forEach((s, i) => s.write(`x-dribble-${i}: ${'a'.repeat(3)}\r\n`)), 100);
    const stalled = Array.from({ length: 12 }, (_, i) => streamUpload(t, { bucket: 'cut', key: `stalled-${i}`, bytes: 40 * MiB, stallAfter: (i + 1) * MiB }));
    try {
      await Promise.all(stalled.map((u, i) => waitFor(() => u.accepted() >= (i + 1) * MiB, 'a stalled body to start')));
      await sleep(300);
      assert.ok(socketCount(pid) >= baseline.sockets + 60, `the server holds only ${socketCount(pid)} sockets: the abusive connections are not open`);
      await normalClient('during-slowloris', 20);
      assert.equal(g.proc.exitCode, null);
    } finally {
      clearInterval(dribble);
      loris.forEach((s) => s.destroy());
      stalled.forEach((u) => u.abort());
    }
    await Promise.all(stalled.map((u) => u.done));
    for (let i = 0; i < 12; i++) assert.equal((await op.headObject(t, 'cut', `stalled-${i}`)).status, 404, `stalled-${i} was committed`);
    for (let i = 0; i < 60; i += 10) assert.equal((await op.headObject(t, 'cut', `loris-${i}`)).status, 404);
    await backToBaseline('after slowloris');
  });
});
