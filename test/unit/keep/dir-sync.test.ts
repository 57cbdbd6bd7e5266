import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DirectorySyncer } from '../../../src/keep/dir-sync.js';

interface Call {
  dir: string;
  done(err?: Error): void;
}

function fakeFsync(): { calls: Call[]; fsync(dir: string): Promise<void> } {
  const calls: Call[] = [];
  return {
    calls,
    fsync: (dir) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ dir, done: (err) => (err ? reject(err) : resolve()) });
      }),
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('callers arriving during an fsync share the next one, which starts after it', async () => {
  const f = fakeFsync();
  const s = new DirectorySyncer(f.fsync);
  const order: string[] = [];
  const first = s.sync('/a').then(() => order.push('first'));
  const joiners = [s.sync('/a'), s.sync('/a'), s.sync('/a')].map((p, i) => p.then(() => order.push(`join${i}`)));
  await tick();
  assert.equal(f.calls.length, 1, 'joiners do not start an fsync while one runs');
  f.calls[0]!.done();
  await first;
  await tick();
  assert.equal(f.calls.length, 2, 'one shared fsync for all joiners');
  assert.deepEqual(order, ['first'], 'joiners wait for the fsync that started after them');
  f.calls[1]!.done();
  await Promise.all(joiners);
  assert.deepEqual(order, ['first', 'join0', 'join1', 'join2']);
  assert.equal(s.fsyncs(), 2);
});

test('different directories are synced independently and in parallel', async () => {
  const f = fakeFsync();
  const s = new DirectorySyncer(f.fsync);
  const a = s.sync('/a');
  const b = s.sync('/b');
  assert.deepEqual(
    f.calls.map((c) => c.dir),
    ['/a', '/b'],
  );
  f.calls[1]!.done();
  await b;
  f.calls[0]!.done();
  await a;
  // Once idle, a new call starts an fsync immediately.
  const again = s.sync('/a');
  assert.equal(f.calls.length, 3);
  f.calls[2]!.done();
  await again;
});

test('a failed fsync rejects its waiters and the next batch still runs', async () => {
  const f = fakeFsync();
  const s = new DirectorySyncer(f.fsync);
  const first = s.sync('/a');
  const second = s.sync('/a');
  f.calls[0]!.done(new Error('EIO'));
  await assert.rejects(first, /EIO/);
  await tick();
  assert.equal(f.calls.length, 2);
  f.calls[1]!.done();
  await second;
});
