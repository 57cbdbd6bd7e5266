import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { register as globalRegistry } from 'prom-client';
import { ROUTES } from '../../../src/cluster/embedded/http/routes.js';
import { noopMetrics, type Metrics } from '../../../src/metrics/metrics.js';
import {
  labelDomains, METRIC_NAMES, METRIC_PREFIX, METRICS, OTHER_LABEL_VALUE,
  type LabelName, type OpenLabelDomains,
} from '../../../src/metrics/names.js';
import { metricsHandler, PrometheusMetrics } from '../../../src/metrics/prometheus.js';
import { CHECKSUM_ALGORITHMS } from '../../../src/s3/body/checksums.js';
import { S3_ERRORS } from '../../../src/s3/errors.js';
import { S3_OPERATIONS } from '../../../src/s3/ops.js';
import { declaredTypes, parseSamples, valueOf, type Sample } from './exposition.js';

/** The domains the composition root passes. */
const OPEN: OpenLabelDomains = {
  operation: S3_OPERATIONS,
  reason: Object.keys(S3_ERRORS),
  algorithm: [...CHECKSUM_ALGORITHMS, 'MD5'],
  endpoint: [...ROUTES.map((r) => `${r.method} ${r.path.join('/')}`), 'keep', '/_health/ping', '/metrics', 'unmatched'],
};
const DOMAINS = labelDomains(OPEN);

const make = (opts: { processMetrics?: boolean } = {}): PrometheusMetrics => new PrometheusMetrics({ labels: OPEN, processMetrics: opts.processMetrics ?? false });

async function scrape(m: PrometheusMetrics): Promise<{ text: string; samples: Sample[] }> {
  const { body } = await m.render();
  return { text: body, samples: parseSamples(body) };
}

/** Drives every recording method once with in-domain values. */
function exercise(m: Metrics): void {
  m.s3Request({ operation: 'GetObject', status: 200, durationSeconds: 0.02, bytesIn: 0, bytesOut: 1000 });
  m.s3Request({ operation: 'PutObject', status: 403, durationSeconds: 0.01, bytesIn: 500, bytesOut: 300 });
  m.s3TimeToFirstByte('GetObject', 0.004);
  m.s3InFlight('GetObject', 1);
  m.authFailure('SignatureDoesNotMatch');
  m.checksumMismatch('CRC32C');
  m.payloadMode('streaming-signed-trailer');
  m.keepBlockRead({ bytes: 4096, seconds: 0.002, ok: true });
  m.keepBlockWrite({ bytes: 8192, seconds: 0.003, ok: true });
  m.keepBlockWrite({ bytes: 8192, seconds: 0.5, ok: false });
  m.throttleWait(0.2);
  m.cacheLookup({ cache: 'collection', hit: true });
  m.cacheLookup({ cache: 'collection', hit: false });
  m.apiRequest({ endpoint: 'GET collections/:id', status: 404, durationSeconds: 0.001 });
}

test('names follow the conventions: prefix, base units, counters end in _total', () => {
  for (const name of METRIC_NAMES) {
    const spec = METRICS[name];
    assert.ok(name.startsWith(METRIC_PREFIX), name);
    assert.equal(name.endsWith('_total'), spec.type === 'counter', `${name}: only counters end in _total`);
    if (spec.type === 'histogram') assert.match(name, /_seconds$/, `${name}: histograms here measure time`);
    assert.doesNotMatch(name, /_(ms|milliseconds|kb|mb|kib|mib)(_|$)/, `${name}: base units only`);
    assert.ok(spec.help.length > 10, `${name} has a help text`);
    for (const label of spec.labels) assert.ok(label in DOMAINS, `${name}: label ${label} has a domain`);
  }
});

test('no label is unbounded: no metric is labelled by bucket, key, user or token', () => {
  const labels = new Set(METRIC_NAMES.flatMap((n) => METRICS[n].labels as readonly string[]));
  for (const bad of ['bucket', 'key', 'user', 'user_uuid', 'token', 'access_key', 'path', 'url']) assert.ok(!labels.has(bad), bad);
});

