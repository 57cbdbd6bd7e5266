// replace_files: the rule errors (400, nothing changed), the documented semantics, and a
// model-based property test of random replace_files sequences over a small path universe.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { ArvadosApiError } from '../../../src/arvados-api/api.js';
import { parseManifest } from '../../../src/manifest/index.js';
import { messageOf, openTestCluster, statusOf, treeOf, type TestCluster } from './helpers.js';

/** A fake (unsigned) block per content id; the admin needs no signatures. */
const loc = (id: string): string => `${createHash('md5').update(id).digest('hex')}+${id.length}`;
const manifestOf = (files: Record<string, string>): string =>
  Object.entries(files)
    .map(([path, id]) => {
      const slash = path.lastIndexOf('/');
      const stream = slash < 0 ? '.' : `./${path.slice(0, slash)}`;
      return `${stream} ${loc(id)} 0:${id.length}:${path.slice(slash + 1)}\n`;
    })
    .join('');
/** path -> content id (via the block locator) and the empty directories of a manifest. */
function contentOf(text: string, ids: Map<string, string>): { files: Record<string, string>; emptyDirs: string[] } {
  const tree = parseManifest(text);
  const files: Record<string, string> = {};
  for (const f of tree.files) files[f.path] = ids.get(f.segments[0]!.locator.slice(0, 32)) ?? '?';
  return { files, emptyDirs: [...tree.emptyDirs].sort() };
}

