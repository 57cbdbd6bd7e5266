// Raw S3 requests for the adversarial tests: exactly the headers given (signed with aws4
// unless told not to), a hard deadline (a hang is a failure, not a stuck test), and the raw
// status, headers and body back. The SDK would retry, re-sign or refuse what these tests send.

import aws4 from 'aws4';
import { request, type Agent, type ClientRequest, type IncomingHttpHeaders } from 'node:http';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface S3Target {
  readonly endpoint: string; // http://127.0.0.1:<port>
  readonly credentials: Credentials;
  readonly agent?: Agent;
  /** Deadline of each request unless the request sets its own (default 30 s). */
  readonly timeoutMs?: number;
}

export interface RawS3Request {
  readonly method: string;
  /** Path and query as sent (already percent-encoded). */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** 'sha256' (default): the body's hash is signed; 'unsigned': UNSIGNED-PAYLOAD; 'none': not signed at all. */
  readonly signing?: 'sha256' | 'unsigned' | 'none';
  /** Signs with these instead of the target's credentials. */
  readonly credentials?: Credentials;
  readonly timeoutMs?: number;
}

export interface RawS3Response {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
}

export class HangError extends Error {}

/** The headers aws4 produces for `req` (host, x-amz-date, authorization…), merged with req.headers. */
export function signHeaders(target: S3Target, req: RawS3Request): Record<string, string> {
  const url = new URL(target.endpoint);
  const headers: Record<string, string> = { ...req.headers };
  if (req.body !== undefined && headers['content-length'] === undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  const signing = req.signing ?? 'sha256';
  if (signing === 'none') return headers;
  if (signing === 'unsigned' && headers['x-amz-content-sha256'] === undefined) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
  const opts = { host: url.host, path: req.path, method: req.method, headers, service: 's3', region: 'us-east-1', ...(signing === 'sha256' && req.body !== undefined && { body: req.body }) };
  aws4.sign(opts, req.credentials ?? target.credentials);
  return opts.headers as Record<string, string>;
}

export function s3(target: S3Target, req: RawS3Request): Promise<RawS3Response> {
  const headers = signHeaders(target, req);
  return new Promise((resolve, reject) => {
    const cr = openRequest(target, req.method, req.path, headers);
    const deadline = req.timeoutMs ?? target.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      cr.destroy(new HangError(`${req.method} ${req.path}: no complete answer within ${deadline} ms`));
    }, deadline);
    cr.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    cr.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    cr.end(req.body);
  });
}

/** A request whose body the caller writes (or abandons) itself. */
export function openRequest(target: S3Target, method: string, path: string, headers: Record<string, string>): ClientRequest {
  const url = new URL(target.endpoint);
  return request({ host: url.hostname, port: url.port, method, path, headers, agent: target.agent ?? false });
}

/** The text of the first `<element>` of an XML body. */
export function xmlText(body: string, element: string): string | undefined {
  return new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(body)?.[1];
}

/** Every `<element>` text of an XML body, in order. */
export function xmlAll(body: string, element: string): string[] {
  return [...body.matchAll(new RegExp(`<${element}>([\\s\\S]*?)</${element}>`, 'g'))].map((m) => m[1]!);
}

export const errorCode = (r: RawS3Response): string | undefined => xmlText(r.text, 'Code');

/** `/bucket/key` with each key component percent-encoded as SDKs do. */
export const objectPath = (bucket: string, key: string, query = ''): string =>
  `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