test('a fresh registry renders every declared metric with HELP and TYPE lines', async () => {
  const { text } = await scrape(make());
  const types = declaredTypes(text);
  for (const name of METRIC_NAMES) {
    assert.equal(types.get(name), METRICS[name].type, `# TYPE of ${name}`);
    assert.match(text, new RegExp(`^# HELP ${name} \\S`, 'm'), `# HELP of ${name}`);
  }
  // Nothing keepgate_-prefixed that the table does not declare.
  assert.deepEqual([...types.keys()].filter((n) => n.startsWith(METRIC_PREFIX)).sort(), [...METRIC_NAMES].sort());
});

test('counters, histograms and gauges move when the layers report', async () => {
  const m = make();
  exercise(m);
  const { samples: s } = await scrape(m);
  assert.equal(valueOf(s, 'keepgate_s3_requests_total', { operation: 'GetObject', status_class: '2xx' }), 1);
  assert.equal(valueOf(s, 'keepgate_s3_requests_total', { operation: 'PutObject', status_class: '4xx' }), 1);
  assert.equal(valueOf(s, 'keepgate_s3_request_duration_seconds_count', { operation: 'GetObject' }), 1);
  assert.equal(valueOf(s, 'keepgate_s3_request_duration_seconds_sum', { operation: 'GetObject' }), 0.02);
  assert.equal(valueOf(s, 'keepgate_s3_sent_bytes_total', { operation: 'GetObject' }), 1000);
  assert.equal(valueOf(s, 'keepgate_s3_received_bytes_total', { operation: 'PutObject' }), 500);
  assert.equal(valueOf(s, 'keepgate_s3_received_bytes_total', { operation: 'GetObject' }), undefined, 'zero bytes add no series');
  assert.equal(valueOf(s, 'keepgate_s3_time_to_first_byte_seconds_count', { operation: 'GetObject' }), 1);
  assert.equal(valueOf(s, 'keepgate_s3_requests_in_flight', { operation: 'GetObject' }), 1);
  assert.equal(valueOf(s, 'keepgate_s3_auth_failures_total', { reason: 'SignatureDoesNotMatch' }), 1);
  assert.equal(valueOf(s, 'keepgate_s3_checksum_mismatches_total', { algorithm: 'CRC32C' }), 1);
  assert.equal(valueOf(s, 'keepgate_s3_payload_modes_total', { mode: 'streaming-signed-trailer' }), 1);
  assert.equal(valueOf(s, 'keepgate_keep_block_read_duration_seconds_count', { outcome: 'ok' }), 1);
  assert.equal(valueOf(s, 'keepgate_keep_block_read_bytes_total'), 4096);
  assert.equal(valueOf(s, 'keepgate_keep_block_write_duration_seconds_count', { outcome: 'ok' }), 1);
  assert.equal(valueOf(s, 'keepgate_keep_block_write_duration_seconds_count', { outcome: 'error' }), 1);
  assert.equal(valueOf(s, 'keepgate_keep_block_write_bytes_total'), 8192, 'failed writes add no bytes');
  assert.equal(valueOf(s, 'keepgate_keep_write_throttle_wait_seconds_count'), 1);
  assert.equal(valueOf(s, 'keepgate_keep_write_throttle_wait_seconds_bucket', { le: '0.25' }), 1);
  assert.equal(valueOf(s, 'keepgate_keep_write_throttle_wait_seconds_bucket', { le: '0.1' }), 0);
  assert.equal(valueOf(s, 'keepgate_cache_lookups_total', { cache: 'collection', result: 'hit' }), 1);
  assert.equal(valueOf(s, 'keepgate_cache_lookups_total', { cache: 'collection', result: 'miss' }), 1);
  assert.equal(valueOf(s, 'keepgate_api_requests_total', { endpoint: 'GET collections/:id', status_class: '4xx' }), 1);
  assert.equal(valueOf(s, 'keepgate_api_request_duration_seconds_count', { endpoint: 'GET collections/:id' }), 1);

  m.s3InFlight('GetObject', -1);
  m.s3Request({ operation: 'GetObject', status: 206, durationSeconds: 0.01, bytesIn: 0, bytesOut: 24 });
  const { samples: after } = await scrape(m);
  assert.equal(valueOf(after, 'keepgate_s3_requests_in_flight', { operation: 'GetObject' }), 0);
  assert.equal(valueOf(after, 'keepgate_s3_requests_total', { operation: 'GetObject', status_class: '2xx' }), 2);
  assert.equal(valueOf(after, 'keepgate_s3_sent_bytes_total', { operation: 'GetObject' }), 1024);
});