describe('replace_files', () => {
  let t: TestCluster;
  before(async () => (t = await openTestCluster()));
  after(() => t.close());

  const create = async (files: Record<string, string>) =>
    (await t.cluster.api.createCollection(t.admin, { manifest_text: manifestOf(files) }, { select: ['uuid'] })).uuid;
  const update = (uuid: string, replace: Record<string, string>, manifest?: string) =>
    t.cluster.api.updateCollection(t.admin, uuid, manifest === undefined ? {} : { manifest_text: manifest }, { replace_files: replace, select: ['unsigned_manifest_text'] });
  const tree = async (uuid: string) => treeOf((await t.cluster.api.getCollection(t.admin, uuid, { select: ['unsigned_manifest_text'] })).unsigned_manifest_text!);

  test('rule violations are 400 and change nothing', async () => {
    const c = await create({ 'a/x': 'ax', b: 'b' });
    const before = await tree(c);
    const cases: Array<[Record<string, string>, string | undefined, RegExp]> = [
      [{ a: '' }, undefined, /invalid replace_files target/],
      [{ '/a/': '' }, undefined, /invalid replace_files target/],
      [{ '//a': '' }, undefined, /invalid replace_files target/],
      [{ '/a/./x': '' }, undefined, /invalid replace_files target/],
      [{ '/a/../b': '' }, undefined, /invalid replace_files target/],
      [{ '/.': '' }, undefined, /invalid replace_files target/],
      [{ '/c': 'somewhere/b' }, undefined, /invalid replace_files source/],
      [{ '/c': 'current/../b' }, undefined, /invalid replace_files source/],
      [{ '/c': 'manifest_text/b' }, undefined, /needs manifest_text/],
      [{ '/c': 'current/b' }, manifestOf({ z: 'z' }), /no replace_files source refers to it/],
      [{ '/a': 'current/b', '/a/y': 'current/b' }, undefined, /ancestor of another target/],
      [{ '/': 'current/', '/q': '' }, undefined, /ancestor of another target/],
      [{ '/c': 'current/nope' }, undefined, /does not exist/],
      [{ '/c': `${'0'.repeat(32)}+0/x` }, undefined, /does not exist/],
      [{ '/b/inner': 'current/a/x' }, undefined, /is a file/],
      [{ '/c': 'manifest_text/z' }, '. 0:1:z\n', /replace_files: malformed manifest_text/],
      [{ '/': 'current/b' }, undefined, /root directory with a file/],
      // One bad entry spoils the whole request, even after valid deletions.
      [{ '/a': '', '/c': 'current/nope' }, undefined, /does not exist/],
    ];
    for (const [replace, manifest, message] of cases) {
      const err = await update(c, replace, manifest).then(
        () => assert.fail(`accepted ${JSON.stringify(replace)}`),
        (e: unknown) => e,
      );
      assert.ok(err instanceof ArvadosApiError, String(err));
      assert.equal(err.status, 400, `${JSON.stringify(replace)}: ${err.message}`);
      assert.match(err.message, message);
    }
    assert.deepEqual(await tree(c), before);
  });

  test('swap, recursive delete, missing delete, created parents, empty dir left behind', async () => {
    const ids = new Map(['ax', 'ay', 'b', 'n'].map((id) => [loc(id).slice(0, 32), id]));
    const c = await create({ 'a/x': 'ax', 'a/y': 'ay', b: 'b' });
    let r = await update(c, { '/b': 'current/a/x', '/a/x': 'current/b', '/ghost': '' });
    assert.deepEqual(contentOf(r.unsigned_manifest_text!, ids).files, { 'a/x': 'b', 'a/y': 'ay', b: 'ax' });
    r = await update(c, { '/a/x': '', '/a/y': '' });
    assert.deepEqual(contentOf(r.unsigned_manifest_text!, ids), { files: { b: 'ax' }, emptyDirs: ['a'] });
    r = await update(c, { '/deep/er/n': 'manifest_text/n' }, manifestOf({ n: 'n' }));
    assert.deepEqual(contentOf(r.unsigned_manifest_text!, ids), { files: { b: 'ax', 'deep/er/n': 'n' }, emptyDirs: ['a'] });
    r = await update(c, { '/a/n': 'current/deep/er/n', '/deep': '' });
    assert.deepEqual(contentOf(r.unsigned_manifest_text!, ids), { files: { 'a/n': 'n', b: 'ax' }, emptyDirs: [] });
    // A directory source copies the subtree; an empty-directory source makes an empty dir.
    r = await update(c, { '/copy': 'current/a', '/e': 'manifest_text/d' }, '. d41d8cd98f00b204e9800998ecf8427e+0 0:0:\\056\n./d d41d8cd98f00b204e9800998ecf8427e+0 0:0:\\056\n');
    assert.deepEqual(contentOf(r.unsigned_manifest_text!, ids), { files: { 'a/n': 'n', b: 'ax', 'copy/n': 'n' }, emptyDirs: ['e'] });
    // Replacing "/" starts from an empty tree.
    r = await update(c, { '/': 'manifest_text/' }, manifestOf({ only: 'b' }));
    assert.deepEqual(contentOf(r.unsigned_manifest_text!, ids), { files: { only: 'b' }, emptyDirs: [] });
    r = await update(c, { '/': '' });
    assert.equal(r.unsigned_manifest_text, '');
  });

  test('the result is re-serialised the way the Go SDK writes it', async () => {
    const c = await create({ 'z/f': 'zf', 'a-b/f': 'abf', 'a/c/f': 'acf' });
    const r = await update(c, { '/new': 'current/z/f' });
    assert.deepEqual(
      r.unsigned_manifest_text!.split('\n').map((l) => l.split(' ')[0]),
      ['.', './a/c', './a-b', './z', ''],
    );
  });

  test('<pdh>/path sources need a readable collection with that PDH', async () => {
    const u = await t.user('pdhsrc');
    const stranger = await t.user('pdhstranger2');
    const src = await t.cluster.api.createCollection(u.token, { manifest_text: await t.manifest(u.token, { 'doc.txt': 'shared doc' }) });
    const mine = await t.cluster.api.createCollection(u.token, { name: 'dest' });
    const r = await t.cluster.api.updateCollection(u.token, mine.uuid, {}, { replace_files: { '/copy.txt': `${src.portable_data_hash}/doc.txt` } });
    assert.deepEqual(treeOf(r.manifest_text!).files, ['copy.txt']);
    const theirs = await t.cluster.api.createCollection(stranger.token, { name: 'dest' });
    assert.match(await messageOf(t.cluster.api.updateCollection(stranger.token, theirs.uuid, {}, { replace_files: { '/copy.txt': `${src.portable_data_hash}/doc.txt` } })), /does not exist/);
  });

  test('property: random replace_files sequences match a model of the tree', async () => {
    const names = ['a', 'b', 'c'];
    const pathArb = fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));
    const sourceArb = fc.oneof(
      fc.constant({ kind: 'delete' as const }),
      fc.record({ kind: fc.constant('current' as const), path: fc.oneof(fc.constant(''), pathArb) }),
      fc.record({ kind: fc.constant('new' as const) }),
    );
    const stepArb = fc.array(fc.tuple(pathArb, sourceArb), { minLength: 1, maxLength: 3 });
    let counter = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (steps) => {
        const ids = new Map<string, string>();
        const c = await create({});
        const model = new TreeModel();
        for (const step of steps) {
          const replace: Record<string, string> = {};
          const newFiles: Record<string, string> = {};
          for (const [target, source] of new Map(step)) {
            if (source.kind === 'delete') replace[`/${target}`] = '';
            else if (source.kind === 'current') replace[`/${target}`] = `current/${source.path}`;
            else {
              const id = `n${counter++}`;
              ids.set(loc(id).slice(0, 32), id);
              newFiles[id] = id;
              replace[`/${target}`] = `manifest_text/${id}`;
            }
          }
          const manifest = Object.keys(newFiles).length ? manifestOf(newFiles) : undefined;
          let expected: ReturnType<TreeModel['snapshot']> | 'error';
          try {
            expected = model.apply(replace, newFiles).snapshot();
          } catch {
            expected = 'error';
          }
          const got = await update(c, replace, manifest).then(
            (r) => contentOf(r.unsigned_manifest_text!, ids),
            (e: unknown) => {
              if (e instanceof ArvadosApiError && e.status === 400) return 'error' as const;
              throw e;
            },
          );
          assert.deepEqual(got, expected, JSON.stringify(replace));
          if (expected !== 'error') model.commit();
        }
      }),
      { numRuns: 60 },
    );
  });

  test('statuses: unknown collection 404', async () => {
    assert.equal(await statusOf(update(`${t.cluster.info.clusterId}-4zz18-000000000000000`, { '/a': '' })), 404);
  });
});

