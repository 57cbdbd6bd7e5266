// Arvados-style identifiers: object UUIDs `<cluster>-<infix>-<15 [a-z0-9]>`, token secrets,
// and the two token forms a client may present (v2 `v2/<uuid>/<secret>` or the bare v1 secret).

import { randomInt } from 'node:crypto';

/** The type infixes Arvados uses (second UUID component). */
export const INFIX = {
  user: 'tpzed',
  collection: '4zz18',
  group: 'j7d0g',
  token: 'gj3su',
  link: 'o0j2j',
  keepService: 'bi6l4',
} as const;

export type ObjectType = keyof typeof INFIX;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UUID_RE = /^[a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{15}$/;
const PDH_RE = /^[0-9a-f]{32}\+\d+$/;
const CLUSTER_ID_RE = /^[a-z0-9]{5}$/;

export function randomString(length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return s;
}

export const newClusterId = (): string => randomString(5);
export const newUuid = (clusterId: string, type: ObjectType): string => `${clusterId}-${INFIX[type]}-${randomString(15)}`;
/** Token secrets are 50 alphanumeric characters, as Arvados issues them. */
export const newSecret = (): string => randomString(50);

export const isUuid = (s: string): boolean => UUID_RE.test(s);
export const isPdh = (s: string): boolean => PDH_RE.test(s);
export const isClusterId = (s: string): boolean => CLUSTER_ID_RE.test(s);

/** The object type a UUID names, or undefined for a foreign/unknown infix. */
export function typeOfUuid(uuid: string): ObjectType | undefined {
  if (!isUuid(uuid)) return undefined;
  const infix = uuid.slice(6, 11);
  for (const [type, value] of Object.entries(INFIX)) if (value === infix) return type as ObjectType;
  return undefined;
}

export interface PresentedToken {
  /** Present for the v2 form only. */
  readonly uuid?: string;
  readonly secret: string;
}

const V2_RE = /^v2\/([a-z0-9]{5}-gj3su-[a-z0-9]{15})\/([A-Za-z0-9]+)$/;
const V1_RE = /^[A-Za-z0-9]+$/;

/** Splits a presented token string; undefined when it has neither form. */
export function parseToken(token: string): PresentedToken | undefined {
  const v2 = V2_RE.exec(token);
  if (v2) return { uuid: v2[1]!, secret: v2[2]! };
  return V1_RE.test(token) ? { secret: token } : undefined;
}

export const formatToken = (uuid: string, secret: string): string => `v2/${uuid}/${secret}`;
