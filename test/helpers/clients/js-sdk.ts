// @aws-sdk/client-s3 + @aws-sdk/lib-storage driver, in process, with the SDK's default
// integrity settings (CRC32 checksums; streamed bodies go out aws-chunked with a trailer).
// The SDK has no sync command, so sync is the obvious list-and-compare (size + MD5 ETag).

import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  paginateListObjectsV2,
  type GetObjectCommandInput,
  type GetObjectCommandOutput,
  type _Object,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FinalizeRequestMiddleware, HttpRequest } from '@smithy/types';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientDriver, ClientEnv, ObjectHead } from './driver.js';
import { listFiles, md5File } from './files.js';

const MiB = 1024 * 1024;
const ROOT = resolve(import.meta.dirname, '..', '..', '..');

export function jsSdkClient(env: Pick<ClientEnv, 's3Endpoint' | 'accessKey' | 'secretKey' | 'region'>, extra: Partial<ConstructorParameters<typeof S3Client>[0]> = {}): S3Client {
  return new S3Client({
    endpoint: env.s3Endpoint,
    region: env.region,
    credentials: { accessKeyId: env.accessKey, secretAccessKey: env.secretKey },
    forcePathStyle: true,
    ...extra,
  });
}

/** A key as it goes into x-amz-copy-source: each path segment URL-encoded. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

export async function listAllV2(s3: S3Client, bucket: string, prefix: string): Promise<_Object[]> {
  const out: _Object[] = [];
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) out.push(...(page.Contents ?? []));
  return out;
}

export function jsSdkDriver(env: ClientEnv): ClientDriver {
  const s3 = jsSdkClient(env);
  const unquote = (etag: string | undefined) => (etag ?? '').replaceAll('"', '');
  const same = async (o: _Object, path: string) =>
    o.Size === statSync(path).size && (unquote(o.ETag).includes('-') || unquote(o.ETag) === (await md5File(path)));
  const download = async (bucket: string, key: string, path: string) => {
    const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    await pipeline(r.Body as Readable, createWriteStream(path));
  };

  return {
    name: 'js-sdk',
    multipartPartSize: 5 * MiB, // lib-storage's default partSize
    async version() {
      const pkg = (name: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
      return `@aws-sdk/client-s3 ${pkg('@aws-sdk/client-s3')}, @aws-sdk/lib-storage ${pkg('@aws-sdk/lib-storage')}`;
    },
    async createBucket(bucket) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async listBuckets() {
      return ((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
    },
    async deleteBucket(bucket) {
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    },
    async putFile(bucket, key, path) {
      // A file stream: the SDK sends it aws-chunked with a CRC32 trailer, even over http.
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: createReadStream(path) }));
    },
    getFile: download,
    async head(bucket, key): Promise<ObjectHead | null> {
      try {
        const h = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return { size: h.ContentLength!, etag: unquote(h.ETag), lastModified: h.LastModified!, metadata: h.Metadata ?? {} };
      } catch (e) {
        if (e instanceof S3ServiceException && e.$metadata.httpStatusCode === 404) return null;
        throw e;
      }
    },
    async deleteObject(bucket, key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async uploadLarge(bucket, key, path) {
      await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: createReadStream(path) } }).done();
    },
    downloadLarge: download,
    async listRecursive(bucket, prefix) {
      const v1: string[] = [];
      for (let marker: string | undefined; ; ) {
        const page = await s3.send(new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker }));
        const keys = (page.Contents ?? []).map((c) => c.Key!);
        v1.push(...keys);
        if (!page.IsTruncated) break;
        marker = page.NextMarker ?? keys[keys.length - 1];
        if (marker === undefined) throw new Error('ListObjects: truncated page without NextMarker or keys');
      }
      return [
        { label: 'paginateListObjectsV2', keys: (await listAllV2(s3, bucket, prefix)).map((o) => o.Key!) },
        { label: 'ListObjectsCommand (v1) with Marker', keys: v1 },
      ];
    },
    async syncUp(dir, bucket, prefix) {
      const remote = new Map((await listAllV2(s3, bucket, prefix)).map((o) => [o.Key!, o]));
      let sent = 0;
      for (const rel of listFiles(dir)) {
        const path = join(dir, rel);
        const o = remote.get(prefix + rel);
        if (o && (await same(o, path))) continue;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: prefix + rel, Body: createReadStream(path) }));
        sent++;
      }
      return sent;
    },
    async syncDown(bucket, prefix, dir) {
      let got = 0;
      for (const o of await listAllV2(s3, bucket, prefix)) {
        const rel = o.Key!.slice(prefix.length);
        if (rel === '' || rel.endsWith('/')) continue; // directory placeholders
        const path = join(dir, rel);
        if (existsSync(path) && (await same(o, path))) continue;
        mkdirSync(dirname(path), { recursive: true });
        await download(bucket, o.Key!, path);
        got++;
      }
      return got;
    },
    async getRange(bucket, key, start, end) {
      const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${start}-${end}` }));
      return Buffer.from(await r.Body!.transformToByteArray());
    },
    async copy(srcBucket, srcKey, dstBucket, dstKey) {
      await s3.send(new CopyObjectCommand({ Bucket: dstBucket, Key: dstKey, CopySource: copySource(srcBucket, srcKey) }));
    },
    async deleteMany(bucket, _prefix, keys) {
      for (let i = 0; i < keys.length; i += 1000) {
        const r = await s3.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: false } }),
        );
        if (r.Errors?.length) throw new Error(`DeleteObjects errors: ${JSON.stringify(r.Errors)}`);
        if ((r.Deleted ?? []).length !== Math.min(1000, keys.length - i)) throw new Error(`DeleteObjects deleted ${r.Deleted?.length} keys`);
      }
    },
    async presign(bucket, key) {
      return [{ label: 'SignatureV4.presign of a GetObject request (what s3-request-presigner does)', url: await presignGet(s3, bucket, key, 600) }];
    },
    async close() {
      s3.destroy();
    },
  };
}

/** Builds the GetObject request through the client's own middleware, then presigns it instead of sending it. */
async function presignGet(s3: S3Client, bucket: string, key: string, expiresIn: number): Promise<string> {
  const signer = new SignatureV4({
    credentials: s3.config.credentials,
    region: s3.config.region,
    service: 's3',
    sha256: s3.config.sha256,
    uriEscapePath: false, // S3 paths are already encoded once
  });
  let presigned: HttpRequest | undefined;
  const intercept: FinalizeRequestMiddleware<GetObjectCommandInput, GetObjectCommandOutput> = () => async (args) => {
    const req = args.request as HttpRequest;
    for (const h of ['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent', 'x-amz-checksum-mode']) delete req.headers[h];
    req.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    presigned = await signer.presign(req, { expiresIn, unsignableHeaders: new Set(['content-type']) });
    return { response: {}, output: { $metadata: {} } as GetObjectCommandOutput };
  };
  const cmd = new GetObjectCommand({ Bucket: bucket, Key: key });
  cmd.middlewareStack.addRelativeTo(intercept, { name: 'keepgateTestPresign', relation: 'before', toMiddleware: 'httpSigningMiddleware' });
  await s3.send(cmd).catch((e: unknown) => {
    if (!presigned) throw e; // the fake output may not deserialize; only a missing URL is an error
  });
  if (!presigned) throw new Error('presign middleware did not run');
  const q = Object.entries(presigned.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  return `${presigned.protocol}//${presigned.hostname}${presigned.port ? `:${presigned.port}` : ''}${presigned.path}?${q}`;
}
