import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ArvadosApiError, type ArvadosApi } from '../../../src/arvados-api/api.js';
import { isDomainError } from '../../../src/common/errors.js';
import { ContentsCache } from '../../../src/cluster/arvados/contents-cache.js';
import { ExtensionSupport, plainSelect, plainWriteOptions } from '../../../src/cluster/arvados/extensions.js';
import { assertPreconditions } from '../../../src/cluster/arvados/preconditions.js';
import { RemoteApi } from '../../../src/cluster/arvados/remote-api.js';
import { withDeadline, pause } from '../../../src/keep/remote-deadline.js';
import { parseManifest } from '../../../src/manifest/index.js';

type Handler = (...args: unknown[]) => unknown;

/** An ArvadosApi whose methods run `handlers[name]` (default: resolve {}) and record every call. */
function fakeApi(handlers: Record<string, Handler> = {}) {
  const calls: Array<{ method: string; args: unknown[] }> = [];
  const api = new Proxy({}, {
    get: (_t, method: string) => async (...args: unknown[]) => {
      calls.push({ method, args });
      return (handlers[method] ?? (() => ({ items: [] })))(...args);
    },
  }) as ArvadosApi;
  return { api, calls };
}

const remote = (inner: ArvadosApi, extra: Partial<ConstructorParameters<typeof RemoteApi>[0]> = {}) =>
  new RemoteApi({ inner, timeoutMs: 2_000, extensions: 'off', now: () => 0, ...extra });

const ATTRS = { fingerprint: 'f', mtime: '2026-01-01T00:00:00.000Z', etag: 'e' };
const MANIFEST = '. acbd18db4cc2f85cedef654fccc4a4d8+3 0:3:foo\n./dir 37b51d194a7513e45b56f6524f2d51f2+3 0:3:bar\n./empty d41d8cd98f00b204e9800998ecf8427e+0 0:0:\\056\n';

test('extensions off: the attribute leaves select, file attributes are dropped, preconditions are checked on the manifest first', async () => {
  const { api, calls } = fakeApi({ getCollection: () => ({ uuid: 'c', unsigned_manifest_text: MANIFEST }) });
  const r = remote(api);
  await r.getCollection('tok', 'c', { select: ['uuid', 'x_keepgate_file_attrs'] });
  assert.deepEqual(calls.at(-1), { method: 'getCollection', args: ['tok', 'c', { select: ['uuid'] }] });
  await r.updateCollection('tok', 'c', { manifest_text: '' }, {
    replace_files: { '/new': 'manifest_text/f' }, x_keepgate_file_attrs: { new: ATTRS },
    x_keepgate_preconditions: { new: 'absent' }, select: ['uuid', 'x_keepgate_file_attrs'],
  });
  assert.deepEqual(calls.slice(-2).map((c) => c.method), ['getCollection', 'updateCollection']);
  assert.deepEqual(calls.at(-2)!.args, ['tok', 'c', { select: ['uuid', 'unsigned_manifest_text'] }]);
  assert.deepEqual(calls.at(-1)!.args, ['tok', 'c', { manifest_text: '' }, { replace_files: { '/new': 'manifest_text/f' }, select: ['uuid'] }]);
  const before = calls.length;
  await assert.rejects(
    r.updateCollection('tok', 'c', {}, { replace_files: { '/foo': '' }, x_keepgate_preconditions: { foo: 'absent' } }),
    (e) => e instanceof ArvadosApiError && e.status === 412,
  );
  assert.deepEqual(calls.slice(before).map((c) => c.method), ['getCollection'], 'a failed condition sends no update');
  // Without extensions in the request nothing extra happens.
  await r.updateCollection('tok', 'c', { name: 'x' });
  assert.deepEqual(calls.at(-1), { method: 'updateCollection', args: ['tok', 'c', { name: 'x' }, {}] });
});

test('extensions on: requests pass through untouched and no manifest is read', async () => {
  const { api, calls } = fakeApi();
  const r = remote(api, { extensions: 'on' });
  const opts = { x_keepgate_file_attrs: { a: ATTRS }, x_keepgate_preconditions: { a: 'absent' as const } };
  await r.updateCollection('tok', 'c', {}, opts);
  assert.deepEqual(calls, [{ method: 'updateCollection', args: ['tok', 'c', {}, opts] }]);
  assert.equal(r.extensions.state, 'on');
});

