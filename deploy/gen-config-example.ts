// Writes deploy/config.example.yaml from the configuration schema (src/config/schema.ts):
// every key, its default, its doc, and the environment variable and flag that also set it.
// Run after changing the schema: node --import tsx deploy/gen-config-example.ts
// (test/unit/ops/deploy.test.ts fails while the committed file is out of date).

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { envName, flagName } from '../src/config/load.js';
import { CONFIG_SCHEMA, type ConfigKey, type KeySpec } from '../src/config/schema.js';

export const CONFIG_EXAMPLE_PATH = resolve(import.meta.dirname, 'config.example.yaml');

const HEADER = `# keepgate configuration: every key, set to its default.
# Generated from src/config/schema.ts by deploy/gen-config-example.ts: do not edit by hand.
#
# Use it with \`keepgate serve --config keepgate.yaml\` (or KEEPGATE_CONFIG=keepgate.yaml).
# Environment variables override the file and flags override both; \`keepgate config dump\`
# prints the effective result (secrets masked). A key not listed here, or a bad value,
# stops keepgate with a message naming the key. Keep secrets out of this file when you
# can: give them through their environment variables instead.
`;

function describe(key: ConfigKey, spec: KeySpec): string[] {
  const lines = [spec.doc];
  if (spec.type === 'enum') lines.push(`One of: ${spec.values?.join(', ')}.`);
  if (spec.min !== undefined || spec.max !== undefined) lines.push(`Range: ${spec.min ?? ''}..${spec.max ?? ''}.`);
  if (spec.secret) lines.push('Secret: masked by `config dump`.');
  const env = [envName(key), ...(spec.env ?? [])].join(', ');
  lines.push(`env: ${env}; flag: --${flagName(key)}`);
  return lines;
}

const scalar = (spec: KeySpec): string => (typeof spec.default === 'string' ? JSON.stringify(spec.default) : String(spec.default));

/** Top-level keys, then one YAML map per section, in schema order of first appearance. */
function sections(): Map<string, ConfigKey[]> {
  const bySection = new Map<string, ConfigKey[]>();
  for (const key of Object.keys(CONFIG_SCHEMA) as ConfigKey[]) {
    const dot = key.indexOf('.');
    const section = dot < 0 ? '' : key.slice(0, dot);
    bySection.set(section, [...(bySection.get(section) ?? []), key]);
  }
  return bySection;
}

export function renderConfigExample(): string {
  const out = [HEADER.trimEnd()];
  for (const [section, keys] of sections()) {
    const indent = section === '' ? '' : '  ';
    if (section !== '') out.push('', `${section}:`);
    for (const key of keys) {
      const spec: KeySpec = CONFIG_SCHEMA[key];
      if (section === '' || key !== keys[0]) out.push('');
      for (const line of describe(key, spec)) out.push(`${indent}# ${line}`);
      out.push(`${indent}${section === '' ? key : key.slice(section.length + 1)}: ${scalar(spec)}`);
    }
  }
  return out.join('\n') + '\n';
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(CONFIG_EXAMPLE_PATH, renderConfigExample());
  process.stdout.write(`wrote ${CONFIG_EXAMPLE_PATH}\n`);
}
