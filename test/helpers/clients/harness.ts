// What each compat test file shares: one keepgate process, a private temp directory for the
// client's config and files, the harness's own S3 client for set-up and checks (the JS SDK
// with checksums only where required, so set-up leans on as few server features as
// possible), and the cluster's REST API for collection properties. The gateway runs on the
// embedded backend, or in remote mode in front of an embedded server in another process,
// talking to it as to a real Arvados cluster (keepgate's API extensions off, so per-file
// attributes are derived, not stored).

import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiServerProcess, type ApiServerProcess } from '../../contract/api-server-process.js';
import { startGateway, type Gateway } from '../gateway.js';
import type { ClientEnv } from './driver.js';
import { jsSdkClient, listAllV2 } from './js-sdk.js';

export const REGION = 'us-east-1';

export type Backend = 'embedded' | 'remote';

export interface Harness {
  readonly gateway: Gateway;
  readonly backend: Backend;
  /**
   * Whether files keep their own attributes (user x-amz-meta-*, the multipart ETag): yes on the
   * embedded backend; in remote mode against a plain Arvados cluster they are derived instead.
   */
  readonly keepsFileAttributes: boolean;
  readonly env: ClientEnv;
  readonly workDir: string;
  readonly admin: S3Client;
  createBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: Uint8Array | string, metadata?: Record<string, string>): Promise<void>;
  /** Puts many small objects (body = key) with bounded concurrency. */
  putMany(bucket: string, keys: readonly string[], concurrency: number): Promise<void>;
  get(bucket: string, key: string): Promise<Buffer>;
  /** ETag without quotes, or null when the object does not exist. */
  etag(bucket: string, key: string): Promise<string | null>;
  remove(bucket: string, key: string): Promise<void>;
  /** Keys under prefix, without directory placeholders (`dir/`, which keepgate lists as keep-web does). */
  fileKeys(bucket: string, prefix: string): Promise<string[]>;
  /** The uuid of the collection a CreateBucket(name) made in the caller's home project. */
  bucketCollection(bucket: string): Promise<string>;
  setCollectionProperties(uuid: string, properties: Record<string, unknown>): Promise<void>;
  /** Server log lines written since mark (see logMark), for failure reports. */
  logsSince(mark: number): string[];
  logMark(): number;
  close(): Promise<void>;
}

export async function startHarness(label: string, opts: { backend?: Backend } = {}): Promise<Harness> {
  const backend = opts.backend ?? 'embedded';
  let cluster: ApiServerProcess | undefined;
  let gateway: Gateway;
  try {
    if (backend === 'remote') cluster = await startApiServerProcess();
    gateway = await startGateway(cluster ? { remote: { apiUrl: cluster.url, token: cluster.adminToken }, args: ['--cluster-extensions', 'off'] } : {});
  } catch (e) {
    await cluster?.stop();
    throw e;
  }
  const workDir = mkdtempSync(join(tmpdir(), `keepgate-compat-${label}-`));
  const env: ClientEnv = { s3Endpoint: gateway.s3Endpoint, accessKey: gateway.accessKey, secretKey: gateway.secretKey, region: REGION, workDir };
  const admin = jsSdkClient(env, { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });

  const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${gateway.restEndpoint}/arvados/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${gateway.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /arvados/v1/${path} -> ${res.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  const harness: Harness = {
    gateway,
    backend,
    keepsFileAttributes: backend === 'embedded',
    env,
    workDir,
    admin,
    async createBucket(bucket) {
      await admin.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async put(bucket, key, body, metadata) {
      await admin.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, Metadata: metadata }));
    },
    async putMany(bucket, keys, concurrency) {
      let next = 0;
      const worker = async () => {
        while (next < keys.length) {
          const key = keys[next++]!;
          await harness.put(bucket, key, key);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    },
    async get(bucket, key) {
      const r = await admin.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return Buffer.from(await r.Body!.transformToByteArray());
    },
    async etag(bucket, key) {
      try {
        return (await admin.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag!.replaceAll('"', '');
      } catch (e) {
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
        throw e;
      }
    },
    async remove(bucket, key) {
      await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async fileKeys(bucket, prefix) {
      return (await listAllV2(admin, bucket, prefix)).map((o) => o.Key!).filter((k) => !k.endsWith('/'));
    },
    async bucketCollection(bucket) {
      const filters = encodeURIComponent(JSON.stringify([['name', '=', bucket]]));
      const r = await api('GET', `collections?filters=${filters}`);
      const items = r.items as { uuid: string }[];
      if (items.length !== 1) throw new Error(`expected one collection named ${bucket}, found ${items.length}`);
      return items[0]!.uuid;
    },
    async setCollectionProperties(uuid, properties) {
      await api('PATCH', `collections/${uuid}`, { collection: { properties } });
    },
    logMark: () => gateway.logs.length,
    logsSince: (mark) => gateway.logs.slice(mark),
    async close() {
      admin.destroy();
      await gateway.close();
      await cluster?.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return harness;
}
