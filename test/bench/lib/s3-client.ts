// The benchmark's one S3 client: undici keep-alive connections (no pipelining), SigV4 by aws4,
// path-style URLs, region us-east-1. It does as little as a client can: bodies stream from the
// payload pool, responses are drained without being kept, listings are read with regexes.
import aws4 from 'aws4';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
import type { Readable } from 'node:stream';

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface BenchClientOptions {
  readonly endpoint: string;
  readonly credentials: S3Credentials;
  /** Upper bound on parallel requests; one connection each. */
  readonly connections: number;
}

export interface PutOptions {
  readonly size: number;
  /** Hex SHA-256 of the body; UNSIGNED-PAYLOAD when absent. */
  readonly sha256?: string;
}

export interface ListOptions {
  readonly prefix?: string;
  readonly delimiter?: string;
  readonly maxKeys?: number;
  readonly token?: string;
}

export interface ListPage {
  readonly keys: number;
  readonly commonPrefixes: number;
  readonly nextToken?: string;
}

export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
}

export class S3HttpError extends Error {
  constructor(
    readonly status: number,
    readonly operation: string,
    body: string,
  ) {
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
    super(`${operation}: HTTP ${status}${code ? ` ${code}` : ''}${code ? '' : ` ${body.slice(0, 200)}`}`);
    this.name = 'S3HttpError';
  }
}

type Body = Buffer | Iterable<Buffer>;

interface SendOptions {
  readonly operation: string;
  readonly method: Dispatcher.HttpMethod;
  readonly bucket: string;
  readonly key?: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: Body;
  readonly size?: number;
  readonly sha256?: string;
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export class BenchClient {
  private readonly pool: Pool;
  private readonly host: string;

  constructor(private readonly options: BenchClientOptions) {
    const url = new URL(options.endpoint);
    this.host = url.host;
    this.pool = new Pool(url.origin, {
      connections: options.connections,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: 120_000,
      bodyTimeout: 120_000,
    });
  }

  /** Creates a bucket; an existing one owned by us is fine. */
  async createBucket(bucket: string): Promise<void> {
    try {
      await this.drain(await this.send({ operation: 'CreateBucket', method: 'PUT', bucket }));
    } catch (err) {
      if (err instanceof S3HttpError && err.status === 409 && /Owned|AlreadyExists/.test(err.message)) return;
      throw err;
    }
  }

  async put(bucket: string, key: string, body: Body, options: PutOptions): Promise<string> {
    const res = await this.send({ operation: 'PutObject', method: 'PUT', bucket, key, body, ...options });
    await this.drain(res);
    return etagOf(res);
  }

  /** GET (optionally a byte range) whose body is counted and dropped; returns the byte count. */
  async get(bucket: string, key: string, range?: { start: number; length: number }): Promise<number> {
    const headers: Record<string, string> = range ? { range: `bytes=${range.start}-${range.start + range.length - 1}` } : {};
    return this.drain(await this.send({ operation: 'GetObject', method: 'GET', bucket, key, headers }));
  }

  /** HEAD; returns Content-Length. */
  async head(bucket: string, key: string): Promise<number> {
    const res = await this.send({ operation: 'HeadObject', method: 'HEAD', bucket, key });
    await this.drain(res);
    return Number(res.headers['content-length']);
  }

  async listPage(bucket: string, options: ListOptions = {}): Promise<ListPage> {
    const query: Record<string, string> = { 'list-type': '2' };
    if (options.prefix !== undefined) query.prefix = options.prefix;
    if (options.delimiter !== undefined) query.delimiter = options.delimiter;
    if (options.maxKeys !== undefined) query['max-keys'] = String(options.maxKeys);
    if (options.token !== undefined) query['continuation-token'] = options.token;
    const xml = await this.text(await this.send({ operation: 'ListObjectsV2', method: 'GET', bucket, query }));
    const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
    const token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1];
    if (truncated && token === undefined) throw new Error('ListObjectsV2: truncated page without NextContinuationToken');
    return {
      keys: count(xml, /<Contents>/g),
      commonPrefixes: count(xml, /<CommonPrefixes>/g),
      nextToken: truncated && token !== undefined ? unescapeXml(token) : undefined,
    };
  }

