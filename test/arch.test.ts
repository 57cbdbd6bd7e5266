// Fails when an import under src/ crosses a layer the wrong way (README "Layout").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve, sep } from 'node:path';

const SRC = resolve(import.meta.dirname, '..', 'src');

/** layer -> layers it may import (besides itself). Order: most specific prefix first. */
const RULES: Array<[layer: string, allowed: string[]]> = [
  ['cluster/embedded', ['cluster', 'keep', 'manifest', 'arvados-api', 'metrics', 'common']],
  ['cluster/arvados', ['cluster', 'keep', 'manifest', 'arvados-api', 'metrics', 'common']],
  ['cluster', ['keep', 'arvados-api', 'common']],
  ['s3', ['site', 'metrics', 'common', 'config']],
  ['site', ['collectionfs', 'manifest', 'cluster', 'arvados-api', 'keep', 'metrics', 'common']],
  ['collectionfs', ['manifest', 'keep', 'common']],
  ['manifest', ['keep', 'common']],
  ['keep', ['metrics', 'common']],
  ['arvados-api', ['metrics', 'common']],
  ['metrics', ['common']],
  ['config', ['common']],
  ['common', []],
];

function layerOf(file: string): string | undefined {
  const rel = relative(SRC, file).split(sep).join('/');
  if (!rel.includes('/')) return undefined; // main.ts and other top-level roots may import anything
  for (const [layer] of RULES) if (rel === layer || rel.startsWith(`${layer}/`)) return layer;
  return rel.split('/')[0];
}

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const IMPORT_RE = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

test('imports under src/ respect the layer rules', () => {
  const violations: string[] = [];
  for (const file of tsFiles(SRC)) {
    const from = layerOf(file);
    if (from === undefined) continue;
    const rule = RULES.find(([l]) => l === from);
    if (!rule) {
      violations.push(`${relative(SRC, file)}: folder "${from}" has no layer rule`);
      continue;
    }
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (!spec?.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(SRC + sep)) continue;
      const to = layerOf(target);
      if (to === undefined) {
        violations.push(`${relative(SRC, file)} imports the composition root ${spec}`);
        continue;
      }
      if (to !== from && !rule[1].includes(to)) violations.push(`${relative(SRC, file)} (${from}) imports ${spec} (${to})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the layer checker recognises a bad import', () => {
  // keep/ may not import arvados-api/: the checker must see that arrow as a violation.
  const rule = RULES.find(([l]) => l === 'keep');
  assert.ok(rule && !rule[1].includes('arvados-api'));
  assert.equal(layerOf(join(SRC, 'cluster', 'embedded', 'x.ts')), 'cluster/embedded');
  assert.equal(layerOf(join(SRC, 'cluster', 'cluster.ts')), 'cluster');
});
