// Starts a loopback HTTP server running only the Keep handler, for the http-api and
// http-client tests.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKeepHandler, type KeepHandlerOptions } from '../../../src/keep/http-api.js';

export interface KeepServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function startKeepServer(opts: KeepHandlerOptions): Promise<KeepServer> {
  const server = createServer(createKeepHandler(opts));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
