// Finds the configuration that files under deploy/ refer to: environment variable names,
// flags of `keepgate serve` / `keepgate config dump` invocations, and embedded keepgate.yaml
// documents, so that deploy.test.ts can hold them against the schema.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO = resolve(import.meta.dirname, '..', '..', '..');
export const DEPLOY = join(REPO, 'deploy');

export interface DeployFile {
  /** Relative to the repository root. */
  readonly path: string;
  readonly text: string;
}

export function deployFiles(dir = DEPLOY): DeployFile[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return deployFiles(p);
    return [{ path: relative(REPO, p), text: readFileSync(p, 'utf8') }];
  });
}

/** Names of environment variables keepgate might read: KEEPGATE_* and ARVADOS_*. */
export function envNames(text: string): string[] {
  return [...new Set(text.match(/\b(?:KEEPGATE|ARVADOS)_[A-Z0-9_]+\b/g) ?? [])];
}

export interface Invocation {
  readonly command: 'serve' | 'config dump' | 'admin';
  /** Flag names without the dashes, in order. */
  readonly flags: string[];
  /** The text the invocation was found in, for messages. */
  readonly source: string;
}

// `main.js serve …`, `keepgate config dump …`, also as JSON array items ("main.js", "serve", …).
const INVOCATION = /(?:main\.js|\bkeepgate)["']?,?\s+["']?(serve|config["']?,?\s+["']?dump|admin)\b(.*)$/;

/** keepgate invocations written on one line (shell commands, ExecStart, Dockerfile CMD, comments). */
export function invocationsInText(text: string): Invocation[] {
  const out: Invocation[] = [];
  for (const line of text.split('\n')) {
    const m = INVOCATION.exec(line);
    if (!m) continue;
    const command = m[1]!.startsWith('config') ? 'config dump' : (m[1] as 'serve' | 'admin');
    const flags = [...m[2]!.matchAll(/(?:^|[\s"',[])--([a-zA-Z][\w.-]*)/g)].map((f) => f[1]!);
    out.push({ command, flags, source: line.trim() });
  }
  return out;
}

/** Walks every value of every document of a YAML file. */
function* walk(node: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(node)) for (const item of node) yield* walk(item);
  else if (node !== null && typeof node === 'object') {
    yield node as Record<string, unknown>;
    for (const v of Object.values(node)) yield* walk(v);
  }
}

export function yamlDocuments(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('; '));
    return d.toJS() as unknown;
  });
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

/** Invocations spread over YAML lists: a container's command + args, a compose service's entrypoint + command. */
export function invocationsInYaml(text: string): Invocation[] {
  const out: Invocation[] = [];
  for (const doc of yamlDocuments(text)) {
    for (const obj of walk(doc)) {
      const argv = [...stringList(obj.entrypoint), ...stringList(obj.command), ...stringList(obj.args)];
      if (argv.length > 0) out.push(...invocationsInText(argv.join(' ')));
    }
  }
  return out;
}

/** keepgate.yaml documents carried inside other YAML (a ConfigMap's data). */
export function embeddedConfigs(text: string): string[] {
  const out: string[] = [];
  for (const doc of yamlDocuments(text)) {
    for (const obj of walk(doc)) {
      if (obj.kind !== 'ConfigMap' || obj.data === null || typeof obj.data !== 'object') continue;
      for (const [name, value] of Object.entries(obj.data as Record<string, unknown>)) {
        if (/^keepgate\.ya?ml$/.test(name) && typeof value === 'string') out.push(value);
      }
    }
  }
  return out;
}
