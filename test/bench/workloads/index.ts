// Every workload, in the order a run measures them.
import { getLarge, multipartLarge, putLarge, putLargeSigned } from './large.js';
import { list } from './list.js';
import { memory } from './memory.js';
import { microManifest, microSigV4, storageWrite } from './micro.js';
import { oneCollection } from './one-collection.js';
import { head, smallGet, smallPut } from './small.js';
import type { Workload } from './types.js';

/** Every workload run over S3 on keepgate also runs on keepgate in remote mode, in the next row. */
function withRemoteRow(w: Workload): Workload {
  if (w.kind !== 'remote' || !w.servers.includes('keepgate')) return w;
  return { ...w, servers: w.servers.flatMap((s) => (s === 'keepgate' ? ['keepgate', 'keepgate-remote'] as const : [s])) };
}

export const WORKLOADS: readonly Workload[] = [
  putLarge,
  putLargeSigned,
  getLarge,
  multipartLarge,
  smallPut,
  smallGet,
  head,
  oneCollection,
  list,
  memory,
  microManifest,
  microSigV4,
  storageWrite,
].map(withRemoteRow);
