// openapi/ lints clean with @redocly/cli (pinned in test/ops-tools), and says exactly what
// the code has: the S3 operations the router knows, the S3 error table, the REST routes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ROUTES } from '../../../src/cluster/embedded/http/routes.js';
import { S3_ERRORS } from '../../../src/s3/errors.js';
import { S3_OPERATIONS, UNSUPPORTED_OPERATIONS } from '../../../src/s3/ops.js';
import { parseRequest } from '../../../src/s3/route.js';
import { OPS_PATHS } from '../../../src/serve.js';
import { REPO } from './deploy-refs.js';

const OPENAPI = join(REPO, 'openapi');
const TOOLS = join(REPO, 'test', 'ops-tools');
const METHODS = ['get', 'put', 'post', 'delete', 'head', 'options', 'patch', 'trace'] as const;

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly $ref?: string;
}
interface Operation {
  readonly operationId?: string;
  readonly parameters?: readonly Parameter[];
}
type PathItem = Partial<Record<(typeof METHODS)[number], Operation>> & { readonly parameters?: readonly Parameter[] };
interface Document {
  readonly paths: Record<string, PathItem>;
  readonly components: { parameters?: Record<string, Parameter>; schemas: Record<string, Record<string, unknown>> };
}

const load = (name: string): Document => parseYaml(readFileSync(join(OPENAPI, name), 'utf8')) as Document;

/** Every (path, method, operation) of a document. */
function operations(doc: Document): Array<{ path: string; method: string; op: Operation; params: Parameter[] }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((method) => {
      const op = item[method]!;
      const resolve = (p: Parameter): Parameter => (p.$ref ? doc.components.parameters![p.$ref.split('/').at(-1)!]! : p);
      return { path, method, op, params: [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve) };
    }));
}

const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

/** Runs redocly lint (installing test/ops-tools first if needed); files relative to the repo. */
function lint(files: readonly string[]): { status: number | null; output: string } {
  if (!existsSync(join(TOOLS, 'node_modules', '.bin', 'redocly'))) {
    execFileSync('npm', ['ci', '--prefix', TOOLS, '--no-audit', '--no-fund'], { cwd: REPO, stdio: 'pipe' });
  }
  const run = spawnSync('npx', ['--no', '--prefix', TOOLS, 'redocly', 'lint', '--config', 'openapi/redocly.yaml', ...files], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

test('openapi/ documents lint without errors (@redocly/cli from test/ops-tools)', { timeout: 300_000 }, () => {
  const documents = readdirSync(OPENAPI).filter((f) => f.endsWith('.yaml') && f !== 'redocly.yaml').sort();
  assert.deepEqual(documents, ['arvados.yaml', 'ops.yaml', 's3.yaml']);
  const { status, output } = lint(documents.map((d) => `openapi/${d}`));
  assert.equal(status, 0, `redocly lint failed:\n${output}`);
  for (const d of documents) assert.match(output, new RegExp(`openapi/${d.replace('.', '\\.')}: validated`));
});

test('the lint run fails on a document with errors', { timeout: 300_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-openapi-'));
  try {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'openapi: 3.1.0\ninfo: { title: bad }\npaths:\n  /x:\n    get:\n      responses: {}\n');
    const { status, output } = lint([bad]);
    assert.notEqual(status, 0, output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('s3.yaml has one operation per S3 operation the router knows, named as AWS names it', () => {
  const ids = operations(load('s3.yaml')).map((o) => o.op.operationId ?? `(no operationId at ${o.method} ${o.path})`);
  assert.equal(new Set(ids).size, ids.length, 'no operation twice');
  assert.deepEqual(sorted(ids), sorted(S3_OPERATIONS.filter((n) => n !== 'NotImplemented')));
  const unsupported = new Set<string>(UNSUPPORTED_OPERATIONS);
  assert.deepEqual(ids.filter((id) => unsupported.has(id)), []);
});

test('each s3.yaml operation, sent as written, is routed to the operation it names', () => {
  for (const { path, method, op, params } of operations(load('s3.yaml'))) {
    const [template = '', query = ''] = path.split('?');
    const rawPath = template.replace('{Bucket}', 'bucket').replace('{Key}', 'dir/key.txt');
    const q = new URLSearchParams(query);
    const headers: Record<string, string> = { host: 's3.test' };
    for (const p of params.filter((x) => x.required)) {
      if (p.in === 'query') q.set(p.name, p.name === 'partNumber' ? '1' : 'upload-1');
      if (p.in === 'header') headers[p.name.toLowerCase()] = '/other/source.txt';
    }
    const rawQuery = q.toString().replace(/=(&|$)/g, '$1'); // `?tagging`, not `?tagging=`
    const routed = parseRequest({ method: method.toUpperCase(), rawPath, rawQuery, headers });
    assert.equal(routed.name, op.operationId, `${method.toUpperCase()} ${rawPath}?${rawQuery}`);
  }
});

test('the ErrorCode component lists every code of S3_ERRORS with its status, and no other', () => {
  const schema = load('s3.yaml').components.schemas.ErrorCode as { enum: string[]; 'x-http-status': Record<string, number> };
  assert.equal(new Set(schema.enum).size, schema.enum.length, 'no code twice');
  assert.deepEqual(sorted(schema.enum), sorted(Object.keys(S3_ERRORS)));
  const statuses = Object.fromEntries(Object.entries(S3_ERRORS).map(([code, [status]]) => [code, status]));
  assert.deepEqual(schema['x-http-status'], statuses);
});

test('arvados.yaml has exactly the REST routes of the embedded API, plus the Keep block API', () => {
  const documented = operations(load('arvados.yaml'));
  const rest = documented.filter((o) => o.path.startsWith('/arvados/v1/')).map((o) => `${o.method.toUpperCase()} ${o.path}`);
  const routes = ROUTES.map((r) => `${r.method} /arvados/v1/${r.path.map((s) => (s === ':id' ? '{uuid}' : s)).join('/')}`);
  assert.equal(new Set(routes).size, routes.length);
  assert.deepEqual(sorted(rest), sorted(routes));
  const keep = documented.filter((o) => !o.path.startsWith('/arvados/v1/'));
  assert.deepEqual(sorted(keep.map((o) => `${o.method} ${o.path}`)), ['get /{locator}', 'head /{locator}', 'options /{locator}', 'put /{locator}']);
  const ids = documented.map((o) => o.op.operationId);
  assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
});

test('ops.yaml has exactly the health and metrics endpoints serve.ts plugs into the API listener', () => {
  assert.deepEqual(sorted(operations(load('ops.yaml')).map((o) => `${o.method} ${o.path}`)), sorted(OPS_PATHS.map((p) => `get ${p}`)));
});
