// What the S3 integration tests share: one real keepgate process (test/helpers/gateway.ts),
// the JS SDK pointed at it (path style, the SDK's default checksums), raw requests signed
// with aws4 (or not signed at all) for what the SDK will not send, and the embedded REST API
// for looking at collections behind the S3 surface.

import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import aws4 from 'aws4';
import { request } from 'node:http';
import { startGateway, type Gateway } from '../helpers/gateway.js';

export const REGION = 'us-east-1';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export interface RawRequest {
  readonly method: string;
  /** Path and query, as sent (already percent-encoded). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Default true: sign with the gateway's admin key (SigV4, aws4). */
  readonly sign?: boolean;
  /** Sign in the query string (a presigned URL) instead of the Authorization header. */
  readonly presign?: boolean;
  /** Host header (virtual-host style); the connection still goes to the gateway. */
  readonly host?: string;
  /** Credentials to sign with instead of the admin's. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export interface S3Harness {
  readonly gateway: Gateway;
  readonly s3: S3Client;
  /** Another client for the same gateway, e.g. with different checksum settings. */
  client(extra?: Partial<S3ClientConfig>): S3Client;
  raw(req: RawRequest): Promise<RawResponse>;
  /** GET/POST... on the embedded REST API as the admin. */
  api(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
  /** The uuid of the collection CreateBucket(name) made in the admin's home project. */
  bucketCollection(bucket: string): Promise<string>;
  manifest(collectionUuid: string): Promise<string>;
  /** Resolves once a server log line satisfies `match` (e.g. the access log of a request). */
  waitForLog(match: (line: string) => boolean): Promise<string>;
  close(): Promise<void>;
}

/** `args`: extra `keepgate serve` flags (e.g. --s3-base-domain). */
export async function startS3Harness(opts: { readonly args?: string[] } = {}): Promise<S3Harness> {
  const gateway = await startGateway({ ...(opts.args && { args: opts.args }) });
  const credentials = { accessKeyId: gateway.accessKey, secretAccessKey: gateway.secretKey };
  const clients: S3Client[] = [];
  const client = (extra: Partial<S3ClientConfig> = {}): S3Client => {
    const c = new S3Client({ endpoint: gateway.s3Endpoint, region: REGION, forcePathStyle: true, credentials, ...extra });
    clients.push(c);
    return c;
  };
  const endpoint = new URL(gateway.s3Endpoint);

  const api = async (method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    const res = await fetch(`${gateway.apiEndpoint}/arvados/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${gateway.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} /arvados/v1/${path} -> ${res.status}: ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };

  return {
    gateway,
    s3: client(),
    client,
    raw(req) {
      const opts = {
        host: req.host ?? endpoint.host,
        path: req.path,
        method: req.method,
        headers: { ...req.headers } as Record<string, string>,
        service: 's3',
        region: REGION,
        ...(req.presign && { signQuery: true }),
        // aws4 hashes the body (and gives it a form Content-Type) unless the payload hash is given.
        ...(req.body !== undefined && req.headers?.['x-amz-content-sha256'] === undefined && { body: req.body }),
      };
      if (req.body !== undefined && opts.headers['content-length'] === undefined) opts.headers['content-length'] = String(Buffer.byteLength(req.body));
      if (req.sign !== false) aws4.sign(opts, req.credentials ?? credentials);
      else if (req.host !== undefined) opts.headers['host'] = req.host;
      return send(endpoint, opts.method, opts.path, opts.headers, req.body);
    },
    api,
    async bucketCollection(bucket) {
      const filters = encodeURIComponent(JSON.stringify([['name', '=', bucket], ['owner_uuid', '=', await homeUuid()]]));
      const list = await api('GET', `collections?filters=${filters}`);
      const item = (list['items'] as Array<{ uuid: string }>)[0];
      if (!item) throw new Error(`no collection named ${bucket}`);
      return item.uuid;
    },
    async manifest(uuid) {
      return (await api('GET', `collections/${uuid}`))['manifest_text'] as string;
    },
    waitForLog(match) {
      return new Promise((resolve) => {
        const check = (): void => {
          const line = gateway.logs.find(match);
          if (line !== undefined) resolve(line);
          else setTimeout(check, 20);
        };
        check();
      });
    },
    async close() {
      for (const c of clients) c.destroy();
      await gateway.close();
    },
  };

  async function homeUuid(): Promise<string> {
    return (await api('GET', 'users/current'))['uuid'] as string;
  }
}

/** One HTTP/1.1 request with exactly these headers (fetch would add or refuse some). */
export function send(
  endpoint: URL,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string | Buffer,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: endpoint.hostname, port: endpoint.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The text of one element of an XML body (first occurrence), or undefined. */
export function xmlText(body: string, element: string): string | undefined {
  const m = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(body);
  return m?.[1];
}

/** The S3 error code a raw response carries. */
export const errorCode = (r: RawResponse): string | undefined => xmlText(r.body, 'Code');
