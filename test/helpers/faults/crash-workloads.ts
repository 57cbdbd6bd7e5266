// The write loops a crash round runs while waiting for its SIGKILL, one per operation under
// test. Every write goes through the ObjectModel first; an answer acknowledges or refuses it,
// a cut connection leaves it undecided. Objects are claimed so no two writes touch one key.

import { digestOf, type ObjectModel } from './object-model.js';
import * as op from './s3-ops.js';
import { payload, type Rng } from './seed.js';
import type { RawS3Response, S3Target } from './s3-raw.js';

export const CRASH_KINDS = ['PutObject', 'UploadPart', 'CompleteMultipartUpload', 'CopyObject', 'DeleteObjects', 'Sweep'] as const;
export type CrashKind = (typeof CRASH_KINDS)[number];

export const PART_SIZE = 5 * 1024 * 1024;

/** A multipart upload left in progress: its acknowledged parts must survive restarts. */
export interface OpenUpload {
  readonly bucket: string;
  readonly key: string;
  readonly uploadId: string;
  readonly acked: Map<number, { etag: string; tag: string; size: number }>;
  readonly undecided: Set<number>;
}

export interface RoundState {
  readonly t: S3Target;
  readonly rng: Rng;
  readonly model: ObjectModel;
  readonly buckets: readonly string[];
  readonly uploads: OpenUpload[];
  /** Problems seen (unexpected answers); the run fails if any. */
  readonly problems: string[];
  /** Requests in flight by operation, to report what each kill interrupted. */
  readonly inFlight: Map<string, number>;
  readonly claimed: Set<string>;
  stopped: boolean;
  counter: number;
  acknowledged: number;
}

const SIZES = [0, 1, 777, 64 * 1024, 256 * 1024, 1024 * 1024, 2 * 1024 * 1024 + 5];
const KEYS_PER_BUCKET = 24;

async function track(s: RoundState, name: string, send: () => Promise<RawS3Response>): Promise<RawS3Response | undefined> {
  s.inFlight.set(name, (s.inFlight.get(name) ?? 0) + 1);
  try {
    return await send();
  } catch {
    return undefined; // cut by the kill (or refused after it): undecided
  } finally {
    s.inFlight.set(name, s.inFlight.get(name)! - 1);
  }
}

function claim(s: RoundState, pick: () => string): string | undefined {
  for (let i = 0; i < 20; i++) {
    const id = pick();
    if (!s.claimed.has(id)) {
      s.claimed.add(id);
      return id;
    }
  }
  return undefined;
}

const randomId = (s: RoundState): string => {
  const n = s.rng.int(0, KEYS_PER_BUCKET - 1);
  return `${s.rng.pick(s.buckets)}/${n % 3 === 0 ? `dir ${n % 2}/` : ''}obj-${n}`;
};
const split = (id: string): [string, string] => [id.slice(0, id.indexOf('/')), id.slice(id.indexOf('/') + 1)];

/** Runs one write through the model: 2xx acknowledges, any other answer refuses (and is a problem unless `expected`). */
async function write(s: RoundState, id: string, next: Buffer | null, name: string, send: () => Promise<RawS3Response>): Promise<boolean> {
  const w = s.model.begin(id, next === null ? null : digestOf(next));
  const res = await track(s, name, send);
  if (res === undefined) w.unknown();
  else if (res.status >= 200 && res.status < 300 && !/<Error>/.test(res.text)) {
    w.ack();
    s.acknowledged++;
    return true;
  } else {
    w.refuse();
    if (!s.stopped) s.problems.push(`${name} ${id} -> ${res.status} ${res.text.slice(0, 300)}`);
  }
  return false;
}

async function putLoop(s: RoundState): Promise<void> {
  while (!s.stopped) {
    const id = claim(s, () => randomId(s));
    if (!id) continue;
    const body = payload(`put-${s.rng.seed}-${s.counter++}`, s.rng.pick(SIZES));
    const [bucket, key] = split(id);
    await write(s, id, body, 'PutObject', () => op.putObject(s.t, bucket, key, body));
    s.claimed.delete(id);
  }
}

