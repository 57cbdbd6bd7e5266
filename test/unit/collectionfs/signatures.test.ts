// Signature refresh (ARVADOS.md b.3, TestRefreshSignatures): reads of blocks whose signature
// has expired or expires within a minute wait for fresh signatures; with less than half the
// TTL left the refresh happens in the background and updates every segment of the block.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DomainError } from '../../../src/common/errors.js';
import { signatureExpiry } from '../../../src/keep/signature.js';
import { FakeClock, SigningStore, TTL_SECONDS, newFs, reload, settle, type TestFs } from './helpers.js';

const filedata1 = 'hello refresh signatures world\n';
const filedata2 = 'hello refresh signatures universe\n';

/** Two files in two directories (two blocks), saved; returns the FS and a re-signer. */
async function saved(): Promise<{ t: TestFs; store: SigningStore; text: string; resign: (expiresAtSeconds: number) => string }> {
  const clock = new FakeClock();
  const store = new SigningStore({ clock, verify: true });
  const t = newFs({ blocks: store, clock });
  t.fs.mkdir('d1');
  t.fs.mkdir('d2');
  await t.fs.write('d1/file1', 0, Buffer.from(filedata1));
  await t.fs.write('d2/file2', 0, Buffer.from(filedata2));
  const text = await t.fs.marshal();
  const resign = (expiresAtSeconds: number): string =>
    text
      .split(' ')
      .map((tok) => (/^[0-9a-f]{32}\+/.test(tok) ? store.sign(tok, expiresAtSeconds) : tok))
      .join(' ');
  return { t, store, text, resign };
}

const nowSeconds = (t: TestFs): number => Math.floor(t.clock.now() / 1000);
const lastReadExpiry = (store: SigningStore): number => signatureExpiry(store.reads.at(-1)!)!;

test('a read with an expired signature waits for fresh signatures', async () => {
  const { t, resign } = await saved();
  const expired = resign(nowSeconds(t) - 2);
  let refreshes = 0;
  const fs = reload(expired, t, {
    refresh: async () => {
      refreshes++;
      return resign(nowSeconds(t) + TTL_SECONDS);
    },
  });
  assert.equal((await fs.read('d1/file1', 0, 100)).toString(), filedata1);
  assert.equal(refreshes, 1);
  // Without a way to refresh, the store refuses the expired signature.
  const stale = reload(expired, t);
  await assert.rejects(stale.read('d1/file1', 0, 100), (e) => e instanceof DomainError && e.kind === 'PermissionDenied');
});

test('a failed refresh leaves the read to the store', async () => {
  const { t, resign } = await saved();
  const fs = reload(resign(nowSeconds(t) + 30), t, {
    refresh: async () => {
      throw new DomainError('Unavailable', 'API down');
    },
  });
  // 30 s left: refreshed synchronously; the refresh fails; the old signature still verifies.
  assert.equal((await fs.read('d1/file1', 0, 100)).toString(), filedata1);
});

test('with less than half the TTL left, signatures of every block are refreshed in the background', async () => {
  const { t, store, resign } = await saved();
  const hour = 3600;
  let calls = 0;
  let answered = false;
  const fs = reload(resign(nowSeconds(t) + 120), t, {
    signatureTtlMs: hour * 1000, // the server's TTL: 2 minutes left is far below half of it
    refresh: async () => {
      calls++;
      await settle(2);
      answered = true;
      return resign(nowSeconds(t) + hour + 60);
    },
  });
  assert.equal((await fs.read('d1/file1', 0, 100)).toString(), filedata1);
  assert.ok(lastReadExpiry(store) - nowSeconds(t) <= 120, 'the first read does not wait for the refresh');
  while (!answered) await settle(1);
  await settle(2);
  assert.equal((await fs.read('d1/file1', 0, 100)).toString(), filedata1);
  const first = store.reads.at(-1)!;
  assert.ok(lastReadExpiry(store) - nowSeconds(t) > hour);
  // The other file's block was refreshed by the same call.
  assert.equal((await fs.read('d2/file2', 0, 100)).toString(), filedata2);
  assert.notEqual(store.reads.at(-1), first);
  assert.ok(lastReadExpiry(store) - nowSeconds(t) > hour);
  assert.ok(signatureExpiry(fs.fileSegments('d2/file2')[0]!.locator)! - nowSeconds(t) > hour);
  assert.equal(calls, 1);
});

test('fresh signatures cause no refresh', async () => {
  const { t, resign } = await saved();
  let calls = 0;
  const fs = reload(resign(nowSeconds(t) + TTL_SECONDS), t, {
    signatureTtlMs: TTL_SECONDS * 1000,
    refresh: async () => {
      calls++;
      return '';
    },
  });
  t.clock.ms += 3600_000; // well within the first half of the TTL
  assert.equal((await fs.read('d2/file2', 0, 100)).toString(), filedata2);
  await settle(5);
  assert.equal(calls, 0);
});
