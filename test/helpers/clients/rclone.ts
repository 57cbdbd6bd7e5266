// rclone driver: an `s3` remote with provider Other (what users pick for third-party
// servers), configured only through RCLONE_CONFIG_KG_* variables.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientDriver, ClientEnv, ObjectHead } from './driver.js';
import { clientProcessEnv } from './process-env.js';
import { ClientCommandError, output, runOk } from './run.js';

const MiB = 1024 * 1024;
// Below the 200 MiB test file, so `rclone copyto` goes multipart (the default cutoff is exactly 200 MiB).
const UPLOAD_CUTOFF = '100Mi';

interface LsJsonEntry {
  Path: string;
  Name: string;
  Size: number;
  ModTime: string;
  IsDir: boolean;
  Hashes?: Record<string, string>;
  Metadata?: Record<string, string>;
}

export function rcloneDriver(env: ClientEnv): ClientDriver {
  const configFile = join(env.workDir, 'rclone.conf');
  writeFileSync(configFile, '');
  const penv = clientProcessEnv(env.workDir, {
    RCLONE_CONFIG: configFile,
    RCLONE_CACHE_DIR: join(env.workDir, 'rclone-cache'),
    RCLONE_CONFIG_KG_TYPE: 's3',
    RCLONE_CONFIG_KG_PROVIDER: 'Other',
    RCLONE_CONFIG_KG_ENV_AUTH: 'false',
    RCLONE_CONFIG_KG_ENDPOINT: env.s3Endpoint,
    RCLONE_CONFIG_KG_ACCESS_KEY_ID: env.accessKey,
    RCLONE_CONFIG_KG_SECRET_ACCESS_KEY: env.secretKey,
    RCLONE_CONFIG_KG_REGION: env.region,
  });
  // No whole-command or low-level retries: a server error must fail the test, not be retried away.
  const rclone = (args: string[]) => runOk('rclone', ['--retries', '1', '--low-level-retries', '1', ...args], { env: penv });
  const remote = (bucket: string, key = '') => `kg:${bucket}/${key}`;
  const copied = (text: string) => text.split('\n').filter((l) => /: Copied \(/.test(l)).length;
  const lsf = async (bucket: string, prefix: string, extra: string[]) =>
    (await rclone(['lsf', '-R', '--files-only', ...extra, remote(bucket, prefix)])).stdout
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((rel) => prefix + rel);

  return {
    name: 'rclone',
    multipartPartSize: 5 * MiB, // --s3-chunk-size default
    async version() {
      return (await rclone(['version'])).stdout.toString('utf8').split('\n')[0]!;
    },
    async createBucket(bucket) {
      await rclone(['mkdir', remote(bucket)]);
    },
    async listBuckets() {
      const entries = JSON.parse((await rclone(['lsjson', 'kg:'])).stdout.toString('utf8')) as LsJsonEntry[];
      return entries.filter((e) => e.IsDir).map((e) => e.Name);
    },
    async deleteBucket(bucket) {
      await rclone(['rmdir', remote(bucket)]);
    },
    async putFile(bucket, key, path) {
      await rclone(['copyto', path, remote(bucket, key)]);
    },
    async getFile(bucket, key, path) {
      await rclone(['copyto', remote(bucket, key), path]);
    },
    async head(bucket, key): Promise<ObjectHead | null> {
      let r;
      try {
        r = await rclone(['lsjson', '--stat', '-M', '--hash', '--use-server-modtime', remote(bucket, key)]);
      } catch (e) {
        if (e instanceof ClientCommandError && /not found/i.test(output(e.result))) return null;
        throw e;
      }
      const e = JSON.parse(r.stdout.toString('utf8')) as LsJsonEntry;
      // A missing object: rclone falls back to calling the path a directory.
      if (e.IsDir) return null;
      const metadata = Object.fromEntries(Object.entries(e.Metadata ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      return { size: e.Size, etag: e.Hashes?.md5 ?? '', lastModified: new Date(e.ModTime), metadata };
    },
    async deleteObject(bucket, key) {
      await rclone(['deletefile', remote(bucket, key)]);
    },
    async uploadLarge(bucket, key, path) {
      await rclone(['copyto', '--s3-upload-cutoff', UPLOAD_CUTOFF, path, remote(bucket, key)]);
    },
    async downloadLarge(bucket, key, path) {
      await rclone(['copyto', remote(bucket, key), path]);
    },
    async listRecursive(bucket, prefix) {
      return [
        { label: 'rclone lsf -R (one ListObjects v1 walk per directory, delimiter=/)', keys: await lsf(bucket, prefix, []) },
        { label: 'rclone lsf -R --fast-list (ListObjects v1, empty delimiter)', keys: await lsf(bucket, prefix, ['--fast-list']) },
      ];
    },
    async syncUp(dir, bucket, prefix) {
      return copied((await rclone(['sync', '-v', dir, remote(bucket, prefix)])).stderr);
    },
    async syncDown(bucket, prefix, dir) {
      return copied((await rclone(['sync', '-v', remote(bucket, prefix), dir])).stderr);
    },
    async getRange(bucket, key, start, end) {
      return (await rclone(['cat', '--offset', String(start), '--count', String(end - start + 1), remote(bucket, key)])).stdout;
    },
    async copy(srcBucket, srcKey, dstBucket, dstKey) {
      await rclone(['copyto', remote(srcBucket, srcKey), remote(dstBucket, dstKey)]);
    },
    async deleteMany(bucket, prefix) {
      await rclone(['delete', remote(bucket, prefix)]);
    },
    async presign(bucket, key) {
      const lines = (await rclone(['link', '--expire', '1h', remote(bucket, key)])).stdout.toString('utf8').trim().split('\n');
      return [{ label: 'rclone link --expire 1h', url: lines[lines.length - 1]! }];
    },
  };
}
