// Decoder of aws-chunked bodies (CLIENTS.md §1.2 B–D), as an incremental push parser: feed it
// the encoded bytes in whatever pieces they arrive, get back the payload as views of those
// pieces (never copied). Framing, after HTTP's own chunked encoding is undone:
//   <hex size>[;chunk-signature=<64 hex>]CRLF <size bytes> CRLF   … repeated,
//   0[;chunk-signature=<sig>]CRLF, then trailer lines `name:value` CRLF (trailer modes,
//   with `x-amz-trailer-signature:<sig>` last in the signed one), then an empty line.
// Signed modes check every chunk signature, chained from the request's seed signature, as the
// chunk ends: a bad chunk throws before its last bytes are handed out, and the caller never
// commits a body whose stream threw. Lines are bounded, so garbage cannot make it buffer
// without limit; a body that stops early throws IncompleteBody from finish().
import { createHash, type Hash } from 'node:crypto';
import { S3Error } from '../errors.js';
import { chunkSignature, signaturesEqual, trailerSignature } from '../auth/signing.js';
import type { ChunkSigningContext } from '../auth/types.js';

export interface AwsChunkedOptions {
  /** Verify chunk (and trailer) signatures from this context; null for unsigned bodies. */
  readonly signing: ChunkSigningContext | null;
  /** Trailer lines follow the final chunk. */
  readonly trailer: boolean;
}

const MAX_LINE = 4096;
const MAX_TRAILER_LINES = 16;
const MAX_CHUNK_SIZE = 2 ** 40; // far above any client's chunk, well within exact doubles
const TRAILER_SIGNATURE = 'x-amz-trailer-signature';
const SIGNATURE = /^[0-9a-f]{64}$/;
const CR = 0x0d;
const LF = 0x0a;

type State = 'size-line' | 'data' | 'data-cr' | 'data-lf' | 'trailer' | 'done';

const invalid = (why: string): S3Error => new S3Error('InvalidRequest', `Malformed aws-chunked body: ${why}.`);
const badSignature = (why: string): S3Error =>
  new S3Error('SignatureDoesNotMatch', `The ${why} we calculated does not match the one you provided.`);

export class AwsChunkedDecoder {
  private state: State = 'size-line';
  private pending: Buffer[] = []; // the start of a line cut by a piece boundary
  private pendingLength = 0;
  private remaining = 0; // payload bytes left in the current chunk
  private chunkHash: Hash | null = null;
  private expectedChunkSignature = '';
  private previousSignature: string;
  private readonly trailerLines = new Map<string, string>();
  private trailerSignatureValue: string | undefined;
  private decoded = 0;

  constructor(private readonly opts: AwsChunkedOptions) {
    this.previousSignature = opts.signing?.seedSignature ?? '';
  }

  /** Payload bytes decoded so far. */
  get decodedLength(): number {
    return this.decoded;
  }

