import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError, isDomainError } from '../../../src/common/errors.js';
import type { BlockPutOptions, BlockPutResult } from '../../../src/keep/block-store.js';
import type { KeepServiceRecord } from '../../../src/keep/discovery.js';
import { writeReplicas, type ReplicaWrite } from '../../../src/keep/remote-write.js';

const MD5 = '37b51d194a7513e45b56f6524f2d51f2';
const svc = (i: number): KeepServiceRecord => ({ uuid: `zzzzz-bi6l4-${String(i).padStart(15, '0')}`, url: `http://k${i}`, type: 'disk', readOnly: false });

type Behaviour = (attempt: number, opts: BlockPutOptions) => BlockPutResult | DomainError;

interface Harness {
  readonly calls: Array<{ svc: number; opts: BlockPutOptions }>;
  maxInFlight: number;
  write(extra: Partial<ReplicaWrite>): Promise<BlockPutResult>;
}

/** Services 0..n-1 answering with `behaviours[i](attemptNumber, opts)` after a tick. */
function harness(behaviours: Behaviour[]): Harness {
  const attempts = behaviours.map(() => 0);
  let inFlight = 0;
  const h: Harness = {
    calls: [],
    maxInFlight: 0,
    write: (extra) =>
      writeReplicas({
        md5: MD5, token: 'tok', replicas: 2, storageClasses: [], services: behaviours.map((_, i) => svc(i)), onePutPerReplica: true,
        retries: 2, backoffMs: 0, signal: new AbortController().signal,
        putTo: async (s, opts) => {
          const i = Number(s.url.slice(8));
          h.calls.push({ svc: i, opts });
          inFlight++;
          h.maxInFlight = Math.max(h.maxInFlight, inFlight);
          await new Promise((r) => setImmediate(r));
          inFlight--;
          const out = behaviours[i]!(attempts[i]!++, opts);
          if (out instanceof DomainError) throw out;
          return out;
        },
        ...extra,
      }),
  };
  return h;
}

const ok = (replicas = 1, classes?: Record<string, number>): Behaviour => () => ({
  locator: `${MD5}+3+Asig@abc`, replicas, ...(classes && { storageClasses: classes }),
});
const down: Behaviour = () => new DomainError('Unavailable', 'connection refused');
const flaky = (failures: number): Behaviour => (n) => (n < failures ? new DomainError('Unavailable', '503') : ok()(n, {}));

test('keepstores: one PUT per missing replica, in parallel, in probe order; token, md5 and wanted replicas sent', async () => {
  const h = harness([ok(), ok(), ok(), ok()]);
  const r = await h.write({ replicas: 3 });
  assert.equal(r.replicas, 3);
  assert.equal(r.locator, `${MD5}+3+Asig@abc`);
  assert.deepEqual(h.calls.map((c) => c.svc), [0, 1, 2]);
  assert.equal(h.maxInFlight, 3);
  assert.deepEqual(h.calls[0]!.opts, { md5: MD5, replicas: 3, token: 'tok' });
});

test('keepstores: a refused service is replaced by the next one in order', async () => {
  const h = harness([down, ok(), down, ok()]);
  const r = await h.write({ replicas: 2, retries: 0 });
  assert.equal(r.replicas, 2);
  assert.deepEqual(h.calls.map((c) => c.svc), [0, 1, 2, 3]);
  assert.equal(h.calls[2]!.opts.replicas, 1, 'the second batch asks for what is still missing');
});

test('a proxy gets one PUT at a time and is trusted for the replicas it reports', async () => {
  const h = harness([ok(2), ok(2)]);
  const r = await h.write({ replicas: 2, onePutPerReplica: false });
  assert.equal(r.replicas, 2);
  assert.equal(h.calls.length, 1);
  const partial = harness([ok(1), ok(1)]);
  assert.equal((await partial.write({ replicas: 2, onePutPerReplica: false })).replicas, 2);
  assert.equal(partial.maxInFlight, 1);
  assert.deepEqual(partial.calls.map((c) => c.opts.replicas), [2, 1]);
});