test('extensions auto: one probe with the caller\'s token decides; an unclear probe fails the call and is asked again', async () => {
  let probe: () => unknown = () => {
    throw new ArvadosApiError(401, 'Not logged in');
  };
  const { api, calls } = fakeApi({ listCollections: () => probe() });
  const r = remote(api, { extensions: 'auto' });
  await r.getCollection('t0', 'c'); // no extension asked for: no probe
  assert.equal(calls.length, 1);
  await assert.rejects(r.getCollection('bad', 'c', { select: ['x_keepgate_file_attrs'] }), (e) => e instanceof ArvadosApiError && e.status === 401);
  assert.equal(r.extensions.state, 'unknown');
  probe = () => {
    throw new ArvadosApiError(422, 'Invalid attribute x_keepgate_file_attrs in select');
  };
  await r.getCollection('t1', 'c', { select: ['uuid', 'x_keepgate_file_attrs'] });
  assert.equal(r.extensions.state, 'off');
  const probes = calls.filter((c) => c.method === 'listCollections');
  assert.equal(probes.length, 2);
  assert.deepEqual(probes[1]!.args, ['t1', { select: ['uuid', 'x_keepgate_file_attrs'], limit: 1, count: 'none' }]);
  assert.deepEqual(calls.at(-1)!.args, ['t1', 'c', { select: ['uuid'] }]);
  await r.getCollection('t2', 'c', { select: ['x_keepgate_file_attrs'] });
  assert.equal(calls.filter((c) => c.method === 'listCollections').length, 2, 'decided once');
});

test('ExtensionSupport: concurrent first calls share one probe', async () => {
  let probes = 0;
  const s = new ExtensionSupport('auto', async () => {
    probes++;
    await pause(5, new AbortController().signal);
    return true;
  });
  assert.deepEqual(await Promise.all([s.enabled('a'), s.enabled('b'), s.enabled('c')]), [true, true, true]);
  assert.equal(probes, 1);
});

test('plainSelect: the extension goes, undefined stays, an emptied select asks for the uuid', () => {
  assert.deepEqual(plainSelect(['uuid', 'x_keepgate_file_attrs', 'name']), ['uuid', 'name']);
  assert.equal(plainSelect(undefined), undefined);
  assert.deepEqual(plainSelect(['x_keepgate_file_attrs']), ['uuid']);
});

test('plainWriteOptions keeps every Arvados option', () => {
  assert.deepEqual(
    plainWriteOptions({ replace_files: { '/a': '' }, ensure_unique_name: true, select: ['uuid'], x_keepgate_preconditions: { a: 'absent' } }),
    { replace_files: { '/a': '' }, ensure_unique_name: true, select: ['uuid'] },
  );
});

test('a cluster that does not answer is Unavailable after the timeout, whatever the client does', async () => {
  const { api } = fakeApi({ currentUser: () => new Promise(() => {}) });
  const r = remote(api, { timeoutMs: 50 });
  await assert.rejects(r.currentUser('tok'), (e) => isDomainError(e, 'Unavailable') && /users\/current/.test(e.message));
});

test('withDeadline: the work sees the signal fire; a result in time is returned', async () => {
  let seen: AbortSignal | undefined;
  await assert.rejects(withDeadline(20, 'slow thing', (signal) => {
    seen = signal;
    return pause(10_000, signal);
  }), (e) => isDomainError(e, 'Unavailable') && /slow thing/.test(e.message));
  assert.equal(seen?.aborted, true);
  assert.equal(await withDeadline(1000, 'quick', async () => 42), 42);
  await assert.rejects(withDeadline(1000, 'x', async () => {
    throw new ArvadosApiError(404, 'nope');
  }), ArvadosApiError);
});

