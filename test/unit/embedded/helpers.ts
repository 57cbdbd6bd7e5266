// Shared set-up for the embedded backend's tests: a cluster in a temporary directory with a
// settable clock, users with tokens, and blocks written through the signing store so their
// locators carry valid signatures for the writer.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedCluster, type EmbeddedCluster, type EmbeddedClusterOptions } from '../../../src/cluster/embedded/embedded.js';
import { ArvadosApiError } from '../../../src/arvados-api/api.js';
import { parseManifest } from '../../../src/manifest/index.js';

export interface TestClock {
  now: number;
}

export interface TestCluster {
  readonly cluster: EmbeddedCluster;
  readonly clock: TestClock;
  readonly dataDir: string;
  readonly admin: string;
  /** A new non-admin user; returns their token and uuid. */
  user(name: string, opts?: { scopes?: string[] }): Promise<{ token: string; uuid: string }>;
  /** Writes `data` as a block for `token`; returns the signed locator. */
  block(token: string, data: string | Buffer): Promise<string>;
  /** A one-line manifest with one file per entry, each in its own block. */
  manifest(token: string, files: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

export const T0 = Date.parse('2030-01-01T00:00:00Z');

export async function openTestCluster(opts: Partial<EmbeddedClusterOptions> = {}): Promise<TestCluster> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'keepgate-embedded-'));
  const clock: TestClock = { now: T0 };
  const cluster = await openEmbeddedCluster({ hashThreads: 1, maintenanceIntervalMs: 0, clock: () => clock.now, ...opts, dataDir });
  const t: TestCluster = {
    cluster,
    clock,
    dataDir,
    admin: cluster.bootstrap.adminToken,
    async user(name, uopts = {}) {
      const { user, token } = await cluster.createUserWithToken({ email: `${name}@example.com`, username: name, scopes: uopts.scopes });
      return { token, uuid: user.uuid };
    },
    async block(token, data) {
      return (await cluster.blocks.put(Buffer.from(data), { token })).locator;
    },
    async manifest(token, files) {
      const names = Object.keys(files);
      if (names.length === 0) return '';
      const locators: string[] = [];
      const tokens: string[] = [];
      let pos = 0;
      for (const name of names) {
        const body = files[name]!;
        if (body.length > 0) locators.push(await t.block(token, body));
        tokens.push(`${pos}:${Buffer.byteLength(body)}:${name.replace(/ /g, '\\040')}`);
        pos += Buffer.byteLength(body);
      }
      if (locators.length === 0) locators.push('d41d8cd98f00b204e9800998ecf8427e+0');
      return `. ${locators.join(' ')} ${tokens.join(' ')}\n`;
    },
    async close() {
      await cluster.close();
      if (opts.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Resolves to the ArvadosApiError status a call failed with (fails the test if it succeeded). */
export async function statusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ArvadosApiError) return err.status;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** The error message a call failed with. */
export async function messageOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ArvadosApiError) return err.message;
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Sorted file paths and empty directories of a manifest. */
export function treeOf(manifestText: string): { files: string[]; emptyDirs: string[] } {
  const tree = parseManifest(manifestText);
  return { files: tree.files.map((f) => f.path).sort(), emptyDirs: [...tree.emptyDirs].sort() };
}
