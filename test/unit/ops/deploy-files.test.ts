// The properties each deploy/ file exists for: streaming and Host pass-through in nginx,
// hardening in systemd, a non-root image, and ports that agree with the configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SCHEMA } from '../../../src/config/schema.js';
import { DEPLOY, embeddedConfigs, yamlDocuments } from './deploy-refs.js';

const read = (path: string): string => readFileSync(join(DEPLOY, path), 'utf8');
const S3_PORT = CONFIG_SCHEMA['listen.s3_port'].default;
const API_PORT = CONFIG_SCHEMA['listen.api_port'].default;

/** nginx directives as name -> values, comments dropped. */
function nginxDirectives(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const m = /^([a-z_0-9]+)\s+(.*?);$/.exec(line);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

/** systemd `[Service]` settings as name -> values (repeatable). */
function unitSettings(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

test('nginx: wildcard virtual hosts, Host passed unchanged, no buffering, no body cap', () => {
  const d = nginxDirectives(read('nginx/keepgate.conf'));
  for (const names of d.get('server_name') ?? []) {
    assert.deepEqual(names.split(/\s+/).sort(), ['*.s3.example.com', 's3.example.com']);
  }
  assert.deepEqual(d.get('client_max_body_size'), ['0']);
  assert.deepEqual(d.get('proxy_request_buffering'), ['off']);
  assert.deepEqual(d.get('proxy_buffering'), ['off']);
  assert.deepEqual(d.get('proxy_http_version'), ['1.1']);
  assert.ok(d.get('proxy_set_header')?.includes('Host $http_host'), 'SigV4 signs the Host the client sent');
  assert.ok(!d.get('proxy_set_header')?.some((h) => /^Host \$host\b/.test(h)));
  // A URI part after the upstream would make nginx rewrite the (signed) request path.
  assert.deepEqual(d.get('proxy_pass'), ['http://keepgate_s3']);
  assert.deepEqual(d.get('server'), [`127.0.0.1:${S3_PORT}`]);
});

test('systemd: a dedicated user, a read-only system but for the data directory, no privileges', () => {
  const s = unitSettings(read('systemd/keepgate.service'));
  const one = (name: string): string | undefined => s.get(name)?.at(-1);
  assert.equal(one('User'), 'keepgate');
  assert.equal(one('NoNewPrivileges'), 'yes');
  assert.equal(one('ProtectSystem'), 'strict');
  assert.equal(one('PrivateTmp'), 'yes');
  assert.equal(one('ProtectHome'), 'yes');
  assert.equal(one('CapabilityBoundingSet'), '');
  assert.equal(one('AmbientCapabilities'), '');
  const dataDir = /--data\s+(\S+)/.exec(one('ExecStart') ?? '')?.[1];
  assert.ok(dataDir, 'ExecStart names the data directory');
  assert.deepEqual(s.get('ReadWritePaths'), [dataDir]);
  assert.equal(`/var/lib/${one('StateDirectory')}`, dataDir);
  assert.equal(one('KillSignal'), 'SIGTERM');
  assert.ok(Number.parseInt(one('TimeoutStopSec') ?? '0', 10) > CONFIG_SCHEMA['shutdown.timeout_seconds'].default, 'stop timeout beyond the drain timeout');
  assert.match(read('systemd/keepgate.sysusers'), /^u keepgate - /m);
});

test('Dockerfile: multi-stage node:20-bookworm-slim, compiled with tsc, dev dependencies pruned, run as non-root', () => {
  const text = read('Dockerfile');
  const froms = [...text.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
  assert.deepEqual(froms, ['node:20-bookworm-slim', 'node:20-bookworm-slim']);
  assert.match(text, /npm ci/);
  assert.match(text, /npx tsc -p tsconfig\.build\.json/);
  assert.match(text, /npm prune --omit=dev/);
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  const user = /^USER (\S+)/m.exec(runtime)?.[1];
  assert.ok(user && !/^(root|0)(:|$)/.test(user), `runtime USER ${user}`);
  assert.ok(runtime.indexOf('USER ') < runtime.indexOf('CMD '), 'USER before CMD');
  assert.deepEqual(/^EXPOSE (.*)$/m.exec(runtime)?.[1]?.split(/\s+/), [String(S3_PORT), String(API_PORT)]);
  assert.match(runtime, /^VOLUME \["\/data"\]$/m);
  assert.match(runtime, /^CMD \["node", "dist\/src\/main\.js", "serve", "--host", "0\.0\.0\.0", "--data", "\/data"\]$/m);
});

test('Kubernetes: ports, probes and mounts agree with the ConfigMap', () => {
  const docs = ['deployment.yaml', 'service.yaml', 'pvc.yaml', 'configmap.yaml'].flatMap((f) => yamlDocuments(read(`kubernetes/${f}`))) as Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const kinds = docs.map((d) => d.kind).sort();
  assert.deepEqual(kinds, ['ConfigMap', 'Deployment', 'PersistentVolumeClaim', 'Service']);
  const configText = embeddedConfigs(read('kubernetes/configmap.yaml'))[0]!;
  const config = yamlDocuments(configText)[0] as { listen: { s3_port: number; api_port: number }; data_dir: string };
  const deployment = docs.find((d) => d.kind === 'Deployment')!;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const ports = Object.fromEntries(container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]));
  assert.deepEqual(ports, { s3: config.listen.s3_port, api: config.listen.api_port });
  assert.equal(container.readinessProbe.httpGet.path, '/_health/ready');
  assert.equal(container.readinessProbe.httpGet.port, 'api');
  const mounts = Object.fromEntries(container.volumeMounts.map((m: { name: string; mountPath: string }) => [m.name, m.mountPath]));
  assert.equal(mounts.data, config.data_dir);
  const pvc = docs.find((d) => d.kind === 'PersistentVolumeClaim')!;
  assert.equal(pod.volumes.find((v: { name: string }) => v.name === 'data').persistentVolumeClaim.claimName, pvc.metadata.name);
  assert.equal(deployment.spec.replicas, 1, 'one SQLite writer');
  assert.equal(deployment.spec.strategy.type, 'Recreate');
  assert.equal(pod.securityContext.runAsNonRoot, true);
  assert.equal(container.securityContext.allowPrivilegeEscalation, false);
  assert.ok(pod.terminationGracePeriodSeconds > CONFIG_SCHEMA['shutdown.timeout_seconds'].default);
  const service = docs.find((d) => d.kind === 'Service')!;
  assert.deepEqual(service.spec.selector, deployment.spec.selector.matchLabels);
  assert.deepEqual(deployment.spec.template.metadata.labels, deployment.spec.selector.matchLabels);
  assert.deepEqual(service.spec.ports.map((p: { targetPort: string }) => p.targetPort).sort(), ['api', 's3']);
});