test('every sample carries only its declared labels, with values from their domains', async () => {
  const m = make();
  exercise(m);
  m.s3Request({ operation: 'GetObject; drop table', status: 999, durationSeconds: 1, bytesIn: 1, bytesOut: 1 });
  const { samples } = await scrape(m);
  const kept = samples.filter((s) => s.name.startsWith(METRIC_PREFIX));
  assert.ok(kept.length > 20);
  for (const s of kept) {
    const name = METRIC_NAMES.find((n) => s.name === n || s.name.replace(/_(bucket|sum|count)$/, '') === n);
    assert.ok(name, `${s.name} is declared`);
    for (const [label, value] of Object.entries(s.labels)) {
      if (label === 'le' && METRICS[name].type === 'histogram') continue;
      assert.ok((METRICS[name].labels as readonly string[]).includes(label), `${s.name}: label ${label} is declared`);
      assert.ok(value === OTHER_LABEL_VALUE || DOMAINS[label as LabelName].includes(value), `${s.name}: ${label}="${value}" is in its domain`);
    }
  }
  assert.equal(valueOf(samples, 'keepgate_s3_requests_total', { operation: OTHER_LABEL_VALUE, status_class: OTHER_LABEL_VALUE }), 1);
});

test('a label value outside its domain is recorded as "other", whatever it is', async () => {
  const domainOf = (l: LabelName): Set<string> => new Set(DOMAINS[l]);
  await fc.assert(
    fc.asyncProperty(fc.string(), fc.string(), fc.string(), async (operation, reason, endpoint) => {
      fc.pre(!domainOf('operation').has(operation) && !domainOf('reason').has(reason) && !domainOf('endpoint').has(endpoint));
      const m = make();
      m.s3Request({ operation, status: 200, durationSeconds: 0.1, bytesIn: 1, bytesOut: 2 });
      m.s3InFlight(operation, 1);
      m.s3TimeToFirstByte(operation, 0.1);
      m.authFailure(reason);
      m.checksumMismatch(reason);
      m.apiRequest({ endpoint, status: 200, durationSeconds: 0.1 });
      const { samples } = await scrape(m);
      for (const label of ['operation', 'reason', 'algorithm', 'endpoint'] as const) {
        const seen = new Set(samples.flatMap((s) => (s.labels[label] === undefined ? [] : [s.labels[label]])));
        for (const v of seen) assert.ok(v === OTHER_LABEL_VALUE || domainOf(label).has(v), `${label}="${v}"`);
      }
      assert.equal(valueOf(samples, 'keepgate_s3_requests_total', { operation: OTHER_LABEL_VALUE, status_class: '2xx' }), 1);
      assert.equal(valueOf(samples, 'keepgate_s3_auth_failures_total', { reason: OTHER_LABEL_VALUE }), 1);
      assert.equal(valueOf(samples, 'keepgate_api_requests_total', { endpoint: OTHER_LABEL_VALUE, status_class: '2xx' }), 1);
    }),
    { numRuns: 50 },
  );
});

