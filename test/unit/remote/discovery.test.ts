import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DomainError, isDomainError } from '../../../src/common/errors.js';
import {
  KeepServiceDiscovery, fixedKeepServices, keepServiceSet, type KeepServiceRecord,
} from '../../../src/keep/discovery.js';

const svc = (i: number, extra: Partial<KeepServiceRecord> = {}): KeepServiceRecord => ({
  uuid: `zzzzz-bi6l4-${String(i).padStart(15, '0')}`, url: `http://keep${i}.example:25107`, type: 'disk', readOnly: false, ...extra,
});

function fakeList(first: KeepServiceRecord[]) {
  const state = { calls: 0, tokens: [] as Array<string | undefined>, next: first as KeepServiceRecord[] | Error };
  const list = async (token: string | undefined): Promise<KeepServiceRecord[]> => {
    state.calls++;
    state.tokens.push(token);
    if (state.next instanceof Error) throw state.next;
    return state.next;
  };
  return { state, list };
}

test('keepServiceSet: duplicate URLs dropped, read-only services readable only, disk-only sets write one PUT per replica', () => {
  const set = keepServiceSet([svc(0), { ...svc(1), url: 'http://keep0.example:25107/' }, svc(2, { readOnly: true }), svc(3)]);
  assert.deepEqual(set.readable.map((s) => s.uuid), [svc(0).uuid, svc(2).uuid, svc(3).uuid]);
  assert.deepEqual(set.writable.map((s) => s.uuid), [svc(0).uuid, svc(3).uuid]);
  assert.equal(set.onePutPerReplica, true);
  assert.equal(keepServiceSet([svc(0), svc(1, { type: 'proxy' })]).onePutPerReplica, false);
  assert.equal(keepServiceSet([svc(0, { readOnly: true })]).onePutPerReplica, false, 'nothing writable');
});

test('keepServiceSet: property — readable URLs are distinct, writable ⊆ readable, onePutPerReplica iff all writable are disk', () => {
  const rec = fc.record({
    uuid: fc.string(), url: fc.constantFrom('http://a:1', 'http://b:1', 'http://b:1/', 'http://c:2'),
    type: fc.constantFrom('disk', 'proxy', 'gateway:test'), readOnly: fc.boolean(),
  });
  fc.assert(fc.property(fc.array(rec, { maxLength: 8 }), (records) => {
    const set = keepServiceSet(records);
    assert.equal(new Set(set.readable.map((s) => s.url)).size, set.readable.length);
    assert.ok(set.writable.every((w) => set.readable.includes(w) && !w.readOnly));
    assert.equal(set.onePutPerReplica, set.writable.length > 0 && set.writable.every((w) => w.type === 'disk'));
  }));
});

test('fixedKeepServices: the override URLs, as proxies, in a stable set', async () => {
  const source = fixedKeepServices(['http://proxy.example:25107/', 'http://other.example:25107']);
  const a = await source.services(undefined);
  assert.deepEqual(a.readable.map((s) => s.url), ['http://proxy.example:25107', 'http://other.example:25107']);
  assert.equal(a.onePutPerReplica, false);
  assert.equal(await source.services('any token'), a);
  assert.throws(() => fixedKeepServices([]), RangeError);
});

test('discovery: the list is reused for 5 minutes, then refreshed', async () => {
  let now = 1_000_000;
  const { state, list } = fakeList([svc(0)]);
  const d = new KeepServiceDiscovery({ list, now: () => now });
  const first = await d.services('t1');
  assert.equal(state.calls, 1);
  assert.deepEqual(state.tokens, ['t1']);
  now += 299_999;
  assert.equal(await d.services('t2'), first);
  assert.equal(state.calls, 1);
  now += 1;
  state.next = [svc(0), svc(1)];
  // A stale list is served while the refresh runs; the next call sees the new one.
  assert.equal(await d.services('t3'), first);
  assert.equal(state.calls, 2);
  await new Promise((r) => setImmediate(r));
  assert.equal((await d.services('t4')).readable.length, 2);
  assert.equal(state.calls, 2);
});

test('discovery: a failed refresh keeps the old list and is retried 3 s later', async () => {
  let now = 0;
  const { state, list } = fakeList([svc(0)]);
  const d = new KeepServiceDiscovery({ list, now: () => now });
  const first = await d.services('t');
  now = 300_000;
  state.next = new DomainError('Unavailable', 'api down');
  assert.equal(await d.services('t'), first);
  await new Promise((r) => setImmediate(r));
  now += 2_999;
  assert.equal(await d.services('t'), first);
  assert.equal(state.calls, 2, 'no new attempt within 3 s of a failure');
  now += 1;
  state.next = [svc(5)];
  await d.services('t');
  await new Promise((r) => setImmediate(r));
  assert.equal(state.calls, 3);
  assert.equal((await d.services('t')).readable[0]!.uuid, svc(5).uuid);
});

test('discovery: without any list yet, callers wait for it; failures reach them; concurrent callers share one lookup', async () => {
  const { state, list } = fakeList([]);
  const d = new KeepServiceDiscovery({ list, now: () => 0 });
  await assert.rejects(d.services('t'), (e) => isDomainError(e, 'Unavailable') && /no Keep services/.test(e.message));
  state.next = new DomainError('Unauthorized', 'bad token');
  await assert.rejects(d.services('bad'), (e) => isDomainError(e, 'Unauthorized'));
  state.next = [svc(1)];
  const before = state.calls;
  const [a, b] = await Promise.all([d.services('t'), d.services('t')]);
  assert.equal(a, b);
  assert.equal(state.calls, before + 1);
});
