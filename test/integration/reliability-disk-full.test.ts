// A full disk under a real gateway: its data directory is a 64 MiB tmpfs the test mounts
// (root; the test fails, never skips, when it cannot). Block writes and metadata commits that
// hit ENOSPC answer a clean S3 500/503, leave nothing behind and do not take the server
// down; once space returns, writes succeed again and nothing acknowledged was lost.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway, type Gateway } from '../helpers/gateway.js';
import { databaseChecks } from '../helpers/faults/crash-checks.js';
import { digestOf } from '../helpers/faults/object-model.js';
import * as op from '../helpers/faults/s3-ops.js';
import { errorCode, type RawS3Response, type S3Target } from '../helpers/faults/s3-raw.js';
import { mountTmpfs, type Tmpfs } from '../helpers/faults/tmpfs.js';
import { payload } from '../helpers/faults/seed.js';

const MiB = 1024 * 1024;

function assertCleanServerError(res: RawS3Response, what: string): void {
  assert.ok(res.status === 500 || res.status === 503, `${what}: expected 500/503, got ${res.status} ${res.text.slice(0, 300)}`);
  assert.match(res.text, /^<\?xml[\s\S]*<Error>[\s\S]*<\/Error>/, `${what}: not an S3 XML error`);
  assert.ok(['InternalError', 'ServiceUnavailable', 'SlowDown'].includes(errorCode(res) ?? ''), `${what}: code ${errorCode(res)}`);
  assert.doesNotMatch(res.text, /ENOSPC|SQLITE|no space|\/tmp\//i, `${what}: internal detail in the error body`);
}

describe('disk full', () => {
  let disk: Tmpfs;
  let g: Gateway | undefined;
  let t: S3Target;
  const acked = new Map<string, string>(); // key -> digest

  before(async () => {
    disk = mountTmpfs(64);
    g = await startGateway({ dataDir: disk.dir });
    t = { endpoint: g.s3Endpoint, credentials: { accessKeyId: g.accessKey, secretAccessKey: g.secretKey } };
    assert.equal((await op.createBucket(t, 'full')).status, 200);
    for (const [key, size] of [['before-1', 300_000], ['before-2', 2 * MiB]] as const) {
      const body = payload(key, size);
      assert.equal((await op.putObject(t, 'full', key, body)).status, 200);
      acked.set(key, digestOf(body));
    }
  });
  after(async () => {
    await g?.stop('SIGKILL');
    disk?.unmount();
  });

  test('block writes that do not fit fail cleanly and leave nothing', async () => {
    disk.fill('filler', disk.free() - 3 * MiB);
    for (const [key, size] of [['big-8', 8 * MiB], ['big-20', 20 * MiB]] as const) {
      assertCleanServerError(await op.putObject(t, 'full', key, payload(key, size)), `PUT ${key}`);
      assert.equal((await op.headObject(t, 'full', key)).status, 404, `${key} is visible after a failed PUT`);
    }
    const { uploadId } = await op.createUpload(t, 'full', 'mp');
    assert.ok(uploadId, 'CreateMultipartUpload needs only metadata and should still work');
    assertCleanServerError(await op.uploadPart(t, 'full', 'mp', uploadId, 1, payload('mp-1', 6 * MiB)), 'UploadPart');
    const { parts } = await op.listParts(t, 'full', 'mp', uploadId);
    assert.equal(parts.size, 0, 'a failed part is listed');
    assert.equal(g!.proc.exitCode, null, 'the server exited');
  });

  test('metadata commits on a completely full disk fail cleanly; the server stays up', async () => {
    disk.fill('filler-2', disk.free());
    assert.ok(disk.free() < 64 * 1024, `still ${disk.free()} bytes free`);
    // Same bytes as an existing object: the block is already stored, only the metadata commit needs space.
    const same = payload('before-1', 300_000);
    const outcomes: number[] = [];
    for (let i = 0; i < 60 && !outcomes.some((s) => s >= 500); i++) {
      const res = await op.putObject(t, 'full', `dup-${i}`, same, { 'x-amz-meta-pad': 'p'.repeat(1500) });
      outcomes.push(res.status);
      if (res.status === 200) acked.set(`dup-${i}`, digestOf(same));
      else {
        assertCleanServerError(res, `PUT dup-${i}`);
        assert.equal((await op.headObject(t, 'full', `dup-${i}`)).status, 404, `dup-${i} is visible after a failed PUT`);
      }
    }
    assert.ok(outcomes.some((s) => s >= 500), `60 metadata commits on a full disk all succeeded: ${outcomes.join(',')}`);
    assert.ok(g!.logs.some((l) => /SQLITE_FULL|database or disk is full/.test(l)), 'the failure was not the metadata commit');
    const fresh = await op.putObject(t, 'full', 'tiny', Buffer.from('x'));
    assertCleanServerError(fresh, 'PUT tiny');
    assert.equal(g!.proc.exitCode, null, 'the server exited');
    const list = await op.s3(t, { method: 'GET', path: '/full?list-type=2' });
    assert.ok(list.status === 200 || list.status === 500 || list.status === 503, `listing on a full disk -> ${list.status}`);
  });

  test('once space returns, writes succeed and every acknowledged object is intact', async () => {
    disk.remove('filler');
    disk.remove('filler-2');
    const body = payload('after', 8 * MiB);
    const put = await op.putObject(t, 'full', 'after', body);
    assert.equal(put.status, 200, put.text);
    acked.set('after', digestOf(body));
    for (const [key, digest] of acked) {
      const got = await op.getObject(t, 'full', key);
      assert.equal(got.status, 200, `${key}: ${got.status}`);
      assert.equal(digestOf(got.body), digest, `${key} changed`);
    }
    const listed = await op.listAll(t, 'full');
    assert.deepEqual([...listed.keys()].sort(), [...acked.keys()].sort());
    await g!.stop('SIGTERM');
    const db = databaseChecks(disk.dir);
    assert.equal(db.integrity, 'ok');
    assert.equal(db.foreignKeyViolations, 0);
  });
});
