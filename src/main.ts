#!/usr/bin/env node
// keepgate's command line: `serve` (the gateway), `config dump`, and `admin` subcommands.
// The composition root: everything is built here and passed down.

import { ADMIN_USAGE, runAdmin } from './admin.js';
import { ConfigError, dumpConfig, loadConfig } from './config/load.js';
import { serve } from './serve.js';

const USAGE = `usage:
  keepgate serve [--config file.yaml] [--data DIR] [--port N] [--api-port N] [--host ADDR] [--<config key> VALUE ...]
  keepgate config dump [flags as for serve]
${ADMIN_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      await serve(loadConfig({ argv: rest }));
      return 0;
    case 'config':
      if (rest[0] !== 'dump') break;
      process.stdout.write(dumpConfig(loadConfig({ argv: rest.slice(1) })));
      return 0;
    case 'admin':
      return runAdmin(rest);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
  }
  process.stderr.write(`unknown command: ${argv.join(' ')}\n${USAGE}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`keepgate: ${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
