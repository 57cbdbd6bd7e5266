// Builds the effective configuration: defaults < YAML file < environment < flags.
// Anything unknown or ill-typed stops the process with a message naming the key.

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { CONFIG_SCHEMA, type Config, type ConfigKey, type ConfigValue, type KeySpec } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const KEYS = Object.keys(CONFIG_SCHEMA) as ConfigKey[];
const spec = (key: ConfigKey): KeySpec => CONFIG_SCHEMA[key];

export const envName = (key: ConfigKey): string => `KEEPGATE_${key.replace(/\./g, '_').toUpperCase()}`;
export const flagName = (key: ConfigKey): string => spec(key).flag ?? key.replace(/[._]/g, '-');

function coerce(key: ConfigKey, raw: unknown, source: string): ConfigValue {
  const s = spec(key);
  const fail = (why: string): never => {
    throw new ConfigError(`config key "${key}" (from ${source}): ${why}`);
  };
  switch (s.type) {
    case 'integer': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(n)) fail(`expected an integer, got ${JSON.stringify(raw)}`);
      if ((s.min !== undefined && n < s.min) || (s.max !== undefined && n > s.max)) fail(`${n} is outside ${s.min}..${s.max}`);
      return n;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const v = String(raw).trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off', ''].includes(v)) return false;
      return fail(`expected a boolean, got ${JSON.stringify(raw)}`);
    }
    case 'enum': {
      const v = String(raw);
      if (!s.values?.includes(v)) fail(`expected one of ${s.values?.join(', ')}, got ${JSON.stringify(raw)}`);
      return v;
    }
    default:
      if (typeof raw !== 'string' && typeof raw !== 'number') fail(`expected a string, got ${JSON.stringify(raw)}`);
      return String(raw);
  }
}

/** Flattens nested YAML maps into dotted keys (listen: {host: x} -> listen.host). */
function flatten(obj: unknown, prefix: string, out: Map<string, unknown>): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    out.set(prefix, obj);
    return;
  }
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(key in CONFIG_SCHEMA)) flatten(v, key, out);
    else out.set(key, v);
  }
}

export interface LoadInput {
  readonly argv?: readonly string[]; // flags only (after the subcommand)
  readonly env?: NodeJS.ProcessEnv;
  readonly file?: string; // YAML path; also from --config or KEEPGATE_CONFIG
}

export function parseFlags(argv: readonly string[]): { flags: Map<string, string>; rest: string[] } {
  const flags = new Map<string, string>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) flags.set(a.slice(2), argv[++i]!);
    else flags.set(a.slice(2), 'true');
  }
  return { flags, rest };
}

export function loadConfig(input: LoadInput = {}): Config {
  const env = input.env ?? process.env;
  const { flags } = parseFlags(input.argv ?? []);
  const values = new Map<ConfigKey, ConfigValue>(KEYS.map((k) => [k, spec(k).default]));

  const file = flags.get('config') ?? input.file ?? env.KEEPGATE_CONFIG;
  flags.delete('config');
  if (file) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
    const flat = new Map<string, unknown>();
    if (doc != null) flatten(doc, '', flat);
    for (const [k, v] of flat) {
      if (!(k in CONFIG_SCHEMA)) throw new ConfigError(`unknown config key "${k}" in ${file}`);
      values.set(k as ConfigKey, coerce(k as ConfigKey, v, file));
    }
  }
  for (const key of KEYS) {
    for (const name of [envName(key), ...(spec(key).env ?? [])]) {
      const v = env[name];
      if (v !== undefined && v !== '') values.set(key, coerce(key, v, `environment ${name}`));
    }
  }
  const byFlag = new Map(KEYS.map((k) => [flagName(k), k] as const));
  for (const [name, v] of flags) {
    const key = byFlag.get(name) ?? (KEYS.includes(name as ConfigKey) ? (name as ConfigKey) : undefined);
    if (!key) throw new ConfigError(`unknown flag --${name}`);
    values.set(key, coerce(key, v, `flag --${name}`));
  }
  return Object.freeze(Object.fromEntries(values)) as Config;
}

/** The effective configuration as YAML-ready nested text, secrets masked. */
export function dumpConfig(config: Config): string {
  const lines: string[] = [];
  for (const key of KEYS) {
    const v = config[key];
    // Quoted: an unquoted `*…` would be read back as a YAML alias.
    const shown = spec(key).secret && v !== '' ? '"********"' : JSON.stringify(v);
    lines.push(`${key}: ${shown}  # ${spec(key).doc}`);
  }
  return lines.join('\n') + '\n';
}
