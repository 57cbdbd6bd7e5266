// Reading a planned list of pieces. Stored pieces are read as whole blocks (the BlockStore
// verifies them) and sliced; a stream holds the block it is sending plus the next one, which is
// fetched ahead, so memory stays at about two blocks per stream.
import { Readable } from 'node:stream';
import { DomainError } from '../common/errors.js';
import type { ReadPiece } from './file-node.js';

export type FetchBlock = (locator: string) => Promise<Buffer>;

/** Largest chunk a stream pushes at once (a view into the block, not a copy). */
const STREAM_CHUNK = 1024 * 1024;

function memBytes(piece: Extract<ReadPiece, { kind: 'mem' }>): Buffer {
  const end = piece.offset + piece.length;
  if (end > piece.seg.length) throw new DomainError('Conflict', 'file was truncated while being read');
  return piece.seg.bytes().subarray(piece.offset, end);
}

function sliceBlock(block: Buffer, piece: Extract<ReadPiece, { kind: 'block' }>): Buffer {
  if (piece.offset + piece.length > block.length) {
    throw new DomainError('Corrupt', `block ${piece.locator} is shorter than the manifest says`);
  }
  return block.subarray(piece.offset, piece.offset + piece.length);
}

/** Views of the pieces when all of them are in memory (valid until the file next changes). */
export function memViews(pieces: readonly ReadPiece[]): Buffer[] | undefined {
  const views: Buffer[] = [];
  for (const p of pieces) {
    if (p.kind !== 'mem') return undefined;
    views.push(memBytes(p));
  }
  return views;
}

/**
 * Reads all pieces into one buffer. In-memory bytes are copied before the first await, so the
 * result is the file as it was when the pieces were planned.
 */
export async function readPieces(pieces: readonly ReadPiece[], fetch: FetchBlock): Promise<Buffer> {
  const parts = pieces.map((p) => (p.kind === 'mem' ? Buffer.from(memBytes(p)) : p));
  let cached: { locator: string; block: Buffer } | undefined;
  const out: Buffer[] = [];
  for (const part of parts) {
    if (Buffer.isBuffer(part)) {
      out.push(part);
      continue;
    }
    if (cached?.locator !== part.locator) cached = { locator: part.locator, block: await fetch(part.locator) };
    out.push(sliceBlock(cached.block, part));
  }
  return Buffer.concat(out);
}

/** A byte stream of the pieces, fetching one block ahead of the one being sent. */
export function streamPieces(pieces: readonly ReadPiece[], fetch: FetchBlock): Readable {
  // In-memory pieces are read when the stream gets to them: keep their buffers from being
  // recycled (if they are flushed meanwhile) until the stream is closed.
  const pinned = pieces.flatMap((p) => (p.kind === 'mem' ? [p.seg] : []));
  for (const seg of pinned) seg.pin();
  const stream = Readable.from(generate(pieces, fetch), { objectMode: false });
  stream.once('close', () => {
    for (const seg of pinned) seg.unpin();
  });
  return stream;
}

interface Pending {
  readonly locator: string;
  readonly block: Promise<Buffer>;
}

function startFetch(locator: string, fetch: FetchBlock): Pending {
  const block = fetch(locator);
  block.catch(() => undefined); // a read-ahead the consumer never reaches must not crash the process
  return { locator, block };
}

function nextLocator(pieces: readonly ReadPiece[], from: number, current: string): string | undefined {
  for (let i = from; i < pieces.length; i++) {
    const p = pieces[i]!;
    if (p.kind === 'block' && p.locator !== current) return p.locator;
  }
  return undefined;
}

async function* generate(pieces: readonly ReadPiece[], fetch: FetchBlock): AsyncGenerator<Buffer> {
  let current: Pending | undefined;
  let ahead: Pending | undefined;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (piece.kind === 'mem') {
      yield Buffer.from(memBytes(piece));
      continue;
    }
    if (current?.locator !== piece.locator) {
      current = ahead?.locator === piece.locator ? ahead : startFetch(piece.locator, fetch);
      ahead = undefined;
    }
    const next = nextLocator(pieces, i + 1, piece.locator);
    if (next !== undefined && ahead?.locator !== next) ahead = startFetch(next, fetch);
    const data = sliceBlock(await current.block, piece);
    for (let off = 0; off < data.length; off += STREAM_CHUNK) yield data.subarray(off, off + STREAM_CHUNK);
  }
}
