// A small size-capped tmpfs made by the test itself (the suite runs as root). Mounting must
// work: a test that needs a full disk fails loudly instead of skipping when it cannot get one.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmdirSync, statfsSync, openSync, writeSync, closeSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  readonly dir: string;
  /** Bytes still free for an unprivileged writer. */
  free(): number;
  /** Writes a file of `bytes` zeros (stops quietly at ENOSPC); returns bytes written. */
  fill(name: string, bytes: number): number;
  remove(name: string): void;
  unmount(): void;
}

export function mountTmpfs(sizeMiB: number): Tmpfs {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMiB}m`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmdirSync(dir);
    const detail = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    throw new Error(`cannot mount a ${sizeMiB} MiB tmpfs (the disk-full tests need root and mount): ${detail}`, { cause: err });
  }
  let mounted = true;
  return {
    dir,
    free: () => {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    },
    fill(name, bytes) {
      const fd = openSync(join(dir, name), 'w');
      const chunk = Buffer.alloc(1024 * 1024);
      let written = 0;
      try {
        while (written < bytes) written += writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - written));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        closeSync(fd);
      }
      return written;
    },
    remove: (name) => unlinkSync(join(dir, name)),
    unmount() {
      if (!mounted) return;
      execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      mounted = false;
      rmdirSync(dir);
    },
  };
}

