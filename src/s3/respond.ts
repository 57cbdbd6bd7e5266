// Writing a handler's result, or an S3 error, onto the HTTP response. Handlers return a
// description (S3Result) and never touch the response themselves, so the status, the
// headers every response carries and the HEAD rules live here only.

import type { ServerResponse } from 'node:http';
import type { S3Error } from './errors.js';
import { errorXml } from './xml/responses.js';
import { XML_CONTENT_TYPE } from './xml/builder.js';

export type ResponseHeaders = Readonly<Record<string, string>>;

export type S3Result =
  /** No body: 200/204 acknowledgements, HEAD answers, 304. */
  | { readonly kind: 'empty'; readonly status: number; readonly headers?: ResponseHeaders }
  | { readonly kind: 'xml'; readonly body: string; readonly headers?: ResponseHeaders }
  /** Object bytes; headers include Content-Length. */
  | { readonly kind: 'object'; readonly status: 200 | 206; readonly headers: ResponseHeaders; readonly body: AsyncIterable<Uint8Array> }
  /** An error that needs response headers besides the XML (416 with Content-Range). */
  | { readonly kind: 'error'; readonly error: S3Error; readonly headers: ResponseHeaders };

/** How streaming an object body ended. */
export type StreamOutcome =
  | { readonly kind: 'complete'; readonly bytes: number }
  | { readonly kind: 'client-gone'; readonly bytes: number }
  /** Reading the object failed after the headers went out: the connection was cut. */
  | { readonly kind: 'failed'; readonly bytes: number; readonly error: unknown };

export interface ResponseTarget {
  readonly isHead: boolean;
  readonly requestId: string;
  /** The Resource element of error bodies (the request path). */
  readonly resource: string;
}

function setHeaders(res: ServerResponse, headers: ResponseHeaders | undefined): void {
  for (const name in headers) res.setHeader(name, headers[name]!);
}

/** Sends a non-streaming result (object results go through streamObject); returns the body bytes sent. */
export function sendResult(res: ServerResponse, result: Exclude<S3Result, { kind: 'object' }>, target: ResponseTarget): number {
  switch (result.kind) {
    case 'empty':
      res.statusCode = result.status;
      setHeaders(res, result.headers);
      if (!res.hasHeader('content-length') && result.status !== 204 && result.status !== 304) res.setHeader('content-length', '0');
      res.end();
      return 0;
    case 'xml': {
      res.statusCode = 200;
      setHeaders(res, result.headers);
      const body = Buffer.from(result.body, 'utf8');
      res.setHeader('content-type', XML_CONTENT_TYPE);
      res.setHeader('content-length', String(body.length));
      res.end(target.isHead ? undefined : body);
      return target.isHead ? 0 : body.length;
    }
    case 'error':
      return sendError(res, result.error, target, result.headers);
  }
}

const KEPT_ON_ERROR: ReadonlySet<string> = new Set(['x-amz-request-id', 'x-amz-id-2']);

/**
 * The S3 error document; HEAD answers carry the status only (no body). Headers set earlier
 * for a success (ETag, Content-Length, metadata) are dropped, the request ids kept.
 */
export function sendError(res: ServerResponse, err: S3Error, target: ResponseTarget, headers?: ResponseHeaders): number {
  for (const name of res.getHeaderNames()) if (!KEPT_ON_ERROR.has(name)) res.removeHeader(name);
  res.statusCode = err.status;
  setHeaders(res, headers);
  // Overload and an unreachable cluster are passing states: tell clients when to retry.
  if (err.status === 503 && !res.hasHeader('retry-after')) res.setHeader('retry-after', err.code === 'SlowDown' ? '1' : '5');
  if (target.isHead) {
    res.end();
    return 0;
  }
  const body = Buffer.from(
    errorXml({ code: err.code, message: err.message, resource: target.resource, requestId: target.requestId, extra: err.extra }),
    'utf8',
  );
  res.setHeader('content-type', XML_CONTENT_TYPE);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('content-length', String(body.length));
  res.end(body);
  return body.length;
}

/**
 * Streams object bytes with backpressure: the next block is read only once the socket took
 * the previous one. A client that goes away stops the reads (the source's return() runs).
 * A read failure after the headers were sent destroys the connection, so the client sees a
 * truncated body, never a complete success; one before that is thrown.
 */
export async function streamObject(
  res: ServerResponse,
  result: Extract<S3Result, { kind: 'object' }>,
  target: ResponseTarget,
  hooks: { readonly onFirstByte?: () => void } = {},
): Promise<StreamOutcome> {
  res.statusCode = result.status;
  setHeaders(res, result.headers);
  if (target.isHead) {
    res.end();
    return { kind: 'complete', bytes: 0 };
  }
  let bytes = 0;
  const gone = (): boolean => res.destroyed || res.writableEnded;
  try {
    for await (const chunk of result.body) {
      if (gone()) return { kind: 'client-gone', bytes };
      if (bytes === 0) hooks.onFirstByte?.();
      bytes += chunk.length;
      if (!res.write(chunk)) await drained(res);
    }
  } catch (error) {
    // Nothing sent yet: the caller can still answer with an error document.
    if (!res.headersSent) throw error;
    res.destroy();
    return { kind: 'failed', bytes, error };
  }
  if (gone()) return { kind: 'client-gone', bytes };
  res.end();
  return { kind: 'complete', bytes };
}

/** Resolves when the response can take more bytes, or when it is closed. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
