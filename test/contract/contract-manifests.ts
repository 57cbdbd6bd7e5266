// Contract: collection contents — the Arvados manifest fixtures, replace_files, and keepgate's
// per-file attribute and precondition extensions.

import assert from 'node:assert/strict';
import type { FileAttrs } from '../../src/arvados-api/types.js';
import { segmentsFingerprint } from '../../src/manifest/index.js';
import {
  CONTENT_SELECT, expectApiError, loadManifestVectors, newProject, newUser, pdhOf, seedCollection, stripSignatures, unique, type ContractSuite,
} from './contract-support.js';

const FOO_BAR = '. acbd18db4cc2f85cedef654fccc4a4d8+3 0:3:foo\n./dir 37b51d194a7513e45b56f6524f2d51f2+3 0:3:bar\n';

export function manifestContract(s: ContractSuite): void {
  s.test('fixture manifests: PDH, file_count and file_size_total as Arvados computes them', async () => {
    const t = s.target();
    const me = await t.api.currentUser(t.adminToken);
    const p = await newProject(t.api, t.adminToken, { owner_uuid: me.uuid });
    const vectors = loadManifestVectors().filter((v) => v.files !== undefined);
    assert.ok(vectors.length > 30);
    for (const v of vectors) {
      const c = await seedCollection(t, p.uuid, v.manifest, { name: unique(v.id.replace(/[^\w-]/g, '_')) });
      const unsigned = c.unsigned_manifest_text ?? '';
      const stored = [stripSignatures(v.manifest), stripSignatures(v.go_marshal ?? v.manifest)];
      assert.ok(stored.includes(unsigned), `${v.id}: stored text ${JSON.stringify(unsigned)}`);
      assert.equal(c.portable_data_hash, pdhOf(unsigned), v.id);
      if (unsigned === stripSignatures(v.manifest)) assert.equal(c.portable_data_hash, v.pdh, v.id);
      assert.equal(c.file_count, v.files!.length, `${v.id}: file_count`);
      assert.equal(c.file_size_total, v.files!.reduce((n, f) => n + f.size, 0), `${v.id}: file_size_total`);
    }
  });

  s.test('replace_files: copy from a readable PDH, move within current, delete', async () => {
    const t = s.target();
    const alice = await newUser(t, 'rf');
    const src = await seedCollection(t, alice.user.uuid, FOO_BAR);
    const dst = await t.api.createCollection(alice.token, { name: unique('dst') });
    const copied = await t.api.updateCollection(alice.token, dst.uuid, {}, {
      replace_files: { '/a/foo.txt': `${src.portable_data_hash}/foo`, '/whole': `${src.portable_data_hash}/` },
      select: CONTENT_SELECT,
    });
    assert.equal(copied.file_count, 3);
    assert.equal(copied.file_size_total, 9);
    const moved = await t.api.updateCollection(alice.token, dst.uuid, {}, {
      replace_files: { '/b/foo.txt': 'current/a/foo.txt', '/a/foo.txt': '', '/whole': '' },
      select: CONTENT_SELECT,
    });
    assert.equal(moved.file_count, 1);
    assert.match(moved.unsigned_manifest_text ?? '', /^(\.\/a d41d8cd98f00b204e9800998ecf8427e\+0 0:0:\\056\n)?\.\/b acbd18db4cc2f85cedef654fccc4a4d8\+3 0:3:foo\.txt\n$/);
  });

  s.test('replace_files: manifest_text/ sources come from the same request', async () => {
    const t = s.target();
    const alice = await newUser(t, 'rfm');
    const src = await seedCollection(t, alice.user.uuid, FOO_BAR);
    const signed = (await t.api.getCollection(alice.token, src.uuid)).manifest_text!;
    const dst = await t.api.createCollection(alice.token, { name: unique('dst') });
    const u = await t.api.updateCollection(alice.token, dst.uuid, { manifest_text: signed }, {
      replace_files: { '/x/bar': 'manifest_text/dir/bar' },
      select: CONTENT_SELECT,
    });
    assert.equal(u.unsigned_manifest_text, './x 37b51d194a7513e45b56f6524f2d51f2+3 0:3:bar\n');
    await expectApiError(t.api.updateCollection(alice.token, dst.uuid, { manifest_text: signed }, { replace_files: { '/y': 'current/x/bar' } }), 400);
  });

  s.test('replace_files: bad targets and sources are 400 and change nothing', async () => {
    const t = s.target();
    const alice = await newUser(t, 'rfbad');
    const c = await seedCollection(t, alice.user.uuid, FOO_BAR);
    const bad: Array<Record<string, string>> = [{ 'no-slash': '' }, { '/a//b': '' }, { '/a/': '' }, { '/x': 'current/no/such/file' }, { '/x': 'bogus-source' }];
    for (const replace_files of bad) {
      await expectApiError(t.api.updateCollection(alice.token, c.uuid, {}, { replace_files }), 400);
    }
    assert.equal((await t.api.getCollection(alice.token, c.uuid)).portable_data_hash, c.portable_data_hash);
  });

  s.test('x_keepgate_file_attrs: stored beside the manifest, returned only when selected, cleared with null', async () => {
    const t = s.target();
    const alice = await newUser(t, 'attrs');
    const src = await seedCollection(t, alice.user.uuid, FOO_BAR);
    const c = await t.api.createCollection(alice.token, { name: unique('a') });
    const attrs: FileAttrs = {
      fingerprint: segmentsFingerprint([{ locator: 'acbd18db4cc2f85cedef654fccc4a4d8+3', offset: 0, length: 3 }]),
      mtime: '2026-01-02T03:04:05.678Z', etag: 'acbd18db4cc2f85cedef654fccc4a4d8',
      content_type: 'text/plain', meta: { color: 'blue' },
    };
    await t.api.updateCollection(alice.token, c.uuid, {}, {
      replace_files: { '/foo': `${src.portable_data_hash}/foo` },
      x_keepgate_file_attrs: { foo: attrs },
    });
    const plain = await t.api.getCollection(alice.token, c.uuid);
    assert.equal(plain.x_keepgate_file_attrs, undefined);
    const withAttrs = await t.api.getCollection(alice.token, c.uuid, { select: ['uuid', 'x_keepgate_file_attrs'] });
    assert.deepEqual(withAttrs.x_keepgate_file_attrs, { foo: attrs });
    // An entry written for other content is refused (the file changed underneath the writer).
    await expectApiError(t.api.updateCollection(alice.token, c.uuid, {}, {
      x_keepgate_file_attrs: { foo: { ...attrs, fingerprint: 'not-this-content', etag: 'other' } },
    }), 412);
    await t.api.updateCollection(alice.token, c.uuid, {}, { x_keepgate_file_attrs: { foo: null } });
    const cleared = await t.api.getCollection(alice.token, c.uuid, { select: ['x_keepgate_file_attrs'] });
    assert.deepEqual(cleared.x_keepgate_file_attrs ?? {}, {});
  });

  s.test('x_keepgate_preconditions: a failed condition is 412 and nothing changes', async () => {
    const t = s.target();
    const alice = await newUser(t, 'precond');
    const c = await seedCollection(t, alice.user.uuid, FOO_BAR);
    await expectApiError(t.api.updateCollection(alice.token, c.uuid, { name: unique('no') }, {
      replace_files: { '/foo': '' }, x_keepgate_preconditions: { foo: 'absent' },
    }), 412);
    const same = await t.api.getCollection(alice.token, c.uuid);
    assert.equal(same.name, c.name);
    assert.equal(same.portable_data_hash, c.portable_data_hash);
    await expectApiError(t.api.updateCollection(alice.token, c.uuid, {}, { x_keepgate_preconditions: { dir: 'not-dir' } }), 412);
    await expectApiError(t.api.updateCollection(alice.token, c.uuid, {}, { x_keepgate_preconditions: { dir: 'empty-dir' } }), 412);
    const ok = await t.api.updateCollection(alice.token, c.uuid, {}, {
      replace_files: { '/new': 'current/foo' }, x_keepgate_preconditions: { new: 'absent', foo: 'not-dir' },
    });
    assert.equal(ok.file_count, 3);
  });
}