  /** Decodes the next piece of the body; returns payload slices (views of `input`), in order. */
  push(input: Buffer): Buffer[] {
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < input.length) {
      switch (this.state) {
        case 'size-line':
        case 'trailer': {
          const eol = input.indexOf(LF, pos);
          if (eol < 0) {
            this.keepPartialLine(input.subarray(pos));
            return out;
          }
          const line = this.takeLine(input.subarray(pos, eol));
          pos = eol + 1;
          if (this.state === 'size-line') this.onSizeLine(line);
          else this.onTrailerLine(line);
          break;
        }
        case 'data': {
          const n = Math.min(this.remaining, input.length - pos);
          const slice = input.subarray(pos, pos + n);
          this.chunkHash?.update(slice);
          this.remaining -= n;
          this.decoded += n;
          pos += n;
          if (this.remaining === 0) this.endChunkData();
          out.push(slice);
          break;
        }
        case 'data-cr':
        case 'data-lf': {
          const want = this.state === 'data-cr' ? CR : LF;
          if (input[pos] !== want) throw invalid('chunk data is not followed by CRLF');
          pos++;
          this.state = this.state === 'data-cr' ? 'data-lf' : 'size-line';
          break;
        }
        case 'done':
          throw invalid('bytes follow the end of the body');
      }
    }
    return out;
  }

  /**
   * Ends the body: throws IncompleteBody unless it was complete, closing empty line included
   * (a cut between trailer lines could otherwise pass for a body without them).
   * Returns the trailers (lower-case names).
   */
  finish(): ReadonlyMap<string, string> {
    if (this.state !== 'done') throw new S3Error('IncompleteBody', 'The aws-chunked body ended before its final chunk.');
    return this.trailerLines;
  }

  private keepPartialLine(piece: Buffer): void {
    this.pendingLength += piece.length;
    if (this.pendingLength > MAX_LINE) throw invalid(`a line is longer than ${MAX_LINE} bytes`);
    this.pending.push(piece);
  }

  /** The whole line (without LF, and without CR when there is one). */
  private takeLine(tail: Buffer): string {
    let bytes = tail;
    if (this.pendingLength > 0) {
      if (this.pendingLength + tail.length > MAX_LINE) throw invalid(`a line is longer than ${MAX_LINE} bytes`);
      bytes = Buffer.concat([...this.pending, tail]);
      this.pending = [];
      this.pendingLength = 0;
    } else if (tail.length > MAX_LINE) {
      throw invalid(`a line is longer than ${MAX_LINE} bytes`);
    }
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    return bytes.toString('latin1', 0, end);
  }

  private onSizeLine(line: string): void {
    const [sizeField = '', ...extensions] = line.split(';');
    const size = sizeField.trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(size)) throw invalid(`"${line.slice(0, 80)}" is not a chunk size`);
    const n = Number.parseInt(size, 16);
    if (n > MAX_CHUNK_SIZE) throw invalid('a chunk is larger than 1 TiB');
    if (this.opts.signing) {
      const sig = extensions.map((e) => e.trim()).find((e) => e.startsWith('chunk-signature='));
      const value = sig?.slice('chunk-signature='.length) ?? '';
      if (!SIGNATURE.test(value)) throw badSignature('chunk signature (missing or malformed)');
      this.expectedChunkSignature = value;
      this.chunkHash = createHash('sha256');
    }
    this.remaining = n;
    if (n > 0) {
      this.state = 'data';
    } else {
      this.endChunkData(); // the final, empty chunk is signed too
      this.state = 'trailer';
    }
  }

  private endChunkData(): void {
    const signing = this.opts.signing;
    if (signing) {
      const actual = chunkSignature(signing, this.previousSignature, this.chunkHash!.digest('hex'));
      if (!signaturesEqual(actual, this.expectedChunkSignature)) throw badSignature('chunk signature');
      this.previousSignature = actual;
      this.chunkHash = null;
    }
    this.state = 'data-cr';
  }

  private onTrailerLine(line: string): void {
    if (line === '') {
      this.checkTrailerSignature();
      this.state = 'done';
      return;
    }
    if (!this.opts.trailer) throw invalid('trailer lines sent without a trailer payload mode');
    if (this.trailerSignatureValue !== undefined) throw invalid('the trailer signature is not the last trailer line');
    const colon = line.indexOf(':');
    if (colon <= 0) throw invalid(`"${line.slice(0, 80)}" is not a trailer line`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === TRAILER_SIGNATURE) {
      this.trailerSignatureValue = value;
      return;
    }
    if (this.trailerLines.has(name)) throw invalid(`trailer ${name} appears twice`);
    if (this.trailerLines.size >= MAX_TRAILER_LINES) throw invalid('too many trailer lines');
    this.trailerLines.set(name, value);
  }

  private checkTrailerSignature(): void {
    const signing = this.opts.signing;
    if (!signing || !this.opts.trailer) return;
    const given = this.trailerSignatureValue ?? '';
    if (!SIGNATURE.test(given)) throw badSignature('trailer signature (missing or malformed)');
    if (!signaturesEqual(trailerSignature(signing, this.previousSignature, this.trailerLines), given)) {
      throw badSignature('trailer signature');
    }
  }
}
