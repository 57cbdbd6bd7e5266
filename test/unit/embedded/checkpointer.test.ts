// The WAL is copied back into the database by a worker thread, and restarted while the group
// commit holds its batches; operations queued meanwhile commit right after, nothing is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Checkpointer } from '../../../src/cluster/embedded/checkpointer.js';
import { openDatabase } from '../../../src/cluster/embedded/db.js';
import { GroupCommit } from '../../../src/cluster/embedded/group-commit.js';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-ckpt-'));
  const db = openDatabase(join(dir, 'm.sqlite'), [{ version: 1, sql: 'CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL) STRICT;' }]);
  const errors: Error[] = [];
  const cp = new Checkpointer(db, { hold: (w) => commit.whileHeld(w), delayMs: 1, restartPages: 16, onError: (e) => errors.push(e) });
  const commit = new GroupCommit(db, { onCommit: () => cp.noteCommit() });
  return {
    db, commit, cp, errors,
    walBytes: () => statSync(`${db.name}-wal`).size,
    async done() {
      await cp.close();
      await commit.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('the worker checkpoints and restarts the WAL under steady writes; every row survives', async () => {
  const s = setup();
  try {
    assert.equal(s.db.pragma('wal_autocheckpoint', { simple: true }), 64);
    const insert = s.db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    let largestWal = 0;
    for (let i = 0; i < 300; i++) {
      await Promise.all(Array.from({ length: 4 }, (_, j) => s.commit.run(() => insert.run(i * 4 + j, Buffer.alloc(4096, j)))));
      largestWal = Math.max(largestWal, s.walBytes());
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 5)); // give the worker its turn
    }
    const { checkpoints, restarts } = s.cp.stats();
    assert.ok(checkpoints > 0, 'no checkpoint ran');
    assert.ok(restarts > 0, 'the WAL was never restarted');
    // 1,200 rows of 4 KiB written: without restarts the WAL would hold every one of them.
    assert.ok(largestWal < 1200 * 4096, `WAL reached ${largestWal} bytes`);
    assert.deepEqual(s.errors, []);
  } finally {
    await s.done();
  }
});

test('rows committed around checkpoints are all there after reopening', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-ckpt-'));
  const file = join(dir, 'm.sqlite');
  const db = openDatabase(file, [{ version: 1, sql: 'CREATE TABLE t (k INTEGER PRIMARY KEY, v BLOB NOT NULL) STRICT;' }]);
  const cp = new Checkpointer(db, { hold: (w) => commit.whileHeld(w), delayMs: 1, restartPages: 8 });
  const commit = new GroupCommit(db, { onCommit: () => cp.noteCommit() });
  try {
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    for (let i = 0; i < 200; i++) {
      await commit.stage(() => insert.run(2 * i, Buffer.alloc(2048, 1)));
      await commit.run(() => insert.run(2 * i + 1, Buffer.alloc(2048, 2)));
      if (i % 25 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    assert.ok(cp.stats().restarts > 0);
  } finally {
    await cp.close();
    await commit.close();
    db.close();
  }
  const again = new Database(file, { readonly: true });
  try {
    assert.equal(again.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal((again.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 400);
  } finally {
    again.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('operations queued while the group commit is held commit once it is released', async () => {
  const s = setup();
  try {
    const insert = s.db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    let released = false;
    let committedWhileHeld = false;
    const queued: Promise<unknown>[] = [];
    await s.commit.whileHeld(async () => {
      queued.push(s.commit.run(() => ((committedWhileHeld = !released), insert.run(1, Buffer.from('a')))));
      await new Promise((r) => setTimeout(r, 10));
      assert.equal((s.db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 0);
      released = true;
    });
    await Promise.all(queued);
    assert.equal(committedWhileHeld, false);
    assert.equal((s.db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 1);
  } finally {
    await s.done();
  }
});

test('a worker that cannot open the database reports it, and writes go on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-ckpt-'));
  const db = openDatabase(join(dir, 'm.sqlite'), [{ version: 1, sql: 'CREATE TABLE t (k INTEGER PRIMARY KEY) STRICT;' }]);
  rmSync(db.name); // this connection keeps its open file; a new one finds nothing
  const commit = new GroupCommit(db);
  const failed = new Promise<Error>((resolve) => new Checkpointer(db, { hold: (w) => commit.whileHeld(w), onError: resolve }));
  try {
    assert.match((await failed).message, /WAL checkpoint worker failed: .+/);
    await commit.run(() => db.prepare('INSERT INTO t VALUES (1)').run());
    assert.equal((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n, 1);
  } finally {
    await commit.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
