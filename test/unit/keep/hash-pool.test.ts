import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { HashPool } from '../../../src/common/hash-pool.js';
import { isDomainError } from '../../../src/common/errors.js';

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

test('one-shot digests equal node:crypto for random inputs, inline and on workers', async () => {
  // A tiny inline threshold sends almost everything through the workers.
  const pool = new HashPool({ threads: 2, inlineBelowBytes: 16 });
  try {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200_000 }), fc.nat({ max: 64 }), async (data, offset) => {
        // A view into a larger buffer checks that offsets are honoured.
        const host = new Uint8Array(offset + data.length + 7);
        host.set(data, offset);
        const view = host.subarray(offset, offset + data.length);
        assert.equal(await pool.md5(view), md5(data));
        assert.equal(await pool.sha256(view), sha256(data));
      }),
      { numRuns: 60 },
    );
  } finally {
    await pool.close();
  }
});

test('SharedArrayBuffer-backed inputs (with an offset) hash in place', async () => {
  const pool = new HashPool({ threads: 1, inlineBelowBytes: 0 });
  try {
    const data = randomBytes(300_000);
    const shared = Buffer.from(new SharedArrayBuffer(data.length + 10));
    data.copy(shared, 10);
    assert.equal(await pool.md5(shared.subarray(10)), md5(data));
  } finally {
    await pool.close();
  }
});

test('the caller may reuse its buffer as soon as md5() returns', async () => {
  const pool = new HashPool({ threads: 1, inlineBelowBytes: 0 });
  try {
    const buf = randomBytes(1 << 20);
    const expected = md5(buf);
    const pending = pool.md5(buf);
    buf.fill(0);
    assert.equal(await pending, expected);
  } finally {
    await pool.close();
  }
});

test('many concurrent calls all resolve to the right digests', async () => {
  const pool = new HashPool({ threads: 2, inlineBelowBytes: 1024 });
  try {
    const inputs = Array.from({ length: 200 }, (_, i) => randomBytes((i * 7919) % 150_000));
    const got = await Promise.all(inputs.map((b, i) => (i % 2 ? pool.md5(b) : pool.sha256(b))));
    assert.deepEqual(
      got,
      inputs.map((b, i) => (i % 2 ? md5(b) : sha256(b))),
    );
    assert.equal(pool.stats().pendingJobs, 0);
  } finally {
    await pool.close();
  }
});

test('stream hashers equal node:crypto for random chunkings, interleaved', async () => {
  const pool = new HashPool({ threads: 2, inlineBelowBytes: 64 });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 400_000 }), { maxLength: 8 }), fc.constantFrom('md5' as const, 'sha256' as const), async (chunks, alg) => {
        const a = pool.stream(alg);
        const b = pool.stream('md5');
        const whole = createHash(alg);
        for (const c of chunks) {
          const scratch = Buffer.from(c);
          a.update(scratch);
          b.update(scratch);
          scratch.fill(1); // the hasher copied it
          whole.update(c);
        }
        assert.equal((await a.digest()).toString('hex'), whole.digest('hex'));
        assert.equal((await b.digest()).toString('hex'), md5(Buffer.concat(chunks)));
      }),
      { numRuns: 40 },
    );
  } finally {
    await pool.close();
  }
});

test('a 64 MiB stream in 1 MiB chunks and a 64 MiB one-shot hash', async () => {
  const pool = new HashPool({ threads: 2 });
  try {
    const block = randomBytes(64 * 1024 * 1024);
    const s = pool.stream('md5');
    for (let off = 0; off < block.length; off += 1 << 20) s.update(block.subarray(off, off + (1 << 20)));
    const [streamed, oneShot] = await Promise.all([s.digest(), pool.md5(block)]);
    const expected = md5(block);
    assert.equal(streamed.toString('hex'), expected);
    assert.equal(oneShot, expected);
    assert.ok(pool.stats().retainedBytes <= 128 * 1024 * 1024);
  } finally {
    await pool.close();
  }
});

test('a stream cannot be used after digest() or cancel(); cancel is idempotent', async () => {
  const pool = new HashPool({ threads: 1, inlineBelowBytes: 0 });
  try {
    const s = pool.stream('md5');
    s.update(Buffer.from('abc'));
    assert.equal((await s.digest()).toString('hex'), md5(Buffer.from('abc')));
    assert.throws(() => s.update(Buffer.from('x')));
    const c = pool.stream('sha256');
    c.update(randomBytes(2 << 20));
    c.cancel();
    c.cancel();
    assert.throws(() => c.digest());
  } finally {
    await pool.close();
  }
});

