// The Keep HTTP API (ARVADOS.md c.2) as a plain Node request handler over any BlockStore:
// `PUT /<md5>`, `GET|HEAD /<locator>` (also `//<locator>`), plain-text errors with keepstore's
// statuses. Signature policy lives in the store (SigningBlockStore); this file only speaks HTTP.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDomainError } from '../common/errors.js';
import type { Throttle } from '../common/throttle.js';
import { EMPTY_BLOCK_LOCATOR, MAX_BLOCK_SIZE, type BlockStore } from './block-store.js';
import { tryParseLocator } from './locator.js';
import { SignatureError } from './signature.js';

export interface KeepHandlerOptions {
  readonly store: BlockStore;
  /** Largest accepted PUT body (default 64 MiB). */
  readonly maxBlockSize?: number;
  /** Bounds the PUT bodies buffered at once (each up to a block). */
  readonly putThrottle?: Throttle;
  /** Sees every error answered with a 5xx (for logs). */
  readonly onError?: (err: unknown, req: IncomingMessage) => void;
}

export type KeepHandler = (req: IncomingMessage, res: ServerResponse) => void;

const BLOCK_PATH = /^\/\/?([0-9a-f]{32}(?:\+[^/?]*)?)$/;
const EMPTY_HASH = EMPTY_BLOCK_LOCATOR.slice(0, 32);

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, HEAD, PUT, OPTIONS',
  'Access-Control-Allow-Headers': 'Authorization, Content-Length, Content-Type, X-Keep-Desired-Replicas, X-Keep-Storage-Classes',
  'Access-Control-Expose-Headers': 'X-Keep-Replicas-Stored, X-Keep-Storage-Classes-Confirmed',
  'Access-Control-Max-Age': '86400',
};

/** True for paths this handler serves (`/<md5>[+hints]`, or with a doubled slash). */
export function isKeepPath(pathname: string): boolean {
  return BLOCK_PATH.test(pathname);
}

/** A request error answered with `status` and a plain-text `message`. */
class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function createKeepHandler(opts: KeepHandlerOptions): KeepHandler {
  const maxBlock = opts.maxBlockSize ?? MAX_BLOCK_SIZE;
  return (req, res) => {
    serve(req, res).catch((err: unknown) => {
      const { status, message } = toHttp(err);
      if (status >= 500) opts.onError?.(err, req);
      reply(res, status, `${message}\n`, {});
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [rawPath = '', query = ''] = (req.url ?? '').split('?', 2);
    const m = BLOCK_PATH.exec(safeDecode(rawPath));
    if (req.method === 'OPTIONS') return reply(res, 200, '', {});
    if (!m) throw new HttpError(400, 'Bad Request');
    const locator = tryParseLocator(m[1], { grammar: 'keepstore' });
    if (!locator) throw new HttpError(400, 'invalid locator');
    const token = requestToken(req, query);
    switch (req.method) {
      case 'PUT': {
        const run = (): Promise<void> => put(req, res, locator.hash, locator.size, token);
        return opts.putThrottle ? opts.putThrottle.run(run) : run();
      }
      case 'GET': {
        if (locator.size === undefined && locator.hash !== EMPTY_HASH) throw new HttpError(405, 'locator has no size hint');
        const data = await opts.store.get(m[1]!, { token });
        return reply(res, 200, data, { 'Content-Type': 'application/octet-stream' });
      }
      case 'HEAD': {
        const size = await opts.store.head(m[1]!, { token });
        res.writeHead(200, { ...CORS_HEADERS, 'Content-Length': String(size), 'Content-Type': 'application/octet-stream' });
        res.end();
        return;
      }
      default:
        throw new HttpError(405, 'Method Not Allowed');
    }
  }

  async function put(req: IncomingMessage, res: ServerResponse, hash: string, sizeHint: number | undefined, token: string | undefined): Promise<void> {
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if (declared !== undefined && declared > maxBlock) throw new HttpError(413, 'block too large');
    const body = await readBody(req, declared, maxBlock);
    if (sizeHint !== undefined && sizeHint !== body.length) throw new HttpError(400, `body length ${body.length} does not match locator size ${sizeHint}`);
    const replicas = Number(req.headers['x-keep-desired-replicas']);
    const classes = String(req.headers['x-keep-storage-classes'] ?? '')
      .split(',')
      .map((c) => c.trim())
      .filter((c) => c !== '');
    const result = await opts.store.put(body, {
      md5: hash,
      ...(token !== undefined && { token }),
      ...(Number.isInteger(replicas) && replicas > 0 && { replicas }),
      ...(classes.length > 0 && { storageClasses: classes }),
    });
    const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8', 'X-Keep-Replicas-Stored': String(result.replicas) };
    if (result.storageClasses) {
      headers['X-Keep-Storage-Classes-Confirmed'] = Object.entries(result.storageClasses)
        .map(([c, n]) => `${c}=${n}`)
        .join(', ');
    }
    reply(res, 200, `${result.locator}\n`, headers);
  }
}

/** Reads the whole request body, refusing more than `max` bytes or a length mismatch. */
async function readBody(req: IncomingMessage, declared: number | undefined, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) throw new HttpError(413, 'block too large');
    chunks.push(chunk);
  }
  if (declared !== undefined && total !== declared) throw new HttpError(400, `body length ${total} does not match Content-Length ${declared}`);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

function requestToken(req: IncomingMessage, query: string): string | undefined {
  const auth = /^(?:Bearer|OAuth2)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (auth) return auth[1];
  return new URLSearchParams(query).get('api_token') ?? undefined;
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function toHttp(err: unknown): { status: number; message: string } {
  if (err instanceof HttpError) return { status: err.status, message: err.message };
  if (err instanceof SignatureError) return err.reason === 'expired' ? { status: 401, message: err.message } : { status: 400, message: 'invalid signature' };
  if (!isDomainError(err)) return { status: 500, message: 'internal error' };
  switch (err.kind) {
    case 'Unauthorized':
      return { status: 401, message: 'no token provided in Authorization header' };
    case 'PermissionDenied':
      return { status: 403, message: err.message };
    case 'NotFound':
      return { status: 404, message: 'Not Found' };
    case 'InvalidArgument':
      return { status: 400, message: err.message };
    case 'TooLarge':
      return { status: 413, message: 'block too large' };
    case 'Corrupt':
      return { status: 502, message: 'checksum mismatch in stored data' };
    case 'Unavailable':
      return { status: 503, message: 'storage unavailable' };
    default:
      return { status: 500, message: 'internal error' };
  }
}

function reply(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const type = status === 200 ? {} : { 'Content-Type': 'text/plain; charset=utf-8' };
  // An unread request body (e.g. a refused oversized PUT) cannot be left on a kept-alive socket.
  const close = status >= 400 && !res.req.complete ? { Connection: 'close' } : {};
  res.writeHead(status, { ...CORS_HEADERS, ...type, ...headers, ...close, 'Content-Length': String(bytes.length) });
  res.end(bytes);
}
