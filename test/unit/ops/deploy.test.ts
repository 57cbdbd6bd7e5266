// Every configuration key, environment variable and flag named under deploy/ must exist in
// the schema (src/config/schema.ts), and deploy/config.example.yaml must be current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { CONFIG_EXAMPLE_PATH, renderConfigExample } from '../../../deploy/gen-config-example.js';
import { envName, flagName, loadConfig } from '../../../src/config/load.js';
import { CONFIG_SCHEMA, type Config, type ConfigKey } from '../../../src/config/schema.js';
import {
  deployFiles, embeddedConfigs, envNames, invocationsInText, invocationsInYaml, type Invocation,
} from './deploy-refs.js';

const KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[];
const FILES = deployFiles();
const isYaml = (path: string): boolean => /\.ya?ml$/.test(path);

/** Environment variables loadConfig reads: KEEPGATE_<KEY>, the aliases, KEEPGATE_CONFIG. */
const KNOWN_ENV = new Set(['KEEPGATE_CONFIG', ...KEYS.flatMap((k) => [envName(k), ...((CONFIG_SCHEMA[k] as { env?: readonly string[] }).env ?? [])])]);
/** Flags of `serve` and `config dump`: --config, each key's flag, and each dotted key. */
const CONFIG_FLAGS = new Set(['config', ...KEYS.map(flagName), ...KEYS]);
/** `keepgate admin` reads its own flags (src/admin.ts), not the configuration's. */
const ADMIN_FLAGS = new Set(['data', 'email', 'username', 'admin', 'read-only', 'user']);

function unknownEnv(text: string): string[] {
  return envNames(text).filter((n) => !KNOWN_ENV.has(n));
}

function unknownFlags(invocations: readonly Invocation[]): string[] {
  return invocations.flatMap((inv) =>
    inv.flags.filter((f) => !(inv.command === 'admin' ? ADMIN_FLAGS : CONFIG_FLAGS).has(f)).map((f) => `--${f} in: ${inv.source}`));
}

function invocationsIn(file: { path: string; text: string }): Invocation[] {
  return [...invocationsInText(file.text), ...(isYaml(file.path) ? invocationsInYaml(file.text) : [])];
}

/** Loads a keepgate.yaml text as `serve --config` would; throws ConfigError naming a bad key. */
function loadYamlText(text: string): Config {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-deploy-'));
  try {
    const file = join(dir, 'keepgate.yaml');
    writeFileSync(file, text);
    return loadConfig({ env: {}, file });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('deploy/config.example.yaml is what deploy/gen-config-example.ts generates from the schema', () => {
  assert.equal(readFileSync(CONFIG_EXAMPLE_PATH, 'utf8'), renderConfigExample(), 'run: node --import tsx deploy/gen-config-example.ts');
});

test('deploy/config.example.yaml lists every key, set to its default, with its doc', () => {
  const text = readFileSync(CONFIG_EXAMPLE_PATH, 'utf8');
  const config = loadYamlText(text);
  for (const key of KEYS) assert.equal(config[key], CONFIG_SCHEMA[key].default, key);
  const listed: string[] = [];
  for (const [k, v] of Object.entries(parseYaml(text) as Record<string, unknown>)) {
    if (v !== null && typeof v === 'object') listed.push(...Object.keys(v).map((sub) => `${k}.${sub}`));
    else listed.push(k);
  }
  assert.deepEqual(listed.sort(), [...KEYS].sort());
  for (const key of KEYS) assert.ok(text.includes(`# ${CONFIG_SCHEMA[key].doc}`), `doc of ${key}`);
});

test('every KEEPGATE_* and ARVADOS_* variable named under deploy/ is one keepgate reads', () => {
  const bad = FILES.flatMap((f) => unknownEnv(f.text).map((n) => `${f.path}: ${n}`));
  assert.deepEqual(bad, []);
  assert.ok(FILES.some((f) => envNames(f.text).length > 0), 'the scan found variables at all');
});

test('every flag given to keepgate serve / config dump under deploy/ is a config flag', () => {
  const bad = FILES.flatMap((f) => unknownFlags(invocationsIn(f)).map((m) => `${f.path}: ${m}`));
  assert.deepEqual(bad, []);
});

test('the scan sees the commands that start keepgate in each deploy file', () => {
  const serveFlags = (path: string): string[] => {
    const file = FILES.find((f) => f.path === path);
    assert.ok(file, path);
    const serves = invocationsIn(file).filter((i) => i.command === 'serve');
    assert.ok(serves.length > 0, `${path} starts keepgate serve`);
    return serves.flatMap((i) => i.flags);
  };
  assert.deepEqual(serveFlags('deploy/Dockerfile'), ['host', 'data']);
  assert.deepEqual(serveFlags('deploy/systemd/keepgate.service'), ['config', 'data']);
  assert.deepEqual(serveFlags('deploy/kubernetes/deployment.yaml'), ['config']);
});

test('every keepgate.yaml carried under deploy/ loads without an unknown key or a bad value', () => {
  const configs = FILES.filter((f) => isYaml(f.path)).flatMap((f) => embeddedConfigs(f.text).map((text) => ({ path: f.path, text })));
  assert.ok(configs.length > 0, 'the Kubernetes ConfigMap carries one');
  for (const { path, text } of configs) {
    const config = loadYamlText(text);
    // In a container, listening on loopback only would make the pod unreachable.
    assert.equal(config['listen.host'], '0.0.0.0', path);
    assert.equal(config.data_dir, '/data', path);
  }
});

test('the checks catch an unknown variable, flag and key', () => {
  assert.deepEqual(unknownEnv('KEEPGATE_LISTEN_PORT=1 KEEPGATE_LOG_LEVEL=info ARVADOS_API_TOKEN=x'), ['KEEPGATE_LISTEN_PORT', 'ARVADOS_API_TOKEN']);
  assert.deepEqual(
    unknownFlags(invocationsInText('CMD ["node", "dist/src/main.js", "serve", "--listen-port", "9000", "--host", "::"]')).length, 1);
  assert.deepEqual(unknownFlags(invocationsInYaml('command: [node, dist/src/main.js]\nargs: [serve, --datadir, /d]\n')), ['--datadir in: node dist/src/main.js serve --datadir /d']);
  assert.deepEqual(unknownFlags(invocationsInText('keepgate admin create-user --data /d --email e --username u')), []);
  const configMap = 'kind: ConfigMap\ndata:\n  keepgate.yaml: |\n    listen:\n      s3port: 1\n';
  assert.throws(() => loadYamlText(embeddedConfigs(configMap)[0]!), /listen\.s3port/);
});