test('project contents: reused until a write through the gateway; per token and parameters', async () => {
  let n = 0;
  const { api, calls } = fakeApi({ groupContents: () => ({ items: [], n: ++n }) });
  const r = remote(api);
  const a = await r.groupContents('tok', 'p', { limit: 10 });
  assert.equal(await r.groupContents('tok', 'p', { limit: 10 }), a);
  assert.notEqual(await r.groupContents('other', 'p', { limit: 10 }), a);
  assert.notEqual(await r.groupContents('tok', 'p', { limit: 11 }), a);
  const before = calls.filter((c) => c.method === 'groupContents').length;
  await r.createCollection('tok', { name: 'x' });
  const b = await r.groupContents('tok', 'p', { limit: 10 });
  assert.notEqual(b, a);
  assert.equal(calls.filter((c) => c.method === 'groupContents').length, before + 1);
});

test('project contents: expire after the TTL; a page loaded while a write runs is not kept', async () => {
  let now = 0;
  let n = 0;
  const cache = new ContentsCache({ ttlMs: 1000, now: () => now });
  const load = async () => ({ kind: 'x', offset: 0, limit: 0, items: [], n: ++n });
  const first = await cache.get('t', 'p', {}, load);
  now = 999;
  assert.equal(await cache.get('t', 'p', {}, load), first);
  now = 1000;
  const second = await cache.get('t', 'p', {}, load);
  assert.notEqual(second, first);
  let finishWrite!: () => void;
  const write = cache.writing(() => new Promise<void>((r) => (finishWrite = r)));
  const during = await cache.get('t', 'p', {}, load);
  finishWrite();
  await write;
  assert.notEqual(await cache.get('t', 'p', {}, load), during);
  const off = new ContentsCache({ ttlMs: 0, now: () => now });
  assert.notEqual(await off.get('t', 'p', {}, load), await off.get('t', 'p', {}, load));
});

test('assertPreconditions: files, directories, empty directories and the root', () => {
  const tree = parseManifest(MANIFEST);
  const holds = (path: string, cond: 'absent' | 'not-dir' | 'empty-dir'): boolean => {
    try {
      assertPreconditions(tree, { [path]: cond });
      return true;
    } catch (e) {
      assert.ok(e instanceof ArvadosApiError && e.status === 412);
      return false;
    }
  };
  assert.deepEqual(['foo', 'dir', 'dir/bar', 'empty', 'nothing', 'dir/nothing', ''].map((p) => [p, holds(p, 'absent'), holds(p, 'not-dir'), holds(p, 'empty-dir')]), [
    ['foo', false, true, false],
    ['dir', false, false, false],
    ['dir/bar', false, true, false],
    ['empty', false, false, true],
    ['nothing', true, true, false],
    ['dir/nothing', true, true, false],
    ['', false, false, false],
  ]);
  assert.doesNotThrow(() => assertPreconditions(parseManifest(''), { '': 'empty-dir', a: 'absent' }));
});

test('assertPreconditions: property — agrees with a path-by-path reading of the file list', () => {
  const name = fc.constantFrom('a', 'b', 'c');
  const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));
  fc.assert(fc.property(fc.uniqueArray(path, { maxLength: 6 }), path, (paths, probe) => {
    // Keep only paths that can coexist (no file is also a directory).
    const files = paths.filter((p) => !paths.some((q) => q.startsWith(`${p}/`)));
    const text = files.length === 0 ? '' : files.map((f) => {
      const cut = f.lastIndexOf('/');
      return `${cut < 0 ? '.' : `./${f.slice(0, cut)}`} acbd18db4cc2f85cedef654fccc4a4d8+3 0:3:${f.slice(cut + 1)}\n`;
    }).join('');
    const tree = parseManifest(text);
    const isFile = files.includes(probe);
    const isDir = files.some((f) => f.startsWith(`${probe}/`));
    const check = (cond: 'absent' | 'not-dir' | 'empty-dir'): boolean => {
      try {
        assertPreconditions(tree, { [probe]: cond });
        return true;
      } catch {
        return false;
      }
    };
    assert.equal(check('absent'), !isFile && !isDir);
    assert.equal(check('not-dir'), !isDir);
    assert.equal(check('empty-dir'), false, 'every directory here holds a file');
  }));
});
