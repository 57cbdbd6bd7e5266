// The scenarios every real client must pass against a live keepgate (one gateway per client
// test file). Each scenario drives the client under test through its driver and checks the
// result independently, through the harness's own S3 client or the local file system.
// The same scenarios run with the gateway in remote mode (harness.ts); there, where a plain
// Arvados cluster cannot keep a file's own attributes, the derived values are checked instead.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClientDriver, DriverFactory } from '../helpers/clients/driver.js';
import { listFiles, md5, md5File, writeRandomFile } from '../helpers/clients/files.js';
import { startHarness, type Backend, type Harness } from '../helpers/clients/harness.js';

const MiB = 1024 * 1024;
const BIG = 200 * MiB;
const WORK = 'compat-work';

// Collection properties set through the REST API, and the x-amz-meta-* values a HEAD must return
// (keep-web's encoding: strings as-is, other JSON values JSON-encoded, non-ASCII as RFC 2047).
const PROPERTIES = {
  string: 'string value',
  array: ['element1', 'element2'],
  object: { key: { key2: 'value⛵' } },
  nonascii: '⛵',
  number: 42,
  'a: a\r\nInject': 'bogus', // not a header token: must be skipped, never injected
};
const EXPECTED_META = {
  string: 'string value',
  array: '["element1","element2"]',
  object: '=?UTF-8?b?eyJrZXkiOnsia2V5MiI6InZhbHVl4pu1In19?=',
  nonascii: '=?UTF-8?b?4pu1?=',
  number: '42',
  origin: 'harness', // the object's own user metadata, merged with the properties
};

// Names with spaces, unicode and `+` (botocore decodes listings with unquote_plus).
const TREE: Record<string, number> = {
  'top level.txt': 1000,
  'dir one/file é.txt': 2000,
  'dir one/nested/deep file.txt': 3000,
  '日本/データ.bin': 300_000,
  'plus+sign/a+b c.txt': 100,
};

export interface SuiteOptions {
  /** Default embedded. */
  readonly backend?: Backend;
  /** 'smoke' leaves out the two long scenarios (200 MiB upload, 1,000-key listing). Default 'all'. */
  readonly scenarios?: 'all' | 'smoke';
}

const LONG_SCENARIOS = 'the 200 MiB multipart upload and the 1,000-key listing';

