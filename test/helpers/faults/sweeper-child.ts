// Child process for crash tests of maintenance: opens the embedded backend on a data
// directory with its clock moved forward (so trashed collections are past delete_at and
// unreferenced blocks past the signing TTL), runs the trash sweep and block GC once, and
// reports progress on stdout so the parent can SIGKILL it at a chosen point:
//   open | swept <json> | deleting <hash> | deleted <hash> | gc <json> | done
// usage: node --import tsx sweeper-child.ts <dataDir> <clockOffsetMs> <msPerDelete>

import { openEmbeddedCluster } from '../../../src/cluster/embedded/embedded.js';
import type { StoreContext } from '../../../src/cluster/embedded/context.js';
import { collectGarbage, type CollectableStore } from '../../../src/cluster/embedded/sweep.js';

const [dataDir, offsetArg, delayArg] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: sweeper-child.ts <dataDir> <clockOffsetMs> <msPerDelete>');
const offset = Number(offsetArg ?? 0);
const delay = Number(delayArg ?? 0);
const now = (): number => Date.now() + offset;
const say = (line: string): void => void process.stdout.write(`${line}\n`);

const cluster = await openEmbeddedCluster({ dataDir, clock: now, maintenanceIntervalMs: 0, hashThreads: 1 });
say('open');
say(`swept ${JSON.stringify(await cluster.sweepTrash())}`);
// The cluster's own collector, over a view of its block directory that announces (and
// paces) each delete so the parent can kill between two of them.
const store: CollectableStore = {
  list: () => cluster.localBlocks.list(),
  async delete(hash, opts) {
    say(`deleting ${hash}`);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const gone = await cluster.localBlocks.delete(hash, opts);
    say(`deleted ${hash}`);
    return gone;
  },
};
// collectGarbage reads only the database and the TTL from its context.
const ctx = { db: cluster.db, blobSigningTtl: cluster.info.blobSigningTtl } as StoreContext;
say(`gc ${JSON.stringify(await collectGarbage(ctx, store, now()))}`);
await cluster.close();
say('done');
