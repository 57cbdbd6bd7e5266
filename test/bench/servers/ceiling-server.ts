// The ceiling: the least an S3 server can do on node:http. Uploads are read and dropped
// (answered 200 with a fixed ETag; with --md5 they are first MD5-hashed on the event loop),
// GETs are served from one preallocated buffer (Range honoured), HEAD and a minimal
// ListObjectsV2 work from an in-memory size table. No auth: signatures are ignored.
// Run as a child: node --import tsx ceiling-server.ts --port N [--md5]
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

const ETAG = '"ceilingceilingceilingceiling000"';
const SERVE_BYTES = 64 * 1024 * 1024;
const WRITE_BYTES = 4 * 1024 * 1024;

interface Bucket {
  readonly sizes: Map<string, number>;
  readonly sorted: string[]; // keys in byte order, for listings
}

/** Everything the server remembers: object sizes, never their bytes. */
class CeilingState {
  readonly served = Buffer.alloc(SERVE_BYTES, 0x5a);
  readonly uploads = new Map<string, number>(); // uploadId -> bytes received so far
  private readonly buckets = new Map<string, Bucket>();
  private nextUploadId = 1;

  constructor(readonly md5: boolean) {}

  bucket(name: string): Bucket {
    let bucket = this.buckets.get(name);
    if (!bucket) this.buckets.set(name, (bucket = { sizes: new Map(), sorted: [] }));
    return bucket;
  }

  newUploadId(): string {
    const id = String(this.nextUploadId++);
    this.uploads.set(id, 0);
    return id;
  }
}

function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function store(bucket: Bucket, key: string, size: number): void {
  if (!bucket.sizes.has(key)) bucket.sorted.splice(lowerBound(bucket.sorted, key), 0, key);
  bucket.sizes.set(key, size);
}

/** Reads the request body, optionally hashing it; resolves with its length. */
function consume(req: IncomingMessage, options: { md5: boolean }): Promise<number> {
  const hash = options.md5 ? createHash('md5') : undefined;
  let bytes = 0;
  return new Promise((resolve, reject) => {
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash?.update(chunk);
    });
    req.once('end', () => {
      hash?.digest();
      resolve(bytes);
    });
    req.once('error', reject);
  });
}

function xml(res: ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function notFound(res: ServerResponse): void {
  const body = '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>';
  res.writeHead(404, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function sendBytes(res: ServerResponse, served: Buffer, length: number): Promise<void> {
  for (let sent = 0; sent < length; ) {
    const n = Math.min(WRITE_BYTES, length - sent);
    sent += n;
    if (!res.write(served.subarray(0, n))) await new Promise((r) => res.once('drain', r));
  }
  res.end();
}

function serveGet(req: IncomingMessage, res: ServerResponse, served: Buffer, size: number): Promise<void> {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (!range) {
    res.writeHead(200, { 'content-length': size, etag: ETAG });
    return sendBytes(res, served, size);
  }
  const start = Number(range[1]);
  const end = Math.min(size - 1, range[2] ? Number(range[2]) : size - 1);
  res.writeHead(206, { 'content-length': end - start + 1, 'content-range': `bytes ${start}-${end}/${size}`, etag: ETAG });
  return sendBytes(res, served, end - start + 1);
}

function list(res: ServerResponse, bucket: Bucket, query: URLSearchParams): void {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = Number(query.get('max-keys') ?? 1000);
  const token = query.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString() : '';
  let i = lowerBound(bucket.sorted, after > prefix ? after : prefix);
  if (bucket.sorted[i] === after) i++;
  const parts: string[] = [];
  const prefixes = new Set<string>();
  let last = '';
  let count = 0;
  for (; i < bucket.sorted.length && count < maxKeys; i++) {
    const key = bucket.sorted[i]!;
    if (!key.startsWith(prefix)) break;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut >= 0) {
      const common = key.slice(0, cut + delimiter.length);
      if (!prefixes.has(common)) {
        prefixes.add(common);
        count++;
      }
      last = key;
      continue;
    }
    parts.push(`<Contents><Key>${key}</Key><Size>${bucket.sizes.get(key)}</Size><ETag>${ETAG}</ETag></Contents>`);
    last = key;
    count++;
  }
  const truncated = i < bucket.sorted.length && bucket.sorted[i]!.startsWith(prefix);
  const next = truncated ? `<NextContinuationToken>${Buffer.from(last).toString('base64url')}</NextContinuationToken>` : '';
  const common = [...prefixes].map((p) => `<CommonPrefixes><Prefix>${p}</Prefix></CommonPrefixes>`).join('');
  xml(res, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><IsTruncated>${truncated}</IsTruncated>${next}<KeyCount>${count}</KeyCount>${parts.join('')}${common}</ListBucketResult>`);
}

async function handle(state: CeilingState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://ceiling');
  const [, bucketName = '', ...keyParts] = url.pathname.split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  const bucket = state.bucket(decodeURIComponent(bucketName));
  const q = url.searchParams;
  if (req.method === 'PUT') {
    const bytes = await consume(req, state);
    const uploadId = q.get('uploadId');
    if (uploadId !== null) state.uploads.set(uploadId, (state.uploads.get(uploadId) ?? 0) + bytes);
    else if (key) store(bucket, key, bytes);
    res.writeHead(200, { etag: ETAG, 'content-length': 0 });
    res.end();
  } else if (req.method === 'POST' && q.has('uploads')) {
    await consume(req, state);
    const id = state.newUploadId();
    xml(res, `<InitiateMultipartUploadResult><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
  } else if (req.method === 'POST' && q.has('uploadId')) {
    await consume(req, state);
    const id = q.get('uploadId')!;
    store(bucket, key, state.uploads.get(id) ?? 0);
    state.uploads.delete(id);
    xml(res, `<CompleteMultipartUploadResult><Key>${key}</Key><ETag>${ETAG}</ETag></CompleteMultipartUploadResult>`);
  } else if (req.method === 'GET' && !key) {
    await consume(req, state);
    list(res, bucket, q);
  } else if ((req.method === 'GET' || req.method === 'HEAD') && key) {
    await consume(req, state);
    const size = bucket.sizes.get(key);
    if (size === undefined) return notFound(res);
    if (req.method === 'GET') return serveGet(req, res, state.served, size);
    res.writeHead(200, { 'content-length': size, etag: ETAG });
    res.end();
  } else if (req.method === 'DELETE') {
    await consume(req, state);
    if (bucket.sizes.delete(key)) bucket.sorted.splice(lowerBound(bucket.sorted, key), 1);
    res.writeHead(204);
    res.end();
  } else {
    await consume(req, state);
    res.writeHead(200, { 'content-length': 0 });
    res.end();
  }
}

const { values: args } = parseArgs({ options: { port: { type: 'string' }, md5: { type: 'boolean', default: false } } });
const state = new CeilingState(args.md5);
const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  handle(state, req, res).catch((err: Error) => {
    res.destroy(err);
  });
});
server.listen(Number(args.port), '127.0.0.1');
// Exit with the harness: it holds our stdin.
process.stdin.on('end', () => process.exit(0)).resume();
