// Streams a byte range of a file from its Keep segments, one block at a time, fetching the
// next block while the current one is being sent. Whole blocks are read because the block
// store verifies each against its MD5: a corrupted block fails the stream instead of being
// delivered as a success.

import type { BlockStore } from '../keep/block-store.js';
import type { Segment } from '../manifest/types.js';

interface Piece {
  readonly locator: string;
  readonly from: number; // offset inside the block
  readonly to: number; // exclusive
}

function piecesFor(segments: readonly Segment[], start: number, end: number): Piece[] {
  const pieces: Piece[] = [];
  let pos = 0;
  for (const s of segments) {
    const segStart = pos;
    const segEnd = pos + s.length;
    pos = segEnd;
    if (segEnd <= start || s.length === 0) continue;
    if (segStart >= end) break;
    const from = s.offset + Math.max(0, start - segStart);
    const to = s.offset + Math.min(s.length, end - segStart);
    pieces.push({ locator: s.locator, from, to });
  }
  return pieces;
}

/** Yields the bytes [start, end) of the file made of `segments`. */
export async function* readSegments(
  blocks: BlockStore,
  segments: readonly Segment[],
  range: { start: number; end: number },
  token: string,
): AsyncGenerator<Buffer> {
  const pieces = piecesFor(segments, range.start, range.end);
  let pending: Promise<Buffer> | undefined = pieces[0] ? blocks.get(pieces[0].locator, { token }) : undefined;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    const block = await pending!;
    const next = pieces[i + 1];
    // Consecutive pieces of the same block reuse it; otherwise start the next read now.
    pending = next ? (next.locator === piece.locator ? Promise.resolve(block) : blocks.get(next.locator, { token })) : undefined;
    pending?.catch(() => undefined); // surfaced when awaited; avoid an unhandled rejection if we stop early
    yield block.subarray(piece.from, piece.to);
  }
}
