// Filter compilation against a real SQLite table: LIKE/ILIKE escaping (property test against a
// reference matcher), operand checks, and how qualified attributes behave in contents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { compileFilters, compileOrder, likeToGlob, pageOf, type TableSpec } from '../../../src/cluster/embedded/query.js';
import { ArvadosApiError } from '../../../src/arvados-api/api.js';

const SPEC: TableSpec = {
  table: 'collections',
  alias: 'c',
  columns: {
    uuid: { sql: 'c.uuid', type: 'string' },
    name: { sql: 'c.name', type: 'string' },
    properties: { sql: 'c.properties', type: 'json' },
    modified_at: { sql: 'c.modified_at', type: 'time' },
  },
};

function db() {
  const d = new Database(':memory:');
  d.exec('CREATE TABLE collections (uuid TEXT, name TEXT, properties TEXT, modified_at TEXT)');
  return d;
}

/** Reference: SQL LIKE with backslash escapes, case-sensitive, as a regular expression. */
function likeRegex(pattern: string, flags = ''): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`, `u${flags}`);
}
const escapeRe = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

test('property: like is case-sensitive LIKE with backslash escapes (GLOB underneath)', () => {
  const d = db();
  const glob = d.prepare('SELECT ? GLOB ? AS m').pluck();
  const chars = fc.constantFrom('a', 'A', 'b', '%', '_', '\\', '*', '?', '[', ']', '.', 'é');
  fc.assert(
    fc.property(fc.array(chars, { maxLength: 8 }).map((a) => a.join('')), fc.array(chars, { maxLength: 8 }).map((a) => a.join('')), (text, pattern) => {
      assert.equal(glob.get(text, likeToGlob(pattern)) === 1, likeRegex(pattern).test(text), `${JSON.stringify(text)} like ${JSON.stringify(pattern)}`);
    }),
    { numRuns: 2000 },
  );
  d.close();
});

test('filters select the expected rows', () => {
  const d = db();
  const rows: Array<[string, string, unknown, string]> = [
    ['u1', 'alpha', { k: 'v', n: 1, arr: ['x', 'y'], b: true }, '2030-01-01T00:00:00.000Z'],
    ['u2', 'Beta', { k: 'w', n: 2 }, '2030-01-02T00:00:00.000Z'],
    ['u3', 'gamma_1', {}, '2030-01-03T00:00:00.000Z'],
  ];
  for (const [u, n, p, m] of rows) d.prepare('INSERT INTO collections VALUES (?, ?, ?, ?)').run(u, n, JSON.stringify(p), m);
  const run = (filters: unknown[]) => {
    const f = compileFilters(SPEC, filters, { qualified: false })!;
    return (d.prepare(`SELECT c.uuid FROM collections c WHERE ${f.sql} ORDER BY uuid`).pluck().all(...f.params) as string[]).join(',');
  };
  assert.equal(run([['properties.k', '=', 'v']]), 'u1');
  assert.equal(run([['properties.k', '!=', 'v']]), 'u2,u3');
  assert.equal(run([['properties.b', '=', true]]), 'u1');
  assert.equal(run([['properties.n', 'in', [2, 3]]]), 'u2');
  assert.equal(run([['properties.arr', 'contains', ['x', 'y']]]), 'u1');
  assert.equal(run([['properties.arr', 'contains', 'z']]), '');
  assert.equal(run([['properties.k', 'contains', 'w']]), 'u2');
  assert.equal(run([['properties', 'exists', 'n']]), 'u1,u2');
  assert.equal(run([['properties.n', 'exists', false]]), 'u3');
  assert.equal(run([['name', 'like', 'gamma\\_%']]), 'u3');
  assert.equal(run([['name', 'ilike', 'b%']]), 'u2');
  assert.equal(run([['name', 'like', 'b%']]), '');
  assert.equal(run([['modified_at', '>', '2030-01-01T12:00:00Z']]), 'u2,u3');
  assert.equal(run([['modified_at', '>=', '2030-01-02T00:00:00Z']]), 'u2,u3');
  assert.equal(run([['name', 'in', []]]), '');
  assert.equal(run([['name', 'not in', []]]), 'u1,u2,u3');
  assert.equal(run([['uuid', '=', null]]), '');
  assert.equal(run([['name', '!=', 'alpha'], ['properties.n', '>', 1]]), 'u2');
  d.close();
});

test('bad filters are 422; qualified attributes apply to their own table only', () => {
  const bad: unknown[] = [
    ['name', '=', ['a']], ['name', 'in', 'a'], ['name', 'like', 3], ['modified_at', '<', 'soon'],
    ['nope', '=', 1], ['name', '~', 'a'], ['name', '='], 'name = a', ['name', '<', true], ['name', 'contains', 'x'],
  ];
  for (const f of bad) {
    assert.throws(() => compileFilters(SPEC, [f], { qualified: false }), (e: unknown) => e instanceof ArvadosApiError && e.status === 422, JSON.stringify(f));
  }
  assert.deepEqual(compileFilters(SPEC, [['groups.name', '=', 'x']], { qualified: true }), { sql: '1', params: [] });
  assert.equal(compileFilters(SPEC, [['group_class', '=', 'project']], { qualified: true }), undefined);
  assert.match(compileFilters(SPEC, [['collections.name', '=', 'x']], { qualified: true })!.sql, /c\.name = \?/);
});

test('order and paging', () => {
  assert.equal(compileOrder(SPEC, 'name desc, modified_at', 'c.uuid', { qualified: false }), 'c.name DESC, c.modified_at ASC, c.uuid ASC');
  assert.equal(compileOrder(SPEC, ['groups.name asc'], 'c.modified_at DESC', { qualified: true }), 'c.modified_at DESC, c.uuid ASC');
  assert.throws(() => compileOrder(SPEC, ['nope'], 'x', { qualified: false }), ArvadosApiError);
  assert.throws(() => compileOrder(SPEC, ['name sideways'], 'x', { qualified: false }), ArvadosApiError);
  assert.deepEqual(pageOf({}), { limit: 100, offset: 0 });
  assert.deepEqual(pageOf({ limit: 0, offset: 5 }), { limit: 0, offset: 5 });
  assert.deepEqual(pageOf({ limit: 100000 }), { limit: 1000, offset: 0 });
  assert.throws(() => pageOf({ limit: 1.5 }), ArvadosApiError);
  assert.throws(() => pageOf({ offset: -1 }), ArvadosApiError);
});
