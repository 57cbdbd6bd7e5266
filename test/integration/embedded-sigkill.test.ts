// Killing the embedded backend (SIGKILL) in the middle of a stream of collection updates
// leaves a consistent database in which every acknowledged update, and its block, is present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { DATABASE_FILE, openEmbeddedCluster } from '../../src/cluster/embedded/embedded.js';
import { parseManifest } from '../../src/manifest/index.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const CHILD = join(ROOT, 'test', 'unit', 'embedded', 'fixtures', 'update-stream-child.ts');

test('SIGKILL mid-stream: integrity holds and every acknowledged update survives', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keepgate-sigkill-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    let collection = '';
    const acked = new Map<string, string>(); // path -> block hash+size
    for await (const line of createInterface({ input: child.stdout })) {
      const [what, a, b] = line.split(' ');
      if (what === 'ready') collection = a!;
      if (what === 'ack') acked.set(`d${Number(a) % 10}/f${a}`, b!);
      if (acked.size === 300) child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');
    assert.equal(acked.size >= 300, true);

    const raw = new Database(join(dataDir, DATABASE_FILE));
    assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
    assert.deepEqual(raw.pragma('foreign_key_check'), []);
    raw.close();

    const cluster = await openEmbeddedCluster({ dataDir, hashThreads: 1, maintenanceIntervalMs: 0 });
    try {
      const c = await cluster.api.getCollection(cluster.bootstrap.adminToken, collection, { select: ['unsigned_manifest_text', 'file_count'] });
      const files = new Map(parseManifest(c.unsigned_manifest_text!).files.map((f) => [f.path, f.segments[0]!.locator]));
      for (const [path, locator] of acked) {
        assert.equal(files.get(path), locator, `acknowledged ${path} is missing or wrong`);
        assert.ok((await cluster.localBlocks.head(locator)) > 0, `block of ${path} is missing`);
      }
      assert.equal(c.file_count, files.size);
      // The reopened backend keeps working.
      await cluster.api.updateCollection(cluster.bootstrap.adminToken, collection, {}, { replace_files: { '/after': 'current/d0/f0' } });
    } finally {
      await cluster.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