  async createMultipartUpload(bucket: string, key: string): Promise<string> {
    const res = await this.send({ operation: 'CreateMultipartUpload', method: 'POST', bucket, key, query: { uploads: '' } });
    const id = /<UploadId>([^<]+)<\/UploadId>/.exec(await this.text(res))?.[1];
    if (id === undefined) throw new Error('CreateMultipartUpload: no UploadId in the response');
    return unescapeXml(id);
  }

  async uploadPart(bucket: string, key: string, part: { uploadId: string; partNumber: number; body: Body; size: number }): Promise<string> {
    const query = { partNumber: String(part.partNumber), uploadId: part.uploadId };
    const res = await this.send({ operation: 'UploadPart', method: 'PUT', bucket, key, query, body: part.body, size: part.size });
    await this.drain(res);
    return etagOf(res);
  }

  async completeMultipartUpload(bucket: string, key: string, uploadId: string, parts: readonly CompletedPart[]): Promise<void> {
    const xml =
      '<CompleteMultipartUpload>' +
      parts.map((p) => `<Part><PartNumber>${p.partNumber}</PartNumber><ETag>${escapeXml(p.etag)}</ETag></Part>`).join('') +
      '</CompleteMultipartUpload>';
    const body = Buffer.from(xml);
    const res = await this.send({
      operation: 'CompleteMultipartUpload',
      method: 'POST',
      bucket,
      key,
      query: { uploadId },
      headers: { 'content-type': 'application/xml' },
      body,
      size: body.length,
    });
    // S3 may answer 200 with an <Error> body when Complete fails late.
    const text = await this.text(res);
    if (text.includes('<Error>')) throw new S3HttpError(200, 'CompleteMultipartUpload', text);
  }

  /** Aborts whatever is in flight (a workload timed out) and closes the connections. */
  async destroy(): Promise<void> {
    await this.pool.destroy();
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(req: SendOptions): Promise<Dispatcher.ResponseData> {
    const path = `/${encodeURIComponent(req.bucket)}${req.key === undefined ? '' : `/${encodeKey(req.key)}`}`;
    const search = req.query ? new URLSearchParams(req.query).toString().replace(/\+/g, '%20') : '';
    const fullPath = search ? `${path}?${search}` : path;
    const payloadHash = req.sha256 ?? (req.body === undefined ? EMPTY_SHA256 : 'UNSIGNED-PAYLOAD');
    const headers: Record<string, string> = { ...req.headers, 'x-amz-content-sha256': payloadHash };
    if (req.body !== undefined) headers['content-length'] = String(req.size ?? (req.body as Buffer).length);
    const signed = aws4.sign(
      { host: this.host, method: req.method, path: fullPath, headers, service: 's3', region: 'us-east-1' },
      this.options.credentials,
    );
    const res = await this.pool.request({
      path: fullPath,
      method: req.method,
      headers: signed.headers as Record<string, string>,
      // undici streams any iterable body (client-h1.js writeIterable, waiting for 'drain');
      // its type declarations only list Readable, which would add a stream per request.
      body: req.body as Buffer | Readable | undefined,
      // undici closes the connection after every HEAD unless told not to (a guard against
      // servers that send a body); ours are well-behaved and the reconnects would be measured.
      reset: false,
    });
    if (res.statusCode >= 300) throw new S3HttpError(res.statusCode, req.operation, await res.body.text().catch(() => ''));
    return res;
  }

  private async drain(res: Dispatcher.ResponseData): Promise<number> {
    let bytes = 0;
    for await (const chunk of res.body) bytes += (chunk as Buffer).length;
    return bytes;
  }

  private async text(res: Dispatcher.ResponseData): Promise<string> {
    return res.body.text();
  }
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

function etagOf(res: Dispatcher.ResponseData): string {
  const etag = res.headers.etag;
  if (typeof etag !== 'string') throw new Error('response without an ETag');
  return etag;
}

function count(text: string, re: RegExp): number {
  return text.match(re)?.length ?? 0;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
