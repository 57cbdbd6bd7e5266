// s3cmd driver: a private config file (path-style: host_bucket without %(bucket)s, plain http,
// SigV4), the commands users type, and s3cmd's own integrity warnings treated as failures.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientDriver, ClientEnv, ObjectHead } from './driver.js';
import { clientProcessEnv } from './process-env.js';
import { ClientCommandError, output, runOk, type RunResult } from './run.js';

const MiB = 1024 * 1024;
const CHUNK_MB = 15; // s3cmd's shipped default multipart_chunk_size_mb, spelled out
// s3cmd only warns (and exits 0) when what it received does not match what the server announced.
const INTEGRITY_WARNING = /WARNING: (MD5 signatures do not match|MD5 Sums don't match|Reported size|Retrying|Too many failures)/;

export function s3cmdDriver(env: ClientEnv): ClientDriver {
  const host = new URL(env.s3Endpoint).host;
  const configFile = join(env.workDir, 's3cfg');
  writeFileSync(
    configFile,
    [
      '[default]',
      `access_key = ${env.accessKey}`,
      `secret_key = ${env.secretKey}`,
      `host_base = ${host}`,
      `host_bucket = ${host}`,
      'use_https = False',
      'signature_v2 = False',
      `bucket_location = ${env.region}`,
      `multipart_chunk_size_mb = ${CHUNK_MB}`,
      '',
    ].join('\n'),
  );
  const penv = clientProcessEnv(env.workDir);
  const s3cmd = async (args: string[]): Promise<RunResult> => {
    const r = await runOk('s3cmd', ['-c', configFile, '--no-progress', ...args], { env: penv });
    if (INTEGRITY_WARNING.test(output(r))) throw new ClientCommandError(r);
    return r;
  };
  const uri = (bucket: string, key = '') => `s3://${bucket}/${key}`;
  const text = (r: RunResult) => r.stdout.toString('utf8');
  const counted = (r: RunResult, verb: string) => text(r).split('\n').filter((l) => l.startsWith(`${verb}: `)).length;

  return {
    name: 's3cmd',
    multipartPartSize: CHUNK_MB * MiB,
    openEndedRangesOnly: true,
    async version() {
      const v = output(await s3cmd(['--version'])).trim();
      if (!v.startsWith('s3cmd version')) throw new Error(`unexpected s3cmd --version output: ${v}`);
      return v;
    },
    async createBucket(bucket) {
      await s3cmd(['mb', uri(bucket)]);
    },
    async listBuckets() {
      return text(await s3cmd(['ls']))
        .split('\n')
        .map((l) => /\ss3:\/\/(\S+)$/.exec(l)?.[1])
        .filter((b): b is string => !!b);
    },
    async deleteBucket(bucket) {
      await s3cmd(['rb', uri(bucket)]);
    },
    async putFile(bucket, key, path) {
      await s3cmd(['put', path, uri(bucket, key)]);
    },
    async getFile(bucket, key, path) {
      await s3cmd(['get', '--force', uri(bucket, key), path]);
    },
    async head(bucket, key): Promise<ObjectHead | null> {
      let r;
      try {
        // --debug: `s3cmd info` prints s3cmd's stored MD5 rather than the ETag; the debug log has the raw HEAD response.
        r = await s3cmd(['--debug', 'info', uri(bucket, key)]);
      } catch (e) {
        if (e instanceof ClientCommandError && /\b404\b/.test(output(e.result))) return null;
        throw e;
      }
      const info = text(r);
      const field = (name: string) => new RegExp(`^\\s+${name}:\\s+(.*)$`, 'm').exec(info)?.[1];
      const metadata: Record<string, string> = {};
      for (const m of info.matchAll(/^\s+x-amz-meta-([^:]+): (.*)$/gm)) metadata[m[1]!] = m[2]!;
      const etag = /'etag': '"?([^'"]*)"?'/.exec(r.stderr)?.[1];
      if (etag === undefined) throw new Error(`no etag in the HEAD response s3cmd logged:\n${r.stderr.slice(0, 3000)}`);
      return { size: Number(field('File size')), etag, lastModified: new Date(field('Last mod') ?? NaN), metadata };
    },
    async deleteObject(bucket, key) {
      await s3cmd(['del', uri(bucket, key)]);
    },
    async uploadLarge(bucket, key, path) {
      await s3cmd(['put', `--multipart-chunk-size-mb=${CHUNK_MB}`, path, uri(bucket, key)]);
    },
    async downloadLarge(bucket, key, path) {
      await s3cmd(['get', '--force', uri(bucket, key), path]);
    },
    async listRecursive(bucket, prefix) {
      const keys = text(await s3cmd(['ls', '--recursive', uri(bucket, prefix)]))
        .split('\n')
        .map((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d\s+\d+\s+s3:\/\/[^/]+\/(.*)$/.exec(l)?.[1])
        .filter((k): k is string => k !== undefined);
      return [{ label: 's3cmd ls --recursive (ListObjects v1)', keys }];
    },
    async syncUp(dir, bucket, prefix) {
      return counted(await s3cmd(['sync', `${dir}/`, uri(bucket, prefix)]), 'upload');
    },
    async syncDown(bucket, prefix, dir) {
      return counted(await s3cmd(['sync', uri(bucket, prefix), `${dir}/`]), 'download');
    },
    async getRange(bucket, key, start) {
      // s3cmd's only ranged read: --continue asks for `bytes=<local size>-` and appends.
      // The local part is written from a full download, so the appended tail is what is checked.
      const path = join(env.workDir, 'range.out');
      await s3cmd(['get', '--force', uri(bucket, key), path]);
      writeFileSync(path, readFileSync(path).subarray(0, start));
      await s3cmd(['get', '--continue', uri(bucket, key), path]);
      return readFileSync(path).subarray(start);
    },
    async copy(srcBucket, srcKey, dstBucket, dstKey) {
      await s3cmd(['cp', uri(srcBucket, srcKey), uri(dstBucket, dstKey)]);
    },
    async deleteMany(bucket, prefix) {
      await s3cmd(['del', '--recursive', '--force', uri(bucket, prefix)]);
    },
    async presign(bucket, key) {
      return [{ label: 's3cmd signurl (SigV2)', url: text(await s3cmd(['signurl', uri(bucket, key), '+600'])).trim() }];
    },
  };
}
