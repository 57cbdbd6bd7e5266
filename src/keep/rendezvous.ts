// Rendezvous (highest random weight) ordering of Keep services for one block (ARVADOS.md
// c.1): every client computes the same order, so reads probe first where writes went first.
import { createHash } from 'node:crypto';

export interface RendezvousService {
  /** Service uuid (`zzzzz-bi6l4-…`); any stable string works for services without one. */
  readonly uuid: string;
}

/** md5hex(hash + last 15 chars of a 27-char uuid, or the whole id otherwise). */
export function serviceWeight(blockHash: string, uuid: string): string {
  const suffix = uuid.length === 27 ? uuid.slice(12) : uuid;
  return createHash('md5').update(blockHash + suffix).digest('hex');
}

/**
 * Services in probe order for `blockHash`: descending weight, then services named by
 * `preferred` uuids (from `+K@<uuid>` hints) moved to the front, in hint order.
 */
export function probeOrder<S extends RendezvousService>(blockHash: string, services: readonly S[], preferred: readonly string[] = []): S[] {
  const weighted = services.map((s) => ({ s, w: serviceWeight(blockHash, s.uuid) }));
  weighted.sort((a, b) => (a.w < b.w ? 1 : a.w > b.w ? -1 : 0));
  const ordered = weighted.map((x) => x.s);
  const first = preferred.flatMap((uuid) => ordered.filter((s) => s.uuid === uuid));
  return [...new Set([...first, ...ordered])];
}
