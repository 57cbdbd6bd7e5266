import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { isDomainError } from '../../../src/common/errors.js';
import { EMPTY_BLOCK_LOCATOR, type BlockStore } from '../../../src/keep/block-store.js';
import { SigningBlockStore } from '../../../src/keep/signing-store.js';
import { SignatureError, signatureExpiry, verifySignature } from '../../../src/keep/signature.js';
import { MemoryBlockStore } from '../../helpers/memory-block-store.js';

const KEY = 'zfhgfenhffzltr9dixws36j1yhksjoll2grmku38mi7yxd66h5j4q9w4jzanezacp8s6q0ro3hxakfye02152hncy6zml2ed0uc';
const TOKEN = 'v2/zzzzz-gj3su-077z32aux8dg2s1/3kg6k6lzmp9kj5cpkcoxie963cmvjahbt2fod9zru30k1jqdmi';
const TTL = 1_209_600;

function setup(opts: { key?: string; requireSignatures?: boolean } = {}) {
  const clock = { now: Date.UTC(2025, 5, 1) };
  const inner = new MemoryBlockStore();
  const store = new SigningBlockStore(inner, {
    key: 'key' in opts ? opts.key : KEY,
    ttlSeconds: TTL,
    requireSignatures: opts.requireSignatures ?? true,
    clock: () => clock.now,
  });
  return { clock, inner, store };
}

const rejectsWith = (reason: string) => (e: unknown) => e instanceof SignatureError && e.reason === reason && isDomainError(e, 'PermissionDenied');

test('put returns a locator signed for the token, expiring one TTL from now', async () => {
  const { clock, store } = setup();
  const data = randomBytes(100);
  const { locator } = await store.put(data, { token: TOKEN });
  const md5 = createHash('md5').update(data).digest('hex');
  assert.match(locator, new RegExp(`^${md5}\\+100\\+A[0-9a-f]{40}@[0-9a-f]{8}$`));
  assert.equal(signatureExpiry(locator), Math.floor(clock.now / 1000) + TTL);
  assert.equal(verifySignature(locator, { key: KEY, token: TOKEN, ttlSeconds: TTL, now: Math.floor(clock.now / 1000) }), 'ok');
  assert.ok((await store.get(locator, { token: TOKEN })).equals(data));
  assert.equal(await store.head(locator, { token: TOKEN }), 100);
});

test('without a token or a key, put returns the bare locator', async () => {
  const data = randomBytes(10);
  assert.doesNotMatch((await setup().store.put(data)).locator, /\+A/);
  assert.doesNotMatch((await setup({ key: undefined, requireSignatures: false }).store.put(data, { token: TOKEN })).locator, /\+A/);
});

test('reads are refused for missing, invalid, expired signatures and a missing token', async () => {
  const { clock, store } = setup();
  const { locator } = await store.put(randomBytes(50), { token: TOKEN });
  const bare = locator.replace(/\+A.*$/, '');
  await assert.rejects(store.get(bare, { token: TOKEN }), rejectsWith('missing'));
  await assert.rejects(store.head(bare, { token: TOKEN }), rejectsWith('missing'));
  await assert.rejects(store.get(locator, { token: `${TOKEN}x` }), rejectsWith('invalid'));
  const forged = locator.replace(/\+A[0-9a-f]/, (m) => `${m.slice(0, 2)}${m[2] === '0' ? '1' : '0'}`);
  await assert.rejects(store.get(forged, { token: TOKEN }), rejectsWith('invalid'));
  await assert.rejects(store.get(locator), (e) => isDomainError(e, 'Unauthorized'));
  clock.now += (TTL + 1) * 1000;
  await assert.rejects(store.get(locator, { token: TOKEN }), (e) => rejectsWith('expired')(e) && (e as Error).message === 'expired signature');
});

test('with requireSignatures off, unsigned reads pass through', async () => {
  const { store } = setup({ requireSignatures: false });
  const data = randomBytes(20);
  const { locator } = await store.put(data, { token: TOKEN });
  assert.ok((await store.get(locator.replace(/\+A.*$/, ''))).equals(data));
});

test('the empty block needs no signature and never reaches the inner store', async () => {
  const failing: BlockStore = {
    put: () => Promise.reject(new Error('unexpected put')),
    get: () => Promise.reject(new Error('unexpected get')),
    head: () => Promise.reject(new Error('unexpected head')),
  };
  const store = new SigningBlockStore(failing, { key: KEY, ttlSeconds: TTL, requireSignatures: true, clock: Date.now });
  assert.equal((await store.get(EMPTY_BLOCK_LOCATOR)).length, 0);
  assert.equal(await store.head(`${EMPTY_BLOCK_LOCATOR}+Zfoo`), 0);
});

test('sign() re-signs an already signed locator with a fresh expiry', () => {
  const { clock, store } = setup();
  const first = store.sign('acbd18db4cc2f85cedef654fccc4a4d8+3', TOKEN);
  clock.now += 3_600_000;
  const second = store.sign(first, TOKEN);
  assert.equal(second.match(/\+A/g)?.length, 1);
  assert.equal(signatureExpiry(second), signatureExpiry(first)! + 3600);
});

test('misconfiguration is refused', () => {
  const inner = new MemoryBlockStore();
  assert.throws(() => new SigningBlockStore(inner, { ttlSeconds: TTL, requireSignatures: true, clock: Date.now }), RangeError);
  assert.throws(() => new SigningBlockStore(inner, { key: KEY, ttlSeconds: 0, requireSignatures: false, clock: Date.now }), RangeError);
});

test('a signature check that passed is remembered only for its own token, and only until it expires', async () => {
  const { clock, store } = setup();
  const OTHER = 'v2/zzzzz-gj3su-000000000000001/0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdef';
  const { locator } = await store.put(randomBytes(50), { token: TOKEN });
  await store.get(locator, { token: TOKEN }); // passes, and is remembered
  await assert.rejects(store.get(locator, { token: OTHER }), rejectsWith('invalid'));
  const tampered = locator.replace(/\+A([0-9a-f])/, (_, c: string) => `+A${c === '0' ? '1' : '0'}`);
  await assert.rejects(store.get(tampered, { token: TOKEN }), rejectsWith('invalid'));
  assert.equal(await store.head(locator, { token: TOKEN }), 50);
  clock.now += (TTL + 1) * 1000;
  await assert.rejects(store.get(locator, { token: TOKEN }), rejectsWith('expired'));
});
