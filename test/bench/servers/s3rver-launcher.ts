// Runs the peer, s3rver, as a child process. It must run under --openssl-legacy-provider on
// Node >= 17: its ListObjectsV2 continuation tokens use DES, which OpenSSL 3 only has there.
// s3rver accepts the credentials S3RVER / S3RVER and verifies SigV4 signatures.
// Run as: node --openssl-legacy-provider --import tsx s3rver-launcher.ts --port N --directory D
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver is CommonJS without type declarations, installed in test/bench/node_modules.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;
const { values: args } = parseArgs({ options: { port: { type: 'string' }, directory: { type: 'string' } } });

await new S3rver({
  address: '127.0.0.1',
  port: Number(args.port),
  directory: args.directory,
  silent: true,
  vhostBuckets: false,
}).run();
// Exit with the harness: it holds our stdin.
process.stdin.on('end', () => process.exit(0)).resume();
