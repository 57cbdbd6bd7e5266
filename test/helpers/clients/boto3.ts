// boto3 driver: each operation runs boto3-client.py with the chosen Python (the newest boto3
// from the Python on PATH, or Debian's python3-boto3 under /usr/bin/python3).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientDriver, ClientEnv, ObjectHead } from './driver.js';
import { clientProcessEnv } from './process-env.js';
import { runOk } from './run.js';

export interface Boto3Options {
  name: string;
  python: string;
  /** Bounds on boto3's minor version (1.x: at least / below), so each driver tests the boto3 it claims to. */
  minorAtLeast?: number;
  minorBelow?: number;
}

const SCRIPT = join(import.meta.dirname, 'boto3-client.py');
const MiB = 1024 * 1024;

export function boto3Driver(opts: Boto3Options): (env: ClientEnv) => ClientDriver {
  return (env) => {
    const penv = clientProcessEnv(env.workDir, {
      KEEPGATE_S3_ENDPOINT: env.s3Endpoint,
      AWS_ACCESS_KEY_ID: env.accessKey,
      AWS_SECRET_ACCESS_KEY: env.secretKey,
      AWS_DEFAULT_REGION: env.region,
      AWS_CONFIG_FILE: join(env.workDir, 'aws-config-unused'),
      AWS_SHARED_CREDENTIALS_FILE: join(env.workDir, 'aws-credentials-unused'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const call = async (op: string, args: object = {}): Promise<any> => {
      const r = await runOk(opts.python, [SCRIPT, op, JSON.stringify(args)], { env: penv });
      return JSON.parse(r.stdout.toString('utf8'));
    };

    return {
      name: opts.name,
      multipartPartSize: 8 * MiB, // TransferConfig's default multipart_chunksize
      async version() {
        const v = (await call('version')) as { boto3: string; botocore: string; python: string };
        const minor = Number(v.boto3.split('.')[1]);
        if (opts.minorAtLeast !== undefined && !(minor >= opts.minorAtLeast)) throw new Error(`${opts.python} has boto3 ${v.boto3}, expected >= 1.${opts.minorAtLeast}`);
        if (opts.minorBelow !== undefined && !(minor < opts.minorBelow)) throw new Error(`${opts.python} has boto3 ${v.boto3}, expected < 1.${opts.minorBelow}`);
        return `boto3 ${v.boto3} botocore ${v.botocore} (python ${v.python} at ${opts.python})`;
      },
      async createBucket(bucket) {
        await call('create_bucket', { bucket });
      },
      async listBuckets() {
        return ((await call('list_buckets')) as { buckets: string[] }).buckets;
      },
      async deleteBucket(bucket) {
        await call('delete_bucket', { bucket });
      },
      async putFile(bucket, key, path) {
        await call('put_file', { bucket, key, path });
      },
      async getFile(bucket, key, path) {
        await call('get_file', { bucket, key, path });
      },
      async head(bucket, key): Promise<ObjectHead | null> {
        const h = await call('head', { bucket, key });
        if (h.notFound) return null;
        return { size: h.size, etag: h.etag, lastModified: new Date(h.lastModified), metadata: h.metadata };
      },
      async deleteObject(bucket, key) {
        await call('delete_object', { bucket, key });
      },
      async uploadLarge(bucket, key, path) {
        await call('upload_file', { bucket, key, path });
      },
      async downloadLarge(bucket, key, path) {
        await call('download_file', { bucket, key, path });
      },
      async listRecursive(bucket, prefix) {
        const r = (await call('list', { bucket, prefix })) as { v1: string[]; v2: string[] };
        return [
          { label: 'list_objects_v2 paginator', keys: r.v2 },
          { label: 'list_objects (v1) paginator', keys: r.v1 },
        ];
      },
      async syncUp(dir, bucket, prefix) {
        return ((await call('sync_up', { dir, bucket, prefix })) as { transferred: number }).transferred;
      },
      async syncDown(bucket, prefix, dir) {
        return ((await call('sync_down', { dir, bucket, prefix })) as { transferred: number }).transferred;
      },
      async getRange(bucket, key, start, end) {
        const path = join(env.workDir, 'range.out');
        await call('get_range', { bucket, key, start, end, path });
        return readFileSync(path);
      },
      async copy(srcBucket, srcKey, dstBucket, dstKey) {
        await call('copy', { srcBucket, srcKey, dstBucket, dstKey });
      },
      async deleteMany(bucket, _prefix, keys) {
        const r = (await call('delete_many', { bucket, keys })) as { deleted: number };
        if (r.deleted !== keys.length) throw new Error(`delete_objects reported ${r.deleted} of ${keys.length} deleted`);
      },
      async presign(bucket, key) {
        const r = (await call('presign', { bucket, key })) as { default: string; s3v4: string };
        return [
          { label: 'generate_presigned_url (default signature)', url: r.default },
          { label: "generate_presigned_url (signature_version='s3v4')", url: r.s3v4 },
        ];
      },
    };
  };
}
