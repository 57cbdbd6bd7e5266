// The ArvadosApi contract through ArvadosHttpClient: against the embedded REST API served by
// another process (test/helpers/start-api-server.ts), the same path the remote backend takes
// to a real controller; and, opt-in, against a real Arvados cluster. The real run creates
// users and projects, so it needs an admin token and its own variables (never the ambient
// ARVADOS_API_HOST): KEEPGATE_TEST_ARVADOS_API_HOST, KEEPGATE_TEST_ARVADOS_API_TOKEN and
// optionally KEEPGATE_TEST_ARVADOS_API_HOST_INSECURE=1.

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

const realHost = process.env.KEEPGATE_TEST_ARVADOS_API_HOST;
const realToken = process.env.KEEPGATE_TEST_ARVADOS_API_TOKEN;
if (realHost && realToken) {
  runArvadosApiContract({
    name: `ArvadosHttpClient -> real Arvados at ${realHost}`,
    make: async () => {
      const client = new ArvadosHttpClient({ host: realHost, insecure: process.env.KEEPGATE_TEST_ARVADOS_API_HOST_INSECURE === '1' });
      return { api: client, adminToken: realToken, close: () => client.close() };
    },
    skip: [{
      reason: 'keepgate extensions: Arvados has no per-file sidecar or update preconditions',
      tests: [
        'x_keepgate_file_attrs: stored beside the manifest, returned only when selected, cleared with null',
        'x_keepgate_preconditions: a failed condition is 412 and nothing changes',
      ],
    }],
  });
}
