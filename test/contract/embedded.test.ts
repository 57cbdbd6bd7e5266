// The ArvadosApi contract against the embedded backend in this process.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEmbeddedCluster } from '../../src/cluster/embedded/embedded.js';
import { runArvadosApiContract } from './cluster-api.contract.js';

runArvadosApiContract({
  name: 'embedded (in-process)',
  make: async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keepgate-contract-'));
    const cluster = await openEmbeddedCluster({ dataDir, maintenanceIntervalMs: 0 });
    return {
      api: cluster.api,
      adminToken: cluster.bootstrap.adminToken,
      async close() {
        await cluster.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  },
});
