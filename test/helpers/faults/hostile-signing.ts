// Signing tricks for hostile requests: presigned URLs (to tamper with afterwards), SigV2,
// signed aws-chunked bodies (to corrupt a chunk signature), and a raw socket for what no
// HTTP client will send (truncated bodies, conflicting framing headers).

import aws4 from 'aws4';
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { encodeAwsChunked, signingKeyFor } from '../../unit/s3/body/chunked-encoder.js';
import { signHeaders, type RawS3Response, type S3Target } from './s3-raw.js';

/** A presigned path+query for `method path`, with extra query parameters signed in. */
export function presign(t: S3Target, method: string, path: string, query: Record<string, string> = {}): string {
  const url = new URL(t.endpoint);
  const qs = new URLSearchParams(query).toString();
  const opts = { host: url.host, path: qs ? `${path}?${qs}` : path, method, service: 's3', region: 'us-east-1', signQuery: true, headers: {} };
  aws4.sign(opts, t.credentials);
  return opts.path;
}

/** SigV2 header auth (HMAC-SHA1 over method, date and resource). */
export function sigV2Headers(t: S3Target, method: string, resource: string, secret = t.credentials.secretAccessKey): Record<string, string> {
  const date = new Date().toUTCString();
  const sig = createHmac('sha1', secret).update(`${method}\n\n\n${date}\n${resource}`).digest('base64');
  return { date, authorization: `AWS ${t.credentials.accessKeyId}:${sig}` };
}

/** Headers and body of a STREAMING-AWS4-HMAC-SHA256-PAYLOAD PUT; `tamper` may corrupt the encoded body. */
export function signedChunkedPut(t: S3Target, path: string, data: Buffer, chunkSize: number): { headers: Record<string, string>; body: Buffer } {
  const probe = encodeAwsChunked(data, { chunkSize, signer: { key: Buffer.alloc(32), seed: '0'.repeat(64), scope: 's', amzDate: 'd' } });
  const headers = signHeaders(t, {
    method: 'PUT',
    path,
    headers: {
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': String(data.length),
      'content-length': String(probe.body.length),
    },
  });
  const amzDate = headers['X-Amz-Date'] ?? headers['x-amz-date']!;
  const seed = /Signature=([0-9a-f]{64})/.exec(headers['Authorization'] ?? headers['authorization'] ?? '')![1]!;
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const key = signingKeyFor(t.credentials.secretAccessKey, amzDate.slice(0, 8), 'us-east-1', 's3');
  const { body } = encodeAwsChunked(data, { chunkSize, signer: { key, seed, scope, amzDate } });
  return { headers, body };
}

/** Writes `head` (and `body`) on a raw TCP connection, half-closes it, and returns what came back (empty if nothing). */
export function rawExchange(t: S3Target, head: string, body: Buffer = Buffer.alloc(0), timeoutMs = 10_000): Promise<RawS3Response | 'no-answer'> {
  const url = new URL(t.endpoint);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer and no close within ${timeoutMs} ms: ${head.split('\r\n')[0]}`));
    }, timeoutMs);
    sock.on('data', (c: Buffer) => chunks.push(c));
    sock.on('error', () => {});
    sock.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!m) return resolve('no-answer');
      const bodyText = text.slice(text.indexOf('\r\n\r\n') + 4);
      resolve({ status: Number(m[1]), headers: {}, body: Buffer.from(bodyText, 'latin1'), text: bodyText });
    });
    sock.write(head);
    sock.end(body);
  });
}