/** The replace_files semantics, stated directly on a map of paths (the test oracle). */
class TreeModel {
  private files = new Map<string, string>();
  private dirs = new Set<string>();
  private next?: { files: Map<string, string>; dirs: Set<string> };

  apply(replace: Record<string, string>, newFiles: Record<string, string>): this {
    const files = new Map(this.files);
    const dirs = new Set(this.dirs);
    const targets = Object.keys(replace).map((k) => k.slice(1));
    for (const [k, src] of Object.entries(replace)) {
      const target = k.slice(1);
      if (src !== '' && targets.some((o) => o !== target && o.startsWith(`${target}/`))) throw new Error('ancestor');
    }
    const under = (p: string, q: string) => p === '' || q === p || q.startsWith(`${p}/`);
    const rel = (p: string, q: string) => (p === '' ? q : q.slice(p.length + 1));
    // Snapshot sources first.
    const snaps: Array<[string, Array<[string, string | null]>]> = [];
    for (const [k, src] of Object.entries(replace)) {
      if (src === '') continue;
      let entries: Array<[string, string | null]>;
      if (src.startsWith('manifest_text/')) {
        const id = src.slice('manifest_text/'.length);
        entries = [['', newFiles[id]!]];
      } else {
        const p = src.slice('current/'.length);
        if (files.has(p)) entries = [['', files.get(p)!]];
        else {
          entries = [...files].filter(([q]) => under(p, q) && q !== p).map(([q, id]) => [rel(p, q), id]);
          entries.push(...[...dirs].filter((d) => under(p, d)).map((d): [string, null] => [rel(p, d), null]));
          if (entries.length === 0 && p !== '') throw new Error('missing source');
        }
      }
      snaps.push([k.slice(1), entries]);
    }
    const remove = (target: string) => {
      let removed = false;
      for (const q of [...files.keys()]) if (under(target, q)) removed = files.delete(q) || removed;
      for (const d of [...dirs]) if (under(target, d)) removed = dirs.delete(d) || removed;
      const parent = target.includes('/') ? target.slice(0, target.lastIndexOf('/')) : '';
      const hasChildren = [...files.keys(), ...dirs].some((q) => q.startsWith(`${parent}/`));
      if (removed && parent !== '' && !hasChildren) dirs.add(parent);
    };
    const insert = (path: string, id: string | null) => {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const anc = parts.slice(0, i).join('/');
        if (files.has(anc)) throw new Error('parent is a file');
        dirs.delete(anc);
      }
      if (id === null) dirs.add(path);
      else files.set(path, id);
    };
    for (const [k, src] of Object.entries(replace)) if (src === '') remove(k.slice(1));
    for (const [target, entries] of snaps) {
      remove(target);
      for (const [p, id] of entries) {
        const path = target === '' ? p : p === '' ? target : `${target}/${p}`;
        if (path === '') {
          if (id !== null) throw new Error('root as file');
          continue;
        }
        insert(path, id);
      }
      if (entries.length === 0 && target !== '') insert(target, null);
    }
    this.next = { files, dirs };
    return this;
  }

  snapshot(): { files: Record<string, string>; emptyDirs: string[] } {
    const { files, dirs } = this.next!;
    return { files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1))), emptyDirs: [...dirs].sort() };
  }

  commit(): void {
    this.files = this.next!.files;
    this.dirs = this.next!.dirs;
  }
}
