// Streams a byte range of a file from its Keep segments, one block at a time, fetching the
// next blocks while the current one is being sent. Whole blocks are read because the block
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

/** Consecutive pieces of one block, which one read serves. */
function groupRuns(pieces: readonly Piece[]): Piece[][] {
  const runs: Piece[][] = [];
  for (const p of pieces) {
    const last = runs.at(-1);
    if (last?.[0]!.locator === p.locator) last.push(p);
    else runs.push([p]);
  }
  return runs;
}

/** Blocks read and verified ahead of the one being sent: each hash runs on its own worker. */
const READ_AHEAD = 2;

/** Yields the bytes [start, end) of the file made of `segments`. */
export async function* readSegments(
  blocks: BlockStore,
  segments: readonly Segment[],
  range: { start: number; end: number },
  token: string,
): AsyncGenerator<Buffer> {
  const runs = groupRuns(piecesFor(segments, range.start, range.end));
  const reads: Array<Promise<Buffer>> = [];
  let started = 0;
  for (let i = 0; i < runs.length; i++) {
    while (started < runs.length && started <= i + READ_AHEAD) {
      const read = blocks.get(runs[started++]![0]!.locator, { token });
      read.catch(() => undefined); // surfaced when awaited; avoid an unhandled rejection if we stop early
      reads.push(read);
    }
    const block = await reads.shift()!;
    for (const piece of runs[i]!) yield block.subarray(piece.from, piece.to);
  }
}
