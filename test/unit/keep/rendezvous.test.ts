import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { probeOrder, serviceWeight } from '../../../src/keep/rendezvous.js';
import { loadFixture } from './fixture.js';

interface RendezvousFixtures {
  services: string[];
  vectors: Array<{ block_data: string; block_hash: string; probe_order_uuids: string[] }>;
}

const fx = loadFixture<RendezvousFixtures>('keep-rendezvous.json');

test('probe order matches every keep-rendezvous vector', () => {
  const services = fx.services.map((uuid) => ({ uuid }));
  for (const v of fx.vectors) {
    assert.equal(createHash('md5').update(v.block_data).digest('hex'), v.block_hash);
    assert.deepEqual(
      probeOrder(v.block_hash, services).map((s) => s.uuid),
      v.probe_order_uuids,
    );
  }
});

test('probe order does not depend on the input order', () => {
  const v = fx.vectors[0]!;
  const reversed = [...fx.services].reverse().map((uuid) => ({ uuid }));
  assert.deepEqual(
    probeOrder(v.block_hash, reversed).map((s) => s.uuid),
    v.probe_order_uuids,
  );
});

test('+K preferred services come first, unknown ones are ignored, none duplicated', () => {
  const v = fx.vectors[0]!;
  const services = fx.services.map((uuid) => ({ uuid }));
  const last = v.probe_order_uuids.at(-1)!;
  const order = probeOrder(v.block_hash, services, [last, 'zzzzz-bi6l4-nonexistent00000']).map((s) => s.uuid);
  assert.equal(order[0], last);
  assert.equal(order.length, services.length);
  assert.deepEqual(order.slice(1), v.probe_order_uuids.slice(0, -1));
});

test('weights use the last 15 chars of 27-char uuids and the whole id otherwise', () => {
  const h = fx.vectors[0]!.block_hash;
  assert.equal(serviceWeight(h, 'zzzzz-bi6l4-000000000000003'), serviceWeight(h, 'xxxxx-bi6l4-000000000000003'));
  assert.equal(serviceWeight(h, 'http://a:1'), createHash('md5').update(`${h}http://a:1`).digest('hex'));
});
