import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { dumpConfig, loadConfig } from '../../../src/config/load.js';
import { CONFIG_SCHEMA, type Config, type ConfigKey, type ConfigValue } from '../../../src/config/schema.js';

const KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[];
const SECRET_KEYS = KEYS.filter((k) => (CONFIG_SCHEMA[k] as { secret?: boolean }).secret === true);

/** Loads `text` as a config file (the way `keepgate serve --config` would). */
function loadText(text: string): Config {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-dump-'));
  try {
    const file = join(dir, 'dumped.yaml');
    writeFileSync(file, text);
    return loadConfig({ env: {}, file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the schema marks the tokens as secrets', () => {
  assert.deepEqual([...SECRET_KEYS].sort(), ['cluster.system_root_token', 'embedded.admin_token', 'metrics.management_token']);
});

test('config dump lists every key once with its doc, and masks set secrets', () => {
  const secrets = { ARVADOS_SYSTEM_ROOT_TOKEN: 'root-SECRET-1', KEEPGATE_ADMIN_TOKEN: 'v2/zzzzz-gj3su-000000000000000/SECRET2', KEEPGATE_MANAGEMENT_TOKEN: 'SECRET3' };
  const text = dumpConfig(loadConfig({ env: secrets }));
  for (const value of Object.values(secrets)) assert.ok(!text.includes(value), 'no secret in the dump');
  assert.ok(!/SECRET/.test(text));
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, KEYS.length);
  for (const key of KEYS) {
    const line = lines.find((l) => l.startsWith(`${key}: `));
    assert.ok(line, `${key} is dumped`);
    assert.ok(line.endsWith(`# ${CONFIG_SCHEMA[key].doc}`), `${key} carries its doc`);
    if (SECRET_KEYS.includes(key)) assert.match(line, /^[\w.]+: "?\*{8}"?\s/, `${key} is masked`);
  }
});

test('an unset secret is shown as empty, not as a mask that would look set', () => {
  const text = dumpConfig(loadConfig({ env: {} }));
  for (const key of SECRET_KEYS) assert.ok(text.includes(`${key}: ""  #`), key);
});

test('the dump of a configuration loads back to the same configuration', () => {
  const config = loadConfig({
    env: {},
    argv: ['--data', '/srv/keep gate', '--host', '::', '--port', '0', '--s3-base-domain', 's3.example.com', '--s3-folder-objects', 'false', '--log-level', 'warn'],
  });
  assert.deepEqual(loadText(dumpConfig(config)), config);
});

/** Any valid value of a key (secrets left empty: their dump is masked on purpose). */
function valueArb(key: ConfigKey): fc.Arbitrary<ConfigValue> {
  const spec = CONFIG_SCHEMA[key] as { type: string; values?: readonly string[]; min?: number; max?: number; secret?: boolean };
  if (spec.secret) return fc.constant('');
  switch (spec.type) {
    case 'integer':
      return fc.integer({ min: spec.min ?? 0, max: spec.max ?? 2 ** 31 });
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...(spec.values ?? []));
    default:
      return fc.string({ unit: 'grapheme', maxLength: 40 });
  }
}

test('property: dump then load is the identity on non-secret values', () => {
  const record = Object.fromEntries(KEYS.map((k) => [k, valueArb(k)])) as Record<ConfigKey, fc.Arbitrary<ConfigValue>>;
  fc.assert(
    fc.property(fc.record(record), (values) => {
      const config = Object.freeze({ ...values }) as unknown as Config; // fc.record objects have no prototype
      assert.deepEqual(loadText(dumpConfig(config)), config);
    }),
    { numRuns: 100 },
  );
});
