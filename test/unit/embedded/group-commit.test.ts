import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/cluster/embedded/db.js';
import { GroupCommit } from '../../../src/cluster/embedded/group-commit.js';
import { WalSync } from '../../../src/cluster/embedded/wal-sync.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-gc-'));
  const db = openDatabase(join(dir, 'm.sqlite'), [{ version: 1, sql: 'CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER) STRICT;' }]);
  const commit = new GroupCommit(db);
  return { db, commit, done: () => (db.close(), rmSync(dir, { recursive: true, force: true })) };
}

test('operations queued together commit in one transaction, each resolved with its result', async () => {
  const { db, commit, done } = setup();
  try {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run(`k${i}`, i).changes)));
    assert.deepEqual(results, Array(20).fill(1));
    assert.equal(commit.stats.batches, 1);
    assert.equal(commit.stats.operations, 20);
    assert.equal(commit.stats.maxBatch, 20);
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 20);
  } finally {
    done();
  }
});

test('a failing operation rolls back alone; the others in its batch commit', async () => {
  const { db, commit, done } = setup();
  try {
    const ok1 = commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('a', 1));
    const bad = commit.run(() => {
      db.prepare('INSERT INTO t VALUES (?, ?)').run('b', 2); // undone with the savepoint
      throw new Error('nope');
    });
    const dup = commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('a', 3)); // constraint error
    const ok2 = commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('c', 4));
    await ok1;
    await assert.rejects(bad, /nope/);
    await assert.rejects(dup, /UNIQUE/);
    await ok2;
    assert.equal(commit.stats.batches, 1);
    assert.deepEqual(db.prepare('SELECT k, v FROM t ORDER BY k').all(), [{ k: 'a', v: 1 }, { k: 'c', v: 4 }]);
  } finally {
    done();
  }
});

test('later operations in a batch see the effects of earlier ones (they serialise)', async () => {
  const { db, commit, done } = setup();
  try {
    db.prepare('INSERT INTO t VALUES (?, ?)').run('n', 0);
    const bump = () => commit.run(() => {
      const { v } = db.prepare('SELECT v FROM t WHERE k = ?').get('n') as { v: number };
      db.prepare('UPDATE t SET v = ? WHERE k = ?').run(v + 1, 'n');
      return v + 1;
    });
    const seen = await Promise.all(Array.from({ length: 50 }, bump));
    assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i + 1));
  } finally {
    done();
  }
});

test('a caller is resolved only after COMMIT: its change is visible from another connection', async () => {
  const { db, commit, done } = setup();
  try {
    await commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('x', 1));
    const other = openDatabase(db.name, [{ version: 1, sql: '' }]);
    assert.deepEqual(other.prepare('SELECT v FROM t WHERE k = ?').get('x'), { v: 1 });
    other.close();
    commit.close();
    await assert.rejects(commit.run(() => 1), /closed/);
  } finally {
    done();
  }
});

test('commits are made durable by a WAL fdatasync; callers arriving during one share the next', async () => {
  const { db, commit, done } = setup();
  try {
    await commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('d', 1));
    assert.equal(commit.stats.syncs, 1);
    // The connection's own setting is left as it was for writes outside the group commit.
    assert.equal(db.pragma('synchronous', { simple: true }), 2);
    const wal = new WalSync(`${db.name}-wal`);
    const first = wal.sync();
    const shared = [wal.sync(), wal.sync(), wal.sync()];
    await Promise.all([first, ...shared]);
    assert.equal(wal.syncs(), 2);
    await wal.close();
  } finally {
    done();
  }
});

test('a failed WAL sync fails its batch and every later write (its pages may be lost)', async () => {
  const { db, commit, done } = setup();
  try {
    unlinkSync(`${db.name}-wal`); // SQLite keeps writing its open file; ours cannot be opened
    await assert.rejects(commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('e', 1)), /write-ahead log/);
    let ran = false;
    await assert.rejects(commit.run(() => (ran = true)), /write-ahead log/);
    assert.equal(ran, false);
  } finally {
    await commit.close();
    done();
  }
});

test('a staged write answers after its commit without a sync; the next durable write syncs both', async () => {
  const { db, commit, done } = setup();
  try {
    await commit.stage(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('staged', 1));
    assert.equal(commit.stats.batches, 1);
    assert.equal(commit.stats.syncs, 0);
    assert.equal((db.prepare('SELECT v FROM t WHERE k = ?').get('staged') as { v: number }).v, 1);
    // Staged and durable writes in one batch: the durable one waits for the sync, which covers both.
    const [, durable] = await Promise.all([
      commit.stage(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('staged2', 2)),
      commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('durable', 3).changes),
    ]);
    assert.equal(durable, 1);
    assert.equal(commit.stats.batches, 2);
    assert.equal(commit.stats.syncs, 1);
    await assert.rejects(commit.stage(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('durable', 4)), /UNIQUE/);
  } finally {
    done();
  }
});

test('after a failed WAL sync, staged writes are refused too', async () => {
  const { db, commit, done } = setup();
  try {
    unlinkSync(`${db.name}-wal`);
    await assert.rejects(commit.run(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('e', 1)), /write-ahead log/);
    await assert.rejects(commit.stage(() => db.prepare('INSERT INTO t VALUES (?, ?)').run('f', 1)), /write-ahead log/);
  } finally {
    await commit.close();
    done();
  }
});
