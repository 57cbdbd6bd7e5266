// Every workload, in the order a run measures them.
import { getLarge, multipartLarge, putLarge, putLargeSigned } from './large.js';
import { list } from './list.js';
import { memory } from './memory.js';
import { microManifest, microSigV4, storageWrite } from './micro.js';
import { oneCollection } from './one-collection.js';
import { head, smallGet, smallPut } from './small.js';
import type { Workload } from './types.js';

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
];
