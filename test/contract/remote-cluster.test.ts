// The ArvadosApi contract through the remote backend (openRemoteCluster's api: deadlines,
// extension handling, contents cache over ArvadosHttpClient) against the embedded REST API in
// a separate process. Run twice: extensions 'auto' (the embedded server accepts them, so the
// probe turns them on) and 'off' (as against a real Arvados: preconditions are emulated by
// reading the manifest first, file attributes are not kept).

import { openRemoteCluster } from '../../src/cluster/arvados/remote-cluster.js';
import type { ExtensionMode } from '../../src/cluster/arvados/extensions.js';
import { startApiServerProcess } from './api-server-process.js';
import { runArvadosApiContract, type ContractSkip } from './cluster-api.contract.js';

function remoteRun(extensions: ExtensionMode, skip: readonly ContractSkip[] = []): void {
  runArvadosApiContract({
    name: `remote cluster (extensions ${extensions}) -> embedded REST API (separate process)`,
    make: async () => {
      const proc = await startApiServerProcess();
      const cluster = await openRemoteCluster({ apiHost: proc.url, extensions, timeoutMs: 20_000 });
      return {
        api: cluster.api,
        adminToken: proc.adminToken,
        async close() {
          await cluster.close();
          await proc.stop();
        },
      };
    },
    skip,
  });
}

remoteRun('auto');
remoteRun('off', [{
  reason: 'with extensions off the per-file sidecar is not sent to the server (remote mode derives the attributes instead)',
  tests: ['x_keepgate_file_attrs: stored beside the manifest, returned only when selected, cleared with null'],
}]);