export function describeClient(label: string, factory: DriverFactory, opts: SuiteOptions = {}): void {
  const backend = opts.backend ?? 'embedded';
  const smoke = opts.scenarios === 'smoke';
  const title = `compat: ${label}${backend === 'remote' ? ' (remote mode)' : ''}${smoke ? ` without ${LONG_SCENARIOS}` : ''}`;
  describe(title, () => {
    let h: Harness;
    let d: ClientDriver;
    let dir: string;

    // The shared bucket is made by the first scenario that runs, so a server that cannot make it
    // fails each scenario with the reason instead of cancelling them all from a hook.
    let work: Promise<void> | undefined;
    // Failures carry the server's log lines written during the scenario.
    const scenario = (name: string, timeoutMs: number, fn: () => Promise<void>, kind: { long?: boolean } = {}): void => {
      // The smoke set is chosen per file and said in its title: a left-out scenario is not registered at all.
      if (kind.long && smoke) return;
      it(name, { timeout: timeoutMs }, async () => {
        const mark = h.logMark();
        try {
          await (work ??= h.createBucket(WORK).catch((e: unknown) => {
            work = undefined;
            throw e;
          }));
          await fn();
        } catch (e) {
          // Test reporters print the stack, not extra properties: the log goes there.
          if (e instanceof Error) e.stack = `${e.stack}\n--- keepgate log during this test (last 40 lines) ---\n${h.logsSince(mark).slice(-40).join('\n')}`;
          throw e;
        }
      });
    };
    const local = (name: string, data: Uint8Array) => {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
      return path;
    };

    before(async () => {
      h = await startHarness(label, { backend });
      d = factory(h.env);
      dir = join(h.workDir, 'files');
      mkdirSync(dir);
    });
    after(async () => {
      await d?.close?.();
      await h?.close();
    });

    // A missing or wrong client fails here (and every scenario after it fails on its own), never skips.
    it('client is installed and is the one this file is about', async (t) => {
      t.diagnostic(await d.version());
    });

    scenario('bucket create, list, delete; deleting a non-empty bucket fails', 120_000, async () => {
      const bucket = 'compat-lifecycle';
      await d.createBucket(bucket);
      assert.ok((await d.listBuckets()).includes(bucket), 'new bucket listed');
      await h.put(bucket, 'keep me.txt', 'x');
      const refused = await d.deleteBucket(bucket).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(refused, 'DeleteBucket of a non-empty bucket must fail');
      assert.match(String(refused), /BucketNotEmpty|not empty/i);
      assert.ok((await d.listBuckets()).includes(bucket), 'refused bucket still listed');
      await h.remove(bucket, 'keep me.txt');
      await d.deleteBucket(bucket);
      assert.ok(!(await d.listBuckets()).includes(bucket), 'deleted bucket no longer listed');
    });

    scenario('put, head, get and delete a small object', 120_000, async () => {
      const key = 'small/hello world é.txt';
      const data = randomBytes(10_000);
      const before = Date.now();
      await d.putFile(WORK, key, local('small-up', data));
      const head = await d.head(WORK, key);
      assert.ok(head, 'HEAD finds the object');
      assert.equal(head.size, data.length, 'size');
      assert.equal(head.etag, md5(data), 'ETag of a single PUT = MD5 of the body');
      assert.ok(!Number.isNaN(head.lastModified.getTime()), 'Last-Modified present');
      // Plausible, not a timing check: not the epoch or some unrelated date (S3 dates have 1 s resolution).
      assert.ok(Math.abs(head.lastModified.getTime() - before) < 15 * 60_000, `Last-Modified ${head.lastModified.toISOString()} is about the upload time`);
      const down = join(dir, 'small-down');
      await d.getFile(WORK, key, down);
      assertSameBytes(readFileSync(down), data, 'downloaded content');
      assert.equal(await h.etag(WORK, key), md5(data), 'same ETag seen by another client');
      await d.deleteObject(WORK, key);
      assert.equal(await d.head(WORK, key), null, 'HEAD after delete: not found');
    });

    scenario('200 MiB multipart upload through the high-level path, MD5 checked after download', 420_000, async () => {
      const key = 'big/200 MiB.bin';
      const up = join(dir, 'big-up.bin');
      const down = join(dir, 'big-down.bin');
      try {
        const file = await writeRandomFile(up, BIG, d.multipartPartSize);
        await d.uploadLarge(WORK, key, up);
        await d.downloadLarge(WORK, key, down);
        assert.equal(statSync(down).size, BIG, 'downloaded size');
        assert.equal(await md5File(down), file.md5, 'downloaded MD5');
        const etag = await h.etag(WORK, key);
        if (h.keepsFileAttributes) assert.equal(etag, file.multipartEtag, `multipart ETag (md5 of the part MD5s, ${d.multipartPartSize / MiB} MiB parts)`);
        // Derived: stable, and never 32 bare hex digits (clients would take that for the content MD5).
        else assert.match(etag ?? '', /^[0-9a-f]{32}-\d+$/, 'derived ETag of a many-block file');
        assert.equal(await h.etag(WORK, key), etag, 'the same ETag on a second HEAD');
      } finally {
        rmSync(up, { force: true });
        rmSync(down, { force: true });
      }
    }, { long: true });

    scenario('recursive listing of more than 1,000 keys', 180_000, async () => {
      const keys = [
        ...Array.from({ length: 1050 }, (_, i) => `many/k${String(i).padStart(4, '0')}`),
        ...Array.from({ length: 10 }, (_, i) => `many/sub/x${String(i).padStart(3, '0')}`),
      ];
      await h.putMany(WORK, keys, 16);
      const listings = await d.listRecursive(WORK, 'many/');
      assert.ok(listings.length > 0);
      for (const l of listings) assertSameKeys(l.keys.filter((k) => !k.endsWith('/')), keys, l.label);
    }, { long: true });

    scenario('sync up and down a tree with spaces and unicode; a second sync transfers nothing', 180_000, async () => {
      const src = join(dir, 'tree-src');
      const dst = join(dir, 'tree-dst');
      const content = new Map(Object.entries(TREE).map(([rel, size]) => [rel, randomBytes(size)]));
      // Files last modified a minute ago, as in a real tree (mtime-based syncs compare it with LastModified).
      const past = new Date(Date.now() - 60_000);
      for (const [rel, data] of content) utimesSync(local(join('tree-src', rel), data), past, past);
      const rels = [...content.keys()].sort();

      assert.equal(await d.syncUp(src, WORK, 'tree/'), rels.length, 'first sync up transfers every file');
      assert.deepEqual((await h.fileKeys(WORK, 'tree/')).sort(), rels.map((r) => `tree/${r}`).sort(), 'keys after sync up');
      for (const [rel, data] of content) assertSameBytes(await h.get(WORK, `tree/${rel}`), data, `tree/${rel}`);
      assert.equal(await d.syncUp(src, WORK, 'tree/'), 0, 'second sync up transfers nothing');

      assert.equal(await d.syncDown(WORK, 'tree/', dst), rels.length, 'first sync down transfers every file');
      assert.deepEqual(listFiles(dst), rels, 'files after sync down');
      for (const [rel, data] of content) assertSameBytes(readFileSync(join(dst, rel)), data, `downloaded ${rel}`);
      assert.equal(await d.syncDown(WORK, 'tree/', dst), 0, 'second sync down transfers nothing');
    });

    scenario('ranged GET bytes=100-199', 60_000, async () => {
      const key = 'range/data.bin';
      const data = randomBytes(4096);
      await h.put(WORK, key, data);
      const got = await d.getRange(WORK, key, 100, 199);
      assertSameBytes(got, d.openEndedRangesOnly ? data.subarray(100) : data.subarray(100, 200), 'range');
    });

    scenario('server-side copy within a bucket and to another bucket', 60_000, async () => {
      const src = 'copy/src é.txt';
      const data = randomBytes(5000);
      await h.put(WORK, src, data);
      await h.createBucket('compat-copy-dst');
      const targets: [string, string][] = [
        [WORK, 'copy/dst é.txt'],
        ['compat-copy-dst', 'copied/dst é.txt'],
      ];
      for (const [bucket, key] of targets) {
        await d.copy(WORK, src, bucket, key);
        assertSameBytes(await h.get(bucket, key), data, `${bucket}/${key}`);
        assert.equal(await h.etag(bucket, key), md5(data), `ETag of ${bucket}/${key}`);
      }
      assertSameBytes(await h.get(WORK, src), data, 'source unchanged');
    });

    scenario('delete many objects at once', 120_000, async () => {
      const keys = [...Array.from({ length: 30 }, (_, i) => `del/item ${String(i).padStart(2, '0')}.txt`), 'del/sub/x y.txt'];
      await h.putMany(WORK, keys, 8);
      await h.put(WORK, 'keep/stay.txt', 'stay');
      await d.deleteMany(WORK, 'del/', keys);
      assert.deepEqual(await h.fileKeys(WORK, 'del/'), [], 'nothing left under del/');
      assert.equal(await h.etag(WORK, 'keep/stay.txt'), md5(Buffer.from('stay')), 'other keys untouched');
    });

    scenario('presigned GET URL fetched with plain fetch; a forged signature is refused', 60_000, async () => {
      const key = 'presign/file ü.txt';
      const data = randomBytes(2000);
      await h.put(WORK, key, data);
      const urls = await d.presign(WORK, key);
      assert.ok(urls.length > 0);
      for (const { label, url } of urls) {
        const res = await fetch(url);
        const body = Buffer.from(await res.arrayBuffer());
        assert.equal(res.status, 200, `${label}: GET ${url}\n${body.toString('utf8').slice(0, 500)}`);
        assertSameBytes(body, data, label);
        const forged = await fetch(forgeSignature(url));
        await forged.arrayBuffer();
        assert.equal(forged.status, 403, `${label}: a forged signature must be refused`);
      }
    });

    scenario('HEAD returns collection properties set through the REST API as x-amz-meta-*', 60_000, async () => {
      const bucket = 'compat-props';
      const key = 'props/object.txt';
      await h.createBucket(bucket);
      await h.put(bucket, key, 'hello', { origin: 'harness' });
      await h.setCollectionProperties(await h.bucketCollection(bucket), PROPERTIES);
      const head = await d.head(bucket, key);
      assert.ok(head, 'HEAD finds the object');
      // A plain Arvados cluster has nowhere to keep the object's own x-amz-meta-* (README: embedded and remote mode).
      const expected: Record<string, string | undefined> = h.keepsFileAttributes ? EXPECTED_META : { ...EXPECTED_META, origin: undefined };
      const got = Object.fromEntries(Object.keys(expected).map((k) => [k, head.metadata[k]]));
      assert.deepEqual(got, expected, `metadata as the client reports it: ${JSON.stringify(head.metadata)}`);
      assert.ok(!Object.keys(head.metadata).some((k) => /inject/i.test(k)), 'an invalid property key is skipped');
    });
  });
}

