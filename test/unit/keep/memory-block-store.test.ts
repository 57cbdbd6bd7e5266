import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { isDomainError } from '../../../src/common/errors.js';
import { EMPTY_BLOCK_LOCATOR } from '../../../src/keep/block-store.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';

test('MemoryBlockStore: real locators, copies in and out, NotFound for unknown blocks', async () => {
  const store = new MemoryBlockStore();
  const data = randomBytes(1000);
  const { locator } = await store.put(data);
  assert.equal(locator, `${createHash('md5').update(data).digest('hex')}+1000`);
  const original = Buffer.from(data);
  data.fill(0);
  const got = await store.get(`${locator}+Afoo@1`);
  assert.ok(got.equals(original));
  got.fill(1);
  assert.ok((await store.get(locator)).equals(original));
  assert.equal(await store.head(locator), 1000);
  assert.equal((await store.get(EMPTY_BLOCK_LOCATOR)).length, 0);
  await assert.rejects(store.get(`${'0'.repeat(32)}+1`), (e) => isDomainError(e, 'NotFound'));
  await assert.rejects(store.put(Buffer.from('x'), { md5: '0'.repeat(32) }), (e) => isDomainError(e, 'InvalidArgument'));
  assert.equal(store.bytesStored(), 1000);
});

test('MemoryBlockStore: hooks can delay or fail, counters track puts in flight', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const store = new MemoryBlockStore({
    onPut: (d) => (d[0] === 0xff ? Promise.reject(new Error('injected')) : gate),
    onGet: (loc) => {
      if (loc.startsWith('f')) throw new Error('get failed');
    },
  });
  const puts = [0, 1, 2].map((i) => store.put(Buffer.from([i, 1, 2])));
  await new Promise((r) => setImmediate(r));
  assert.equal(store.counters.putsInFlight, 3);
  release();
  await Promise.all(puts);
  assert.deepEqual([store.counters.puts, store.counters.putsInFlight, store.counters.maxPutsInFlight], [3, 0, 3]);
  await assert.rejects(store.put(Buffer.from([0xff])), /injected/);
  assert.equal(store.counters.putsInFlight, 0);
  await assert.rejects(store.get(`f${'0'.repeat(31)}+1`), /get failed/);
  assert.equal(store.counters.gets, 1);
});
