// A client that streams a large PUT body at its own pace, honouring backpressure, and can
// stall or vanish at any point: for throttle, disconnect and slowloris tests. It counts the
// bytes the connection accepted and the MD5 of what it sent.

import { createHash } from 'node:crypto';
import type { ClientRequest } from 'node:http';
import { objectPath, openRequest, signHeaders, type RawS3Response, type S3Target } from './s3-raw.js';
import { payload } from './seed.js';

export interface StreamingUpload {
  /** Bytes handed to the socket so far. */
  accepted(): number;
  /** Stops writing (the request stays open, like a stalled client). */
  stall(): void;
  /** Destroys the connection mid-body. */
  abort(): void;
  /** The answer, or the connection error. */
  readonly done: Promise<RawS3Response | Error>;
  /** Hex MD5 of every byte sent (valid once the body is complete). */
  md5(): string;
}

export interface StreamingUploadRequest {
  readonly bucket: string;
  readonly key: string;
  readonly query?: string;
  /** Declared Content-Length. */
  readonly bytes: number;
  readonly chunk?: number;
  readonly tag?: string;
  /** Stop writing (stall) once this many bytes were written. */
  readonly stallAfter?: number;
}

export function streamUpload(t: S3Target, r: StreamingUploadRequest): StreamingUpload {
  const chunk = payload(r.tag ?? `${r.bucket}/${r.key}`, r.chunk ?? 1024 * 1024);
  const path = objectPath(r.bucket, r.key, r.query);
  const headers = signHeaders(t, { method: 'PUT', path, signing: 'unsigned', headers: { 'content-length': String(r.bytes) } });
  const req: ClientRequest = openRequest(t, 'PUT', path, headers);
  const hash = createHash('md5');
  let sent = 0;
  let stalled = false;
  const done = new Promise<RawS3Response | Error>((resolve) => {
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const body = Buffer.concat(parts);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', resolve);
    });
    req.on('error', resolve);
  });
  const pump = (): void => {
    const limit = Math.min(r.bytes, r.stallAfter ?? Infinity);
    while (!stalled && sent < limit && !req.destroyed) {
      const piece = chunk.subarray(0, Math.min(chunk.length, limit - sent));
      hash.update(piece);
      sent += piece.length;
      if (!req.write(piece)) {
        req.once('drain', pump);
        return;
      }
    }
    if (sent >= r.bytes && !req.destroyed) req.end();
  };
  req.flushHeaders();
  pump();
  return {
    accepted: () => sent - req.writableLength,
    stall: () => void (stalled = true),
    abort: () => void req.destroy(),
    done,
    md5: () => hash.copy().digest('hex'),
  };
}
