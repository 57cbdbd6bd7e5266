// Local file helpers shared by the drivers and the compat suite.

import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { finished } from 'node:stream/promises';

export async function md5File(path: string): Promise<string> {
  const h = createHash('md5');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function md5(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** Relative paths (with `/`) of every regular file under root, sorted. */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out.sort();
}

export interface RandomFile {
  size: number;
  md5: string;
  /** The S3 multipart ETag (md5 of the parts' binary MD5s, `-N`) for uploads in parts of partSize. */
  multipartEtag: string;
}

/** Writes size random bytes to path, hashing as it goes (no second read of a large file). */
export async function writeRandomFile(path: string, size: number, partSize: number): Promise<RandomFile> {
  const CHUNK = 1024 * 1024;
  if (partSize % CHUNK !== 0) throw new Error('partSize must be a multiple of 1 MiB');
  const whole = createHash('md5');
  const partDigests: Buffer[] = [];
  let part = createHash('md5');
  let inPart = 0;
  const out = createWriteStream(path);
  for (let done = 0; done < size; ) {
    const chunk = randomBytes(Math.min(CHUNK, size - done));
    whole.update(chunk);
    part.update(chunk);
    inPart += chunk.length;
    done += chunk.length;
    if (inPart === partSize || done === size) {
      partDigests.push(part.digest());
      part = createHash('md5');
      inPart = 0;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await finished(out);
  const multipartEtag = `${createHash('md5').update(Buffer.concat(partDigests)).digest('hex')}-${partDigests.length}`;
  return { size, md5: whole.digest('hex'), multipartEtag };
}
