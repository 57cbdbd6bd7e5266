// File I/O of the directory block store (dir-store.ts): whole-file reads in one sized read,
// and new files written durably.
import type * as nodeFs from 'node:fs/promises';

type Fs = Pick<typeof nodeFs, 'open'>;

/** A new file holding `data` (mtime `mtimeMs` when given), fsynced before this resolves. */
export async function writeDurably(fs: Fs, path: string, data: Uint8Array, mtimeMs?: number): Promise<void> {
  const fh = await fs.open(path, 'wx', 0o644);
  try {
    for (let off = 0; off < data.length; ) off += (await fh.write(data, off, data.length - off)).bytesWritten;
    if (mtimeMs !== undefined) {
      const when = new Date(mtimeMs);
      await fh.utimes(when, when);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * The file in one buffer of exactly its size, read in as few calls as the kernel allows
 * (readFile reads 512 KiB at a time, each a thread-pool round trip). The buffer is not from
 * Node's shared pool, so the hash pool can move it to a worker without a copy.
 */
export async function readWhole(fs: Fs, path: string): Promise<Buffer> {
  const fh = await fs.open(path, 'r');
  try {
    const { size } = await fh.stat();
    const buf = Buffer.allocUnsafeSlow(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await fh.read(buf, at, size - at, at);
      if (bytesRead === 0) break; // shrank meanwhile: the hash check rejects it
      at += bytesRead;
    }
    return at === size ? buf : buf.subarray(0, at);
  } finally {
    await fh.close();
  }
}