function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.deepEqual(
    { length: actual.length, md5: md5(actual) },
    { length: expected.length, md5: md5(expected) },
    `${what}: content differs`,
  );
}

/** Compares key lists by count, duplicates, missing and extra keys (a 1,000-line diff helps nobody). */
function assertSameKeys(actual: string[], expected: string[], label: string): void {
  const seen = new Set<string>();
  const duplicates = actual.filter((k) => (seen.has(k) ? true : (seen.add(k), false)));
  const want = new Set(expected);
  const sample = (xs: string[]) => xs.slice(0, 10);
  assert.deepEqual(
    { count: actual.length, duplicates: sample(duplicates), missing: sample(expected.filter((k) => !seen.has(k))), extra: sample([...seen].filter((k) => !want.has(k))) },
    { count: expected.length, duplicates: [], missing: [], extra: [] },
    label,
  );
}

/** The same URL with the first character of its signature changed (valid in both hex and base64). */
function forgeSignature(url: string): string {
  const m = /[?&](?:X-Amz-Signature|Signature)=(.)/.exec(url);
  if (!m) throw new Error(`no signature parameter in ${url}`);
  const at = m.index + m[0].length - 1;
  return url.slice(0, at) + (m[1] === '0' ? '1' : '0') + url.slice(at + 1);
}
