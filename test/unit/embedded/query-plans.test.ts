// The statements a write runs per touched path must be key lookups: a plan that scans the
// collection makes every PUT into a big collection cost the whole collection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../../src/cluster/embedded/db.js';
import { FILE_ROW_SQL } from '../../../src/cluster/embedded/file-rows.js';

/** Statements that read or change the whole collection on purpose. */
const WHOLE_COLLECTION = new Set(['any', 'all', 'withAttrs', 'totalsAll', 'deleteAll']);

test('FileTable statements naming a path search the primary key by uuid and path, never scan', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-plans-'));
  const db = openDatabase(join(dir, 'm.sqlite'));
  try {
    for (const [name, sql] of Object.entries(FILE_ROW_SQL)) {
      if (WHOLE_COLLECTION.has(name) || sql.startsWith('INSERT')) continue;
      const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map((r) => r.detail);
      assert.ok(!plan.some((d) => d.startsWith('SCAN')), `${name}: ${plan.join(' | ')}`);
      const searches = plan.filter((d) => d.startsWith('SEARCH collection_files'));
      assert.ok(searches.length > 0, `${name}: ${plan.join(' | ')}`);
      for (const d of searches) assert.match(d, /PRIMARY KEY \(collection_uuid=\? AND path[=<>]/, `${name}: ${d}`);
    }
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