const osThreads = (): number => readdirSync('/proc/self/task').length;

test('close() rejects pending work, ends the threads and refuses new work', { skip: !existsSync('/proc/self/task') && 'needs Linux /proc' }, async () => {
  const before = osThreads();
  const pool = new HashPool({ threads: 2, inlineBelowBytes: 0 });
  assert.equal(await pool.md5(Buffer.from('warm up')), md5(Buffer.from('warm up')));
  assert.ok(osThreads() >= before + 2, 'two worker threads are running');
  const pending = assert.rejects(pool.md5(randomBytes(32 << 20)), (e) => isDomainError(e, 'Unavailable'));
  await pool.close();
  await pending;
  assert.equal(osThreads(), before, 'the worker threads are gone');
  assert.equal(pool.stats().threads, 0);
  await assert.rejects(pool.md5(Buffer.from('x')), (e) => isDomainError(e, 'Unavailable'));
  assert.throws(() => pool.stream('md5'), (e) => isDomainError(e, 'Unavailable'));
  await pool.close(); // idempotent
});

test('rejects a bad thread count', () => {
  assert.throws(() => new HashPool({ threads: 0 }), RangeError);
});

test('md5Owned moves a whole buffer to a worker and back without losing bytes', async () => {
  const pool = new HashPool({ threads: 1, inlineBelowBytes: 1024 });
  try {
    for (const size of [10, 5000, 3 << 20]) {
      const original = randomBytes(size);
      const owned = Buffer.allocUnsafeSlow(size);
      original.copy(owned);
      const r = await pool.md5Owned(owned);
      assert.equal(r.md5, md5(original));
      assert.ok(r.buf.equals(original));
    }
    // A view into a larger buffer cannot be handed over: it is hashed by copy and stays usable.
    const host = randomBytes(100_000);
    const view = host.subarray(10, 90_000);
    const r = await pool.md5Owned(view);
    assert.equal(r.md5, md5(host.subarray(10, 90_000)));
    assert.equal(r.buf, view);
    assert.equal(host.length, 100_000);
  } finally {
    await pool.close();
  }
});

test('a stream asks its producer to wait while its worker is behind, and the digest is unchanged', async () => {
  const pool = new HashPool({ threads: 1 });
  try {
    const data = randomBytes(32 * 1024 * 1024);
    const h = pool.stream('md5');
    // Replies arrive only once this turn ends, so the queue grows with every MiB posted.
    const behind = [];
    for (let off = 0; off < data.length; off += 1024 * 1024) behind.push(h.update(data.subarray(off, off + 1024 * 1024)));
    assert.equal(behind.slice(0, 8).filter(Boolean).length, 0, 'up to 8 MiB queued: no wait');
    assert.ok(behind.slice(9).every((p) => p instanceof Promise), 'past it: a promise to wait on');
    await Promise.all(behind);
    assert.equal((await h.digest()).toString('hex'), md5(data));
    // Cancelling (or digesting) releases a producer still waiting.
    const c = pool.stream('md5');
    let waiting: Promise<void> | undefined;
    for (let off = 0; off < data.length && !waiting; off += 1024 * 1024) waiting = c.update(data.subarray(off, off + 1024 * 1024));
    assert.ok(waiting);
    c.cancel();
    await waiting;
  } finally {
    await pool.close();
  }
});

test('shared buffers hashed and then dropped are freed (the worker collects its copies of them)', async () => {
  // Without the worker's own collection every one of them stays resident (~1.5 GiB here).
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const pool = new HashPool({ threads: 1 });
  try {
    const before = process.memoryUsage.rss();
    let peak = before;
    for (let i = 0; i < 24; i++) {
      const shared = Buffer.from(new SharedArrayBuffer(64 * 1024 * 1024)).fill(i);
      assert.equal(await pool.md5(shared), md5(shared));
      gc();
      await new Promise((r) => setImmediate(r)); // let the worker's collection run
      peak = Math.max(peak, process.memoryUsage.rss());
    }
    assert.ok(peak - before < 700 * 1024 * 1024, `RSS grew by ${((peak - before) / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await pool.close();
  }
});
