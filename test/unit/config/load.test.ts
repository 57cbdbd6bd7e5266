import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, envName, flagName, loadConfig, parseFlags } from '../../../src/config/load.js';
import { CONFIG_SCHEMA, type ConfigKey } from '../../../src/config/schema.js';

const KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[];

/** Runs `fn` with a YAML file holding `text`, removed afterwards. */
function withYaml<T>(text: string, fn: (file: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-config-'));
  try {
    const file = join(dir, 'keepgate.yaml');
    writeFileSync(file, text);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that `fn` stops with a ConfigError whose message names `key`. */
function stopsNaming(fn: () => unknown, key: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ConfigError, `ConfigError, got ${String(err)}`);
    assert.ok(err.message.includes(key), `"${err.message}" names ${key}`);
    return true;
  });
}

test('with nothing given, every key has its schema default', () => {
  const config = loadConfig({ env: {}, argv: [] });
  assert.deepEqual(Object.keys(config).sort(), [...KEYS].sort());
  for (const key of KEYS) assert.equal(config[key], CONFIG_SCHEMA[key].default, key);
  assert.ok(Object.isFrozen(config));
});

test('a YAML file sets keys, nested or dotted', () => {
  const yaml = [
    'data_dir: /srv/keepgate',
    'listen:',
    '  host: 0.0.0.0',
    '  s3_port: 9100',
    's3.base_domain: s3.example.com',
    's3:',
    '  folder_objects: false',
    'storage: { write_throttle: 8 }',
    'log:',
    '  level: debug',
    '',
  ].join('\n');
  const config = withYaml(yaml, (file) => loadConfig({ env: {}, file }));
  assert.equal(config.data_dir, '/srv/keepgate');
  assert.equal(config['listen.host'], '0.0.0.0');
  assert.equal(config['listen.s3_port'], 9100);
  assert.equal(config['s3.base_domain'], 's3.example.com');
  assert.equal(config['s3.folder_objects'], false);
  assert.equal(config['storage.write_throttle'], 8);
  assert.equal(config['log.level'], 'debug');
  assert.equal(config['listen.api_port'], 9001, 'keys the file leaves out keep their default');
});

test('the file is found through --config, the file option and KEEPGATE_CONFIG', () => {
  withYaml('listen: { s3_port: 9200 }\n', (file) => {
    assert.equal(loadConfig({ env: {}, argv: ['--config', file] })['listen.s3_port'], 9200);
    assert.equal(loadConfig({ env: { KEEPGATE_CONFIG: file } })['listen.s3_port'], 9200);
    assert.equal(loadConfig({ env: {}, file })['listen.s3_port'], 9200);
  });
  assert.equal(withYaml('', (file) => loadConfig({ env: {}, file }))['listen.s3_port'], 9000, 'an empty file is no change');
});

test('KEEPGATE_* environment variables override the file', () => {
  const config = withYaml('listen: { s3_port: 9200, host: 10.0.0.1 }\n', (file) =>
    loadConfig({ file, env: { KEEPGATE_LISTEN_S3_PORT: '9300', KEEPGATE_S3_FOLDER_OBJECTS: 'no', KEEPGATE_DATA_DIR: '/d' } }));
  assert.equal(config['listen.s3_port'], 9300);
  assert.equal(config['listen.host'], '10.0.0.1');
  assert.equal(config['s3.folder_objects'], false);
  assert.equal(config.data_dir, '/d');
});

test('every key has an environment name KEEPGATE_<KEY> that loadConfig reads', () => {
  for (const key of KEYS) {
    const name = envName(key);
    assert.match(name, /^KEEPGATE_[A-Z0-9_]+$/, key);
    const spec = CONFIG_SCHEMA[key];
    const value = spec.type === 'integer' ? String(spec.max ?? 1) : spec.type === 'boolean' ? String(!spec.default) : spec.type === 'enum' ? spec.values[spec.values.length - 1]! : 'from-env';
    const expected = spec.type === 'integer' ? Number(value) : spec.type === 'boolean' ? !spec.default : value;
    assert.equal(loadConfig({ env: { [name]: value } })[key], expected, name);
  }
});

test('the Arvados aliases set their keys', () => {
  const config = loadConfig({
    env: {
      ARVADOS_API_HOST: 'zzzzz.example.com',
      ARVADOS_API_HOST_INSECURE: 'true',
      ARVADOS_SYSTEM_ROOT_TOKEN: 'root-secret',
      KEEPGATE_ADMIN_TOKEN: 'v2/zzzzz-gj3su-000000000000000/secret',
      KEEPGATE_MANAGEMENT_TOKEN: 'mgmt',
    },
  });
  assert.equal(config['cluster.api_host'], 'zzzzz.example.com');
  assert.equal(config['cluster.insecure'], true);
  assert.equal(config['cluster.system_root_token'], 'root-secret');
  assert.equal(config['embedded.admin_token'], 'v2/zzzzz-gj3su-000000000000000/secret');
  assert.equal(config['metrics.management_token'], 'mgmt');
});

