// AWS CLI driver (v1 from the Python on PATH, v2 from Debian's awscli): `aws s3 ...` for what
// users type, `aws s3api ...` where the high-level commands have no equivalent.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientDriver, ClientEnv, Listing, ObjectHead } from './driver.js';
import { clientProcessEnv } from './process-env.js';
import { ClientCommandError, output, runOk } from './run.js';

export interface AwsCliOptions {
  name: string;
  bin: string;
  /** 1 or 2: `aws --version` must report this major version. */
  major: number;
}

const MiB = 1024 * 1024;

export function awsCliDriver(opts: AwsCliOptions): (env: ClientEnv) => ClientDriver {
  return (env) => {
    const configFile = join(env.workDir, 'aws-config');
    const creds = `aws_access_key_id = ${env.accessKey}\naws_secret_access_key = ${env.secretKey}\nregion = ${env.region}\n`;
    // The second profile makes `aws s3 presign` sign with SigV4 (v1 presigns SigV2 by default).
    writeFileSync(configFile, `[default]\n${creds}\n[profile sigv4]\n${creds}s3 =\n    signature_version = s3v4\n`);
    const penv = clientProcessEnv(env.workDir, {
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: join(env.workDir, 'aws-credentials-unused'),
      AWS_ACCESS_KEY_ID: env.accessKey,
      AWS_SECRET_ACCESS_KEY: env.secretKey,
      AWS_DEFAULT_REGION: env.region,
      AWS_PAGER: '',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    const aws = (args: string[]) => runOk(opts.bin, ['--endpoint-url', env.s3Endpoint, ...args], { env: penv });
    const json = async (args: string[]) => JSON.parse((await aws([...args, '--output', 'json'])).stdout.toString('utf8') || '{}');
    const s3url = (bucket: string, key = '') => `s3://${bucket}/${key}`;
    const countLines = (text: string, verb: string) => text.split(/[\r\n]+/).filter((l) => l.startsWith(`${verb}: `)).length;

    return {
      name: opts.name,
      multipartPartSize: 8 * MiB, // s3transfer's default multipart_chunksize
      async version() {
        const r = await runOk(opts.bin, ['--version'], { env: penv });
        const v = output(r).trim();
        if (!v.startsWith(`aws-cli/${opts.major}.`)) throw new Error(`${opts.bin} is not AWS CLI v${opts.major}: ${v}`);
        return v;
      },
      async createBucket(bucket) {
        await aws(['s3', 'mb', s3url(bucket)]);
      },
      async listBuckets() {
        const r = await aws(['s3', 'ls']);
        return r.stdout.toString('utf8').split('\n').map((l) => /^\S+ \S+ (.+)$/.exec(l)?.[1]).filter((b): b is string => !!b);
      },
      async deleteBucket(bucket) {
        await aws(['s3', 'rb', s3url(bucket)]);
      },
      async putFile(bucket, key, path) {
        await aws(['s3', 'cp', '--no-progress', path, s3url(bucket, key)]);
      },
      async getFile(bucket, key, path) {
        await aws(['s3', 'cp', '--no-progress', s3url(bucket, key), path]);
      },
      async head(bucket, key): Promise<ObjectHead | null> {
        try {
          const h = await json(['s3api', 'head-object', '--bucket', bucket, '--key', key]);
          return { size: h.ContentLength, etag: String(h.ETag).replaceAll('"', ''), lastModified: new Date(h.LastModified), metadata: h.Metadata ?? {} };
        } catch (e) {
          if (e instanceof ClientCommandError && /\(404\)|Not Found/.test(e.result.stderr)) return null;
          throw e;
        }
      },
      async deleteObject(bucket, key) {
        await aws(['s3', 'rm', s3url(bucket, key)]);
      },
      async uploadLarge(bucket, key, path) {
        await aws(['s3', 'cp', '--no-progress', path, s3url(bucket, key)]);
      },
      async downloadLarge(bucket, key, path) {
        await aws(['s3', 'cp', '--no-progress', s3url(bucket, key), path]);
      },
      async listRecursive(bucket, prefix): Promise<Listing[]> {
        const ls = await aws(['s3', 'ls', '--recursive', s3url(bucket, prefix)]);
        const lsKeys = ls.stdout
          .toString('utf8')
          .split('\n')
          .map((l) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+ (.*)$/.exec(l)?.[1])
          .filter((k): k is string => k !== undefined);
        const v1 = await json(['s3api', 'list-objects', '--bucket', bucket, '--prefix', prefix]);
        return [
          { label: 'aws s3 ls --recursive (ListObjectsV2)', keys: lsKeys },
          { label: 'aws s3api list-objects (ListObjects v1, paginated)', keys: (v1.Contents ?? []).map((c: { Key: string }) => c.Key) },
        ];
      },
      async syncUp(dir, bucket, prefix) {
        return countLines((await aws(['s3', 'sync', '--no-progress', dir, s3url(bucket, prefix)])).stdout.toString('utf8'), 'upload');
      },
      async syncDown(bucket, prefix, dir) {
        return countLines((await aws(['s3', 'sync', '--no-progress', s3url(bucket, prefix), dir])).stdout.toString('utf8'), 'download');
      },
      async getRange(bucket, key, start, end) {
        const out = join(env.workDir, 'range.out');
        await aws(['s3api', 'get-object', '--bucket', bucket, '--key', key, '--range', `bytes=${start}-${end}`, out]);
        return readFileSync(out);
      },
      async copy(srcBucket, srcKey, dstBucket, dstKey) {
        await aws(['s3', 'cp', '--no-progress', s3url(srcBucket, srcKey), s3url(dstBucket, dstKey)]);
      },
      async deleteMany(bucket, _prefix, keys) {
        const spec = join(env.workDir, 'delete.json');
        writeFileSync(spec, JSON.stringify({ Objects: keys.map((Key) => ({ Key })), Quiet: false }));
        const r = await json(['s3api', 'delete-objects', '--bucket', bucket, '--delete', `file://${spec}`]);
        if (r.Errors?.length) throw new Error(`delete-objects reported errors: ${JSON.stringify(r.Errors)}`);
        if ((r.Deleted ?? []).length !== keys.length) throw new Error(`delete-objects deleted ${r.Deleted?.length} of ${keys.length}`);
      },
      async presign(bucket, key) {
        const sign = async (extra: string[]) => (await aws([...extra, 's3', 'presign', s3url(bucket, key), '--expires-in', '600'])).stdout.toString('utf8').trim();
        return [
          { label: 'aws s3 presign (default signature)', url: await sign([]) },
          { label: 'aws s3 presign (profile with signature_version = s3v4)', url: await sign(['--profile', 'sigv4']) },
        ];
      },
    };
  };
}
