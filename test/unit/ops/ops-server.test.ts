// createOpsServer: the remote-mode API listener. Its routes, the management token on the
// guarded ones (401 without, 403 wrong, 200 right), a JSON 404 for everything else (the REST
// and Keep APIs are the cluster's), request ids, and the response hook's endpoint labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { ResponseEvent } from '../../../src/cluster/embedded/http/server.js';
import { createOpsServer } from '../../../src/ops-server.js';

test('ops server: open and guarded routes, JSON 404 elsewhere, request ids, failures as 500, one event per response', async () => {
  const events: ResponseEvent[] = [];
  const errors: unknown[] = [];
  const server = createOpsServer({
    routes: [
      { path: '/_health/ping', auth: 'none', handle: (_req, res) => void res.end('pong') },
      { path: '/metrics', handle: (_req, res) => void res.end('metrics') },
      { path: '/boom', auth: 'none', handle: async () => Promise.reject(new Error('kaput')) },
    ],
    managementToken: 'mgmt-secret',
    onError: (err) => errors.push(err),
    onResponse: (e) => events.push(e),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, body: await res.text(), id: res.headers.get('x-request-id') };
  };
  try {
    assert.equal((await get('/_health/ping')).body, 'pong');
    assert.equal((await get('/metrics')).status, 401);
    assert.equal((await get('/metrics', { authorization: 'Bearer wrong' })).status, 403);
    assert.deepEqual(await get('/metrics', { authorization: 'Bearer mgmt-secret', 'x-request-id': 'probe-1' }), { status: 200, body: 'metrics', id: 'probe-1' });
    for (const path of ['/arvados/v1/collections', '/d41d8cd98f00b204e9800998ecf8427e+0', '/_health/ping/x']) {
      const r = await get(path, { authorization: 'Bearer mgmt-secret' });
      assert.equal(r.status, 404, path);
      assert.ok(Array.isArray((JSON.parse(r.body) as { errors: unknown }).errors), `${path}: JSON error body`);
    }
    const boom = await get('/boom', { 'x-request-id': 'not a plain id!' });
    assert.equal(boom.status, 500);
    assert.ok(!boom.body.includes('kaput'), 'the cause stays in the log');
    assert.match(boom.id ?? '', /^req-[0-9a-f]{20}$/, 'an unplain caller id is replaced');
    assert.equal(errors.length, 1);
    while (events.length < 8) await new Promise((r) => setImmediate(r)); // the last responses' 'close' events
    assert.deepEqual(
      events.map((e) => [e.endpoint, e.status]),
      [['/_health/ping', 200], ['/metrics', 401], ['/metrics', 403], ['/metrics', 200], ['unmatched', 404], ['unmatched', 404], ['unmatched', 404], ['/boom', 500]],
    );
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