test('an empty environment variable counts as unset', () => {
  assert.equal(loadConfig({ env: { KEEPGATE_LOG_LEVEL: '', KEEPGATE_LISTEN_S3_PORT: '' } })['log.level'], 'info');
});

test('flags win over the environment and the file', () => {
  const config = withYaml('listen: { s3_port: 9200, api_port: 9201 }\ndata_dir: /from-file\n', (file) =>
    loadConfig({
      file,
      env: { KEEPGATE_LISTEN_S3_PORT: '9300', KEEPGATE_DATA_DIR: '/from-env', KEEPGATE_LOG_LEVEL: 'warn' },
      argv: ['--port', '9400', '--data=/from-flag', '--log-level', 'error', '--listen.api_port', '9401', '--s3-folder-objects'],
    }));
  assert.equal(config['listen.s3_port'], 9400);
  assert.equal(config.data_dir, '/from-flag');
  assert.equal(config['log.level'], 'error');
  assert.equal(config['listen.api_port'], 9401, 'the dotted key is a flag too');
  assert.equal(config['s3.folder_objects'], true, 'a flag without a value is true');
});

test('every key has a flag that loadConfig reads', () => {
  for (const key of KEYS) {
    const spec = CONFIG_SCHEMA[key];
    const value = spec.type === 'integer' ? String(spec.min ?? 0) : spec.type === 'boolean' ? 'on' : spec.type === 'enum' ? spec.values[0]! : 'flag-value';
    const expected = spec.type === 'integer' ? Number(value) : spec.type === 'boolean' ? true : value;
    assert.equal(loadConfig({ env: {}, argv: [`--${flagName(key)}`, value] })[key], expected, flagName(key));
  }
});

test('parseFlags keeps positional words apart and reads --k=v, --k v and bare --k', () => {
  const { flags, rest } = parseFlags(['dump', '--a=1=2', '--b', 'x', '--c', '--d', 'y', 'tail']);
  assert.deepEqual(Object.fromEntries(flags), { a: '1=2', b: 'x', c: 'true', d: 'y' });
  assert.deepEqual(rest, ['dump', 'tail']);
});

test('an unknown key stops loading with a message naming it', () => {
  withYaml('listen: { s3_prot: 9000 }\n', (file) => stopsNaming(() => loadConfig({ env: {}, file }), 'listen.s3_prot'));
  withYaml('nonsense: 1\n', (file) => stopsNaming(() => loadConfig({ env: {}, file }), 'nonsense'));
  stopsNaming(() => loadConfig({ env: {}, argv: ['--no-such-flag', '1'] }), 'no-such-flag');
});

test('a bad value stops loading with a message naming the key', () => {
  const cases: Array<[string, ConfigKey]> = [
    ['listen: { s3_port: 70000 }', 'listen.s3_port'],
    ['listen: { s3_port: nine }', 'listen.s3_port'],
    ['listen: { api_port: 1.5 }', 'listen.api_port'],
    ['s3: { folder_objects: maybe }', 's3.folder_objects'],
    ['cluster: { type: s3 }', 'cluster.type'],
    ['log: { level: verbose }', 'log.level'],
    ['data_dir: [a, b]', 'data_dir'],
    ['storage: { write_throttle: 0 }', 'storage.write_throttle'],
  ];
  for (const [yaml, key] of cases) withYaml(`${yaml}\n`, (file) => stopsNaming(() => loadConfig({ env: {}, file }), key));
  stopsNaming(() => loadConfig({ env: { KEEPGATE_STORAGE_HASH_THREADS: 'many' } }), 'storage.hash_threads');
  stopsNaming(() => loadConfig({ env: {}, argv: ['--port', '-1'] }), 'listen.s3_port');
  withYaml('listen: [unclosed\n', (file) => assert.throws(() => loadConfig({ env: {}, file }), ConfigError));
});

test('integers are accepted in range and refused outside it, whatever the source', () => {
  const spec = CONFIG_SCHEMA['storage.write_throttle'];
  fc.assert(
    fc.property(fc.integer({ min: -1000, max: 1000 }), fc.constantFrom('env', 'flag', 'file'), (n, source) => {
      const load = (): number => {
        if (source === 'env') return loadConfig({ env: { KEEPGATE_STORAGE_WRITE_THROTTLE: String(n) } })['storage.write_throttle'];
        if (source === 'flag') return loadConfig({ env: {}, argv: [`--storage-write-throttle=${n}`] })['storage.write_throttle'];
        return withYaml(`storage: { write_throttle: ${n} }\n`, (file) => loadConfig({ env: {}, file })['storage.write_throttle']);
      };
      if (n >= spec.min && n <= spec.max) assert.equal(load(), n);
      else stopsNaming(load, 'storage.write_throttle');
    }),
    { numRuns: 60 },
  );
});
