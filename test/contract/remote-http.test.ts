// The ArvadosApi contract through ArvadosHttpClient against the embedded REST API served by
// another process (test/helpers/start-api-server.ts): the same path the remote backend takes
// to a real Arvados controller.

import { ArvadosHttpClient } from '../../src/arvados-api/http-client.js';
import { startApiServerProcess } from './api-server-process.js';
import { runArvadosApiContract } from './cluster-api.contract.js';

runArvadosApiContract({
  name: 'ArvadosHttpClient -> embedded REST API (separate process)',
  make: async () => {
    const proc = await startApiServerProcess();
    const client = new ArvadosHttpClient({ host: proc.url, retryDelayMs: 10 });
    return {
      api: client,
      adminToken: proc.adminToken,
      async close() {
        await client.close();
        await proc.stop();
      },
    };
  },
});