test('bad amounts from a caller are ignored instead of thrown into the request path', async () => {
  const m = make();
  for (const bytes of [-1, NaN, Infinity]) {
    assert.doesNotThrow(() => m.s3Request({ operation: 'PutObject', status: 200, durationSeconds: 0, bytesIn: bytes, bytesOut: bytes }));
    assert.doesNotThrow(() => m.keepBlockRead({ bytes, seconds: 0, ok: true }));
  }
  const { samples } = await scrape(m);
  assert.equal(valueOf(samples, 'keepgate_s3_received_bytes_total', { operation: 'PutObject' }), undefined);
  assert.equal(valueOf(samples, 'keepgate_keep_block_read_bytes_total'), 0);
  assert.equal(valueOf(samples, 'keepgate_s3_requests_total', { operation: 'PutObject', status_class: '2xx' }), 3);
});

test('gauges read their sources at scrape time; a source can be replaced; a failing one shows NaN', async () => {
  const m = make();
  let stats = { limit: 4, active: 2, waiting: 7 };
  m.throttle(() => stats);
  m.memSegmentBytes(async () => 123456);
  m.multipartInProgress(() => 3);
  let s = (await scrape(m)).samples;
  assert.equal(valueOf(s, 'keepgate_keep_write_throttle_active'), 2);
  assert.equal(valueOf(s, 'keepgate_keep_write_throttle_waiting'), 7);
  assert.equal(valueOf(s, 'keepgate_keep_write_throttle_limit'), 4);
  assert.equal(valueOf(s, 'keepgate_mem_segment_bytes'), 123456);
  assert.equal(valueOf(s, 'keepgate_s3_multipart_uploads_in_progress'), 3);

  stats = { limit: 4, active: 4, waiting: 0 };
  m.multipartInProgress(() => Promise.reject(new Error('database is locked')));
  s = (await scrape(m)).samples;
  assert.equal(valueOf(s, 'keepgate_keep_write_throttle_active'), 4);
  assert.equal(valueOf(s, 'keepgate_keep_write_throttle_waiting'), 0);
  assert.ok(Number.isNaN(valueOf(s, 'keepgate_s3_multipart_uploads_in_progress')));
});

test('each instance has its own registry; the global prom-client registry stays empty', async () => {
  const a = make();
  const b = make();
  a.authFailure('AccessDenied');
  assert.equal(valueOf((await scrape(a)).samples, 'keepgate_s3_auth_failures_total', { reason: 'AccessDenied' }), 1);
  assert.equal(valueOf((await scrape(b)).samples, 'keepgate_s3_auth_failures_total', { reason: 'AccessDenied' }), undefined);
  assert.equal(globalRegistry.getMetricsAsArray().filter((x) => x.name.startsWith(METRIC_PREFIX)).length, 0);
});

test('Node process metrics are included unless turned off', async () => {
  const withProcess = await make({ processMetrics: true }).render();
  assert.match(withProcess.body, /^# TYPE process_cpu_user_seconds_total counter$/m);
  assert.match(withProcess.body, /^# TYPE nodejs_heap_size_used_bytes gauge$/m);
  assert.match(withProcess.contentType, /^text\/plain; version=0\.0\.4/);
  assert.doesNotMatch((await make().render()).body, /process_cpu_user_seconds_total/);
});

test('noopMetrics offers every method PrometheusMetrics records with, and records nothing', () => {
  const proto = new Set(Object.getOwnPropertyNames(PrometheusMetrics.prototype));
  assert.equal(Object.keys(noopMetrics).length, 14);
  for (const [name, fn] of Object.entries(noopMetrics)) {
    assert.ok(proto.has(name), `PrometheusMetrics.${name}`);
    assert.equal((fn as () => unknown)(), undefined);
  }
  assert.ok(Object.isFrozen(noopMetrics));
  assert.doesNotThrow(() => exercise(noopMetrics));
});

test('metricsHandler serves the rendering with its content type', async () => {
  const m = make();
  m.payloadMode('sha256');
  const server = createServer((req, res) => void metricsHandler(m)(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const body = await res.text();
    assert.equal(valueOf(parseSamples(body), 'keepgate_s3_payload_modes_total', { mode: 'sha256' }), 1);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});