test('transient failures are retried in later passes; too few replicas after the last pass is Unavailable naming the shortfall', async () => {
  const h = harness([flaky(2), ok()]);
  assert.equal((await h.write({ replicas: 2, retries: 2 })).replicas, 2);
  assert.deepEqual(h.calls.map((c) => c.svc), [0, 1, 0, 0]);
  const short = harness([flaky(5), ok()]);
  await assert.rejects(short.write({ replicas: 2, retries: 1 }), (e) =>
    isDomainError(e, 'Unavailable') && /wanted 2 replicas, stored 1/.test(e.message) && /503/.test(e.message));
});

test('nothing stored anywhere: the services\' own error is reported', async () => {
  const h = harness([down, down]);
  await assert.rejects(h.write({ replicas: 1, retries: 1 }), (e) => isDomainError(e, 'Unavailable') && e.message === 'connection refused');
  assert.equal(h.calls.length, 4);
});

test('refusals every service would repeat end the write at once', async () => {
  for (const kind of ['Unauthorized', 'PermissionDenied', 'TooLarge', 'InvalidArgument'] as const) {
    const h = harness([() => new DomainError(kind, 'no'), ok(), ok()]);
    await assert.rejects(h.write({ replicas: 1 }), (e) => isDomainError(e, kind));
    assert.equal(h.calls.length, 1);
  }
});

test('corrupt and not-found answers move on without retrying that service', async () => {
  const h = harness([() => new DomainError('Corrupt', 'checksum'), () => new DomainError('NotFound', '404'), ok()]);
  assert.equal((await h.write({ replicas: 1, retries: 3 })).replicas, 1);
  assert.deepEqual(h.calls.map((c) => c.svc), [0, 1, 2]);
});

test('storage classes: counted per class from the confirmations, and only unconfirmed classes are asked for again', async () => {
  const h = harness([ok(1, { hot: 1 }), ok(1, { cold: 1 }), ok(1, { hot: 1, cold: 1 })]);
  const r = await h.write({ replicas: 1, storageClasses: ['hot', 'cold'] });
  assert.deepEqual(r.storageClasses, { hot: 1, cold: 1 });
  assert.equal(r.replicas, 2);
  assert.deepEqual(h.calls.map((c) => c.opts.storageClasses), [['hot', 'cold'], ['cold']]);
  // A service that confirms nothing counts its replicas for every class asked for.
  const silent = harness([ok(1)]);
  assert.deepEqual((await silent.write({ replicas: 1, storageClasses: ['a', 'b'] })).storageClasses, { a: 1, b: 1 });
  const never = harness([ok(1, { default: 1 }), ok(1, { default: 1 })]);
  await assert.rejects(never.write({ replicas: 1, storageClasses: ['archive'] }), (e) =>
    isDomainError(e, 'Unavailable') && /storage classes archive/.test(e.message));
});

test('an aborted signal stops the write before the next attempt', async () => {
  const ac = new AbortController();
  const h = harness([() => (ac.abort(new DomainError('Unavailable', 'deadline')), new DomainError('Unavailable', 'slow')), ok()]);
  await assert.rejects(h.write({ replicas: 1, signal: ac.signal }), (e) => isDomainError(e, 'Unavailable') && e.message === 'deadline');
  assert.equal(h.calls.length, 1);
});

test('property (keepstores): success iff enough services recover within the retries; never over-replicated; bounded attempts', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.oneof(fc.nat({ max: 4 }), fc.constant(-1)), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 4 }),
      fc.nat({ max: 3 }),
      async (failures, want, retries) => {
        // -1: corrupt forever (never retried); n >= 0: n transient failures, then success.
        const h = harness(failures.map((f) => (f < 0 ? () => new DomainError('Corrupt', 'bad') : flaky(f))));
        const recoverable = failures.filter((f) => f >= 0 && f <= retries).length;
        const outcome = await h.write({ replicas: want, retries }).then((r) => r, (e: unknown) => e);
        if (recoverable >= want) {
          assert.ok(!(outcome instanceof Error), String(outcome));
          assert.equal((outcome as BlockPutResult).replicas, want);
        } else {
          assert.ok(isDomainError(outcome));
        }
        const perService = failures.map((_, i) => h.calls.filter((c) => c.svc === i).length);
        assert.ok(perService.every((n) => n <= retries + 1));
        assert.ok(h.maxInFlight <= want);
      },
    ),
    { numRuns: 150 },
  );
});
