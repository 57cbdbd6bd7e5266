// Environment for a client process: the machine's own AWS/rclone/s3cmd settings must not
// leak in, so HOME points into the test's temp directory and every client-specific variable
// from the parent is dropped; the caller adds exactly the settings the test means.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const DROPPED = /^(AWS_|BOTO|RCLONE_|S3CMD|PYTHON(HOME|PATH|STARTUP)$|XDG_)/;

export function clientProcessEnv(workDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = join(workDir, 'home');
  mkdirSync(home, { recursive: true });
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!DROPPED.test(k)) env[k] = v;
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    // Python clients read file names and print paths: make them UTF-8 whatever the machine says.
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    PYTHONIOENCODING: 'utf-8',
    PYTHONUTF8: '1',
    ...extra,
  };
}
