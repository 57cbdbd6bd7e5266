// Own writes applied to a cached index give the same keys and entries as an index rebuilt
// from the resulting manifest.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Collection, FileAttrs } from '../../../src/arvados-api/types.js';
import { marshalManifest, segmentsFingerprint } from '../../../src/manifest/index.js';
import type { Segment } from '../../../src/manifest/types.js';
import { CollectionIndex } from '../../../src/site/collection-index.js';

const LOC = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
const seg = (n: number): Segment[] => [{ locator: LOC, offset: 0, length: 1 + (n % 3) }];
const attrs = (segments: Segment[]): FileAttrs => ({ fingerprint: segmentsFingerprint(segments), mtime: '2026-01-01T00:00:00.000Z', etag: 'e' });

function collection(files: Map<string, Segment[]>): Collection {
  const manifest = marshalManifest({ files: [...files].map(([path, segments]) => ({ path, segments })), emptyDirs: [] });
  return { uuid: 'zzzzz-4zz18-000000000000000', manifest_text: manifest, modified_at: '2026-01-01T00:00:00.000Z' } as Collection;
}

const name = fc.constantFrom('a', 'b', 'a-b', 'é', 'z', 'a.txt');
const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));
const ops = fc.array(fc.record({ put: fc.boolean(), path, n: fc.nat(5) }), { maxLength: 30 });

test('putFile/removeFile on a cached index match a rebuilt index (keys, order, sizes)', () => {
  fc.assert(
    fc.property(ops, (steps) => {
      const files = new Map<string, Segment[]>();
      const index = new CollectionIndex(collection(files), { folderObjects: true });
      const dirsEver = new Set<string>();
      for (const s of steps) {
        // A path cannot be both a file and a directory: skip clashing puts, as the backend refuses them.
        const clash = [...files.keys()].some((f) => f.startsWith(`${s.path}/`) || s.path.startsWith(`${f}/`)) || dirsEver.has(s.path);
        if (s.put && !clash) {
          files.set(s.path, seg(s.n));
          index.putFile(s.path, seg(s.n), attrs(seg(s.n)));
          for (let i = s.path.indexOf('/'); i > 0; i = s.path.indexOf('/', i + 1)) dirsEver.add(s.path.slice(0, i));
        } else if (!s.put && files.has(s.path)) {
          files.delete(s.path);
          index.removeFile(s.path);
        }
      }
      // Directories outlive their last file (Arvados keeps them), so compare files, and dirs as a superset.
      const rebuilt = new CollectionIndex(collection(files), { folderObjects: true });
      const fileKeys = (ix: CollectionIndex): string[] => ix.keys.filter((k) => !k.endsWith('/'));
      assert.deepEqual(fileKeys(index), fileKeys(rebuilt));
      for (const k of rebuilt.keys) assert.ok(index.get(k), `missing ${k}`);
      for (const k of fileKeys(rebuilt)) assert.equal(index.get(k)?.size, rebuilt.get(k)?.size);
      assert.equal(index.fileCount, files.size);
      const sortedCopy = [...index.keys];
      assert.deepEqual(index.keys, sortedCopy.sort((a, b) => (Buffer.compare(Buffer.from(a), Buffer.from(b)))));
    }),
  );
});
