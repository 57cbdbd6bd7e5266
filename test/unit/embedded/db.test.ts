import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, schemaVersion } from '../../../src/cluster/embedded/db.js';
import { MIGRATIONS } from '../../../src/cluster/embedded/migrations.js';

test('a new database gets every migration, WAL, synchronous FULL and foreign keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-db-'));
  try {
    const db = openDatabase(join(dir, 'm.sqlite'));
    assert.equal(schemaVersion(db), MIGRATIONS.at(-1)!.version);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2); // FULL
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as Array<{ name: string }>).map((r) => r.name);
    for (const t of ['meta', 'users', 'api_client_authorizations', 'groups', 'collections', 'collection_files', 'links']) assert.ok(tables.includes(t), t);
    db.close();
    // Reopening applies nothing twice.
    const again = openDatabase(join(dir, 'm.sqlite'));
    assert.equal(schemaVersion(again), MIGRATIONS.at(-1)!.version);
    again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrations run in order and only the missing ones', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-db-'));
  try {
    const file = join(dir, 'm.sqlite');
    const first = [{ version: 1, sql: 'CREATE TABLE a (x INTEGER) STRICT;' }];
    openDatabase(file, first).close();
    const db = openDatabase(file, [...first, { version: 2, sql: 'CREATE TABLE b (y INTEGER) STRICT; INSERT INTO a VALUES (1);' }]);
    assert.equal(schemaVersion(db), 2);
    assert.deepEqual(db.prepare('SELECT x FROM a').all(), [{ x: 1 }]);
    db.close();
    // A database newer than the program is refused.
    assert.throws(() => openDatabase(file, first), /newer than this program/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failing migration leaves the previous version in place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-db-'));
  try {
    const file = join(dir, 'm.sqlite');
    const first = [{ version: 1, sql: 'CREATE TABLE a (x INTEGER) STRICT;' }];
    openDatabase(file, first).close();
    assert.throws(() => openDatabase(file, [...first, { version: 2, sql: 'CREATE TABLE c (z INTEGER); CREATE TABLE a (x);' }]));
    const db = openDatabase(file, first);
    assert.equal(schemaVersion(db), 1);
    assert.equal(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'c'`).get(), undefined);
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
