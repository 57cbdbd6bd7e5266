import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { isDomainError } from '../../../src/common/errors.js';
import { storeContext, wrappedFs, type StoreContext } from './dir-store-fixture.js';

const md5 = (b: Uint8Array): string => createHash('md5').update(b).digest('hex');
let ctx: StoreContext;

before(async () => {
  ctx = await storeContext();
});
after(async () => {
  await ctx.dispose();
});

test('a put resolves only after file fsync, rename and directory fsync, in that order', async () => {
  const events: string[] = [];
  const store = await ctx.open({
    fs: wrappedFs({
      onSync: (p) => events.push(p.includes('.tmp-') ? 'sync-file' : `sync-dir:${p.slice(ctx.dataDir.length)}`),
      onRename: (from, to) => events.push(from.includes('.tmp-') && !to.includes('.tmp-') ? 'rename' : 'rename?'),
    }),
  });
  const data = randomBytes(4096);
  const hash = md5(data);
  await store.put(data);
  events.push('resolved');
  const dir = `/keep/${hash.slice(0, 3)}`;
  // The new prefix directory is made durable in keep/ first.
  assert.deepEqual(events, ['sync-dir:/keep', 'sync-file', 'rename', `sync-dir:${dir}`, 'resolved']);
  events.length = 0;
  await store.put(data); // already stored: no rewrite, directory still synced
  events.push('resolved');
  assert.deepEqual(events, [`sync-dir:${dir}`, 'resolved']);
});

test('concurrent puts into one directory share directory fsyncs', async () => {
  const dirSyncs: string[] = [];
  const store = await ctx.open({ fs: wrappedFs({ onSync: (p) => !p.includes('.tmp-') && dirSyncs.push(p) }) });
  // Find 24 small blocks whose hashes share a 3-hex prefix.
  const byPrefix = new Map<string, Buffer[]>();
  let same: Buffer[] = [];
  for (let i = 0; same.length < 24; i++) {
    const b = Buffer.from(`block ${i}`);
    const list = byPrefix.get(md5(b).slice(0, 3)) ?? [];
    list.push(b);
    byPrefix.set(md5(b).slice(0, 3), list);
    if (list.length > same.length) same = list;
  }
  await store.put(same[0]!); // creates the directory
  dirSyncs.length = 0;
  await Promise.all(same.slice(1).map((b) => store.put(b)));
  const dir = dirname(join(ctx.dataDir, 'keep', md5(same[1]!).slice(0, 3), 'x'));
  assert.ok(dirSyncs.every((p) => p === dir));
  assert.ok(dirSyncs.length >= 1 && dirSyncs.length < same.length - 1, `${dirSyncs.length} directory fsyncs for ${same.length - 1} puts`);
});

for (const code of ['ENOSPC', 'EDQUOT']) {
  test(`${code} while writing: Unavailable, and neither a block nor a temp file is left`, async () => {
    const store = await ctx.open({
      fs: wrappedFs({
        // Write part of the block, then fail as a full disk does.
        write: (_path, real) =>
          (async (buf: Uint8Array, off: number, len: number) => {
            if (len > 1000) return real(buf, off, 1000);
            throw Object.assign(new Error(`${code}: no space left on device, write`), { code });
          }) as typeof real,
      }),
    });
    const before = await ctx.files();
    const data = randomBytes(50_000);
    await assert.rejects(store.put(data), (e) => isDomainError(e, 'Unavailable'));
    assert.deepEqual(await ctx.files(), before);
    await assert.rejects(store.head(md5(data)), (e) => isDomainError(e, 'NotFound'));
  });
}