async function uploadPartLoop(s: RoundState): Promise<void> {
  while (!s.stopped) {
    const [bucket, key] = split(`${s.rng.pick(s.buckets)}/multipart/upload-${s.counter++}`);
    const created = await track(s, 'CreateMultipartUpload', async () => (await op.createUpload(s.t, bucket, key)).res);
    const uploadId = created && created.status === 200 ? /<UploadId>([^<]+)</.exec(created.text)?.[1] : undefined;
    if (!uploadId) continue;
    const upload: OpenUpload = { bucket, key, uploadId, acked: new Map(), undecided: new Set() };
    s.uploads.push(upload);
    for (let part = 1; part <= 2 && !s.stopped; part++) {
      const tag = `part-${s.rng.seed}-${s.counter++}`;
      const size = PART_SIZE + s.rng.int(0, 4096);
      upload.undecided.add(part);
      const res = await track(s, 'UploadPart', () => op.uploadPart(s.t, bucket, key, uploadId, part, payload(tag, size)));
      if (res === undefined) break;
      upload.undecided.delete(part);
      if (res.status !== 200) {
        s.problems.push(`UploadPart ${key} #${part} -> ${res.status} ${res.text.slice(0, 300)}`);
        break;
      }
      upload.acked.set(part, { etag: String(res.headers.etag).replace(/"/g, ''), tag, size });
      s.acknowledged++;
    }
  }
}

async function completeLoop(s: RoundState): Promise<void> {
  while (!s.stopped) {
    const id = claim(s, () => randomId(s));
    if (!id) continue;
    const [bucket, key] = split(id);
    try {
      const { uploadId } = await op.createUpload(s.t, bucket, key).catch(() => ({ uploadId: undefined }));
      if (!uploadId) continue;
      const bodies = s.rng.chance(0.15)
        ? [payload(`mp-${s.rng.seed}-${s.counter++}`, PART_SIZE), payload(`mp-${s.rng.seed}-${s.counter++}`, s.rng.int(1, 200_000))]
        : [payload(`mp-${s.rng.seed}-${s.counter++}`, s.rng.int(0, 300_000))];
      const parts: Array<{ part: number; etag: string }> = [];
      for (const [i, body] of bodies.entries()) {
        const res = await track(s, 'UploadPart', () => op.uploadPart(s.t, bucket, key, uploadId, i + 1, body));
        if (res?.status !== 200) break;
        parts.push({ part: i + 1, etag: String(res.headers.etag).replace(/"/g, '') });
      }
      if (parts.length !== bodies.length || s.stopped) continue;
      await write(s, id, Buffer.concat(bodies), 'CompleteMultipartUpload', () => op.completeUpload(s.t, bucket, key, uploadId, parts));
    } finally {
      s.claimed.delete(id);
    }
  }
}

async function copyLoop(s: RoundState): Promise<void> {
  while (!s.stopped) {
    // Small sources only: copies are cheap for the server but every one is read back after the crash.
    const sources = s.model.settledPresent().filter((id) => !s.claimed.has(id) && Number([...s.model.possible(id)][0]!.split(':')[0]) <= 2 * 1024 * 1024);
    if (sources.length === 0) {
      await putLoopOnce(s);
      continue;
    }
    const src = s.rng.pick(sources);
    s.claimed.add(src);
    const dest = claim(s, () => randomId(s));
    if (dest) {
      const [sb, sk] = split(src);
      const [db, dk] = split(dest);
      const srcDigest = [...s.model.possible(src)][0]!;
      const w = s.model.begin(dest, srcDigest);
      const res = await track(s, 'CopyObject', () => op.copyObject(s.t, db, dk, { bucket: sb, key: sk }));
      if (res === undefined) w.unknown();
      else if (res.status === 200 && /<CopyObjectResult[\s>]/.test(res.text)) {
        w.ack();
        s.acknowledged++;
      } else {
        w.refuse();
        if (!s.stopped) s.problems.push(`CopyObject ${src} -> ${dest}: ${res.status} ${res.text.slice(0, 300)}`);
      }
      s.claimed.delete(dest);
    }
    s.claimed.delete(src);
  }
}

async function putLoopOnce(s: RoundState): Promise<void> {
  const id = claim(s, () => randomId(s));
  if (!id) return;
  const body = payload(`seed-${s.rng.seed}-${s.counter++}`, s.rng.int(1, 100_000));
  const [bucket, key] = split(id);
  await write(s, id, body, 'PutObject', () => op.putObject(s.t, bucket, key, body));
  s.claimed.delete(id);
}

async function deleteObjectsLoop(s: RoundState): Promise<void> {
  while (!s.stopped) {
    const bucket = s.rng.pick(s.buckets);
    const ids: string[] = [];
    for (let i = s.rng.int(1, 8); i > 0; i--) {
      const id = claim(s, () => `${bucket}/${split(randomId(s))[1]}`);
      if (id) ids.push(id);
    }
    try {
      for (const id of ids) {
        if (s.stopped || !s.rng.chance(0.5)) continue;
        const body = payload(`del-${s.rng.seed}-${s.counter++}`, s.rng.int(1, 50_000));
        await write(s, id, body, 'PutObject', () => op.putObject(s.t, bucket, split(id)[1], body));
      }
      if (ids.length === 0 || s.stopped) continue;
      const pending = ids.map((id) => ({ id, w: s.model.begin(id, null) }));
      const res = await track(s, 'DeleteObjects', async () => (await op.deleteObjects(s.t, bucket, ids.map((id) => split(id)[1]))).res);
      if (res === undefined) pending.forEach((p) => p.w.unknown());
      else if (res.status !== 200) {
        pending.forEach((p) => p.w.refuse());
        s.problems.push(`DeleteObjects ${bucket} -> ${res.status} ${res.text.slice(0, 300)}`);
      } else {
        const deleted = new Set([...res.text.matchAll(/<Deleted><Key>([^<]*)<\/Key>/g)].map((m) => op.unescapeXml(m[1]!)));
        for (const p of pending) {
          if (deleted.has(split(p.id)[1])) p.w.ack();
          else {
            p.w.refuse();
            s.problems.push(`DeleteObjects ${bucket}: ${p.id} not reported deleted: ${res.text.slice(0, 300)}`);
          }
        }
        s.acknowledged += deleted.size;
      }
    } finally {
      ids.forEach((id) => s.claimed.delete(id));
    }
  }
}

export const WORKLOADS: Record<Exclude<CrashKind, 'Sweep'>, (s: RoundState) => Promise<void>> = {
  PutObject: putLoop,
  UploadPart: uploadPartLoop,
  CompleteMultipartUpload: completeLoop,
  CopyObject: copyLoop,
  DeleteObjects: deleteObjectsLoop,
};
