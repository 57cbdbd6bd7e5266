// The request body as the site consumes it: an async iterable read with backpressure (the
// socket is read only as fast as the site writes blocks), never buffered whole. It throws
// when the client goes away before the end, so a site write fails and commits nothing.

import type { IncomingMessage } from 'node:http';
import { S3Error } from './errors.js';
import { headerValue, type HeaderMap } from './route-headers.js';

/** S3's single-request limit (PutObject, UploadPart). */
export const MAX_OBJECT_BYTES = 5 * 1024 ** 3;

/**
 * Refuses, before reading anything, a body that says it is larger than `maxBytes`
 * (malformed lengths are the payload pipeline's to refuse). Returns the declared length (the
 * decoded length of an aws-chunked body) when it is a plain number: a hint for sizing buffers,
 * since the payload pipeline checks the real length.
 */
export function checkDeclaredSize(headers: HeaderMap, maxBytes: number): number | undefined {
  const raw = headerValue(headers, 'x-amz-decoded-content-length') ?? headerValue(headers, 'content-length');
  const length = Number(raw);
  if (raw !== undefined && length > maxBytes) {
    throw new S3Error('EntityTooLarge', undefined, { extra: { ProposedSize: raw.trim(), MaxSizeAllowed: String(maxBytes) } });
  }
  return raw !== undefined && Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/**
 * The raw bytes of a request body. Ends normally only if the whole body arrived; a
 * disconnect throws IncompleteBody. Stopping early does not destroy
 * the request, so an error can still be answered on the connection.
 */
export async function* rawRequestBody(req: IncomingMessage): AsyncGenerator<Buffer> {
  try {
    yield* req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
  } catch (err) {
    throw new S3Error('IncompleteBody', undefined, { cause: err });
  }
  if (!req.complete) throw new S3Error('IncompleteBody');
}

/** Caps a decoded body at `maxBytes` (EntityTooLarge beyond), counting as it goes. */
export async function* limitBody(body: AsyncIterable<Uint8Array>, maxBytes: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (seen > maxBytes) throw new S3Error('EntityTooLarge', undefined, { extra: { MaxSizeAllowed: String(maxBytes) } });
    yield chunk;
  }
}

/** A small body (XML documents) collected in memory, refused beyond `maxBytes`. */
export async function collectBody(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) throw new S3Error('MalformedXML', `The XML document must be at most ${maxBytes} bytes.`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
