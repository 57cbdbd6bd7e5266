// Keep block locators: `<md5>[+<size>][+<hint>…]` (ARVADOS.md b.1). Three grammars exist
// upstream and disagree at the edges, so the parser takes the one the caller is emulating:
//  - 'strict' (default): the documented grammar, as keepgate writes and validates manifests:
//    lowercase hash, size first and required, hints `[A-Z][A-Za-z0-9@_-]*`, and a `+A` hint
//    must be a well-formed signature (as the Python SDK insists).
//  - 'keepstore': what keepstore accepts on a request path: lowercase hash, size optional but
//    first if present, any non-empty hint content.
//  - 'ruby': the API server's manifest validator: hash may be upper case, size optional.
import { DomainError } from '../common/errors.js';

export type LocatorGrammar = 'strict' | 'keepstore' | 'ruby';

export interface Locator {
  /** The 32 hex digits exactly as written (lowercase except under the 'ruby' grammar). */
  readonly hash: string;
  /** Size hint in bytes, when the locator has one. */
  readonly size: number | undefined;
  /** Hints after the size, without their leading `+`, in order. */
  readonly hints: readonly string[];
}

export interface ParseLocatorOptions {
  readonly grammar?: LocatorGrammar;
}

const LOWER_HASH = /^[0-9a-f]{32}$/;
const ANY_CASE_HASH = /^[0-9a-fA-F]{32}$/;
const SIZE = /^[0-9]+$/;
const HINT = /^[A-Z][A-Za-z0-9@_-]*$/;
const SIGNATURE_HINT = /^A[0-9a-f]{40}@[0-9a-f]{8}$/;

interface Grammar {
  readonly hash: RegExp;
  readonly sizeRequired: boolean;
  readonly hintOk: (hint: string) => boolean;
}

const GRAMMARS: Record<LocatorGrammar, Grammar> = {
  strict: {
    hash: LOWER_HASH,
    sizeRequired: true,
    hintOk: (h) => HINT.test(h) && (!h.startsWith('A') || SIGNATURE_HINT.test(h)),
  },
  keepstore: { hash: LOWER_HASH, sizeRequired: false, hintOk: (h) => h.length > 0 && !SIZE.test(h) },
  ruby: { hash: ANY_CASE_HASH, sizeRequired: false, hintOk: (h) => HINT.test(h) },
};

/** Parses a locator, or returns undefined when it does not fit the grammar. */
export function tryParseLocator(text: unknown, opts: ParseLocatorOptions = {}): Locator | undefined {
  if (typeof text !== 'string') return undefined;
  const g = GRAMMARS[opts.grammar ?? 'strict'];
  const [hash = '', ...rest] = text.split('+');
  if (!g.hash.test(hash)) return undefined;
  let size: number | undefined;
  if (rest.length > 0 && SIZE.test(rest[0]!)) {
    size = Number(rest.shift());
    if (!Number.isSafeInteger(size)) return undefined;
  } else if (g.sizeRequired) {
    return undefined;
  }
  // A second size hint, or one after another hint, fails hintOk in every grammar.
  if (!rest.every(g.hintOk)) return undefined;
  return { hash, size, hints: rest };
}

/** Parses a locator; DomainError 'InvalidArgument' when it does not fit the grammar. */
export function parseLocator(text: string, opts: ParseLocatorOptions = {}): Locator {
  const loc = tryParseLocator(text, opts);
  if (!loc) throw new DomainError('InvalidArgument', `invalid locator ${JSON.stringify(text)}`);
  return loc;
}

export function formatLocator(loc: Locator): string {
  const size = loc.size === undefined ? [] : [String(loc.size)];
  return [loc.hash, ...size, ...loc.hints].join('+');
}

/**
 * The block hash of a locator (first 32 chars, lowercase hex); DomainError 'InvalidArgument'
 * otherwise. Cheap: hints are not validated.
 */
export function locatorHash(text: string): string {
  const hash = text.slice(0, 32);
  if (!LOWER_HASH.test(hash) || (text.length > 32 && text[32] !== '+')) {
    throw new DomainError('InvalidArgument', `invalid locator ${JSON.stringify(text)}`);
  }
  return hash;
}

/** The size hint of a locator, or undefined when it has none (hints are not validated). */
export function locatorSize(text: string): number | undefined {
  const first = text.split('+', 2)[1];
  return first !== undefined && SIZE.test(first) ? Number(first) : undefined;
}

/** `<hash>+<size>`: the locator without any hints (what a block's identity is). */
export function bareLocator(hash: string, size: number): string {
  return `${hash}+${size}`;
}

/** Hints of a parsed locator that start with the given letter, without the letter. */
export function hintValues(loc: Locator, letter: string): string[] {
  return loc.hints.filter((h) => h.startsWith(letter)).map((h) => h.slice(1));
}

/** Returns the locator text without any hint starting with `letter` (e.g. drop old `+A`). */
export function withoutHints(text: string, letter: string): string {
  return text
    .split('+')
    .filter((part, i) => i === 0 || !part.startsWith(letter))
    .join('+');
}

export interface RemoteSignature {
  /** 5-character cluster id of the cluster that signed. */
  readonly cluster: string;
  readonly signature: string;
  /** Unix seconds. */
  readonly expiresAt: number;
}

const REMOTE_HINT = /^R([a-z0-9]{5})-([0-9a-f]{40})@([0-9a-f]{8})$/;

/** The `+R<cluster>-<sig>@<expiry>` hint: the block lives on a federated remote cluster. */
export function remoteSignature(loc: Locator): RemoteSignature | undefined {
  for (const h of loc.hints) {
    const m = REMOTE_HINT.exec(h);
    if (m) return { cluster: m[1]!, signature: m[2]!, expiresAt: parseInt(m[3]!, 16) };
  }
  return undefined;
}

export type ServiceHint = { readonly kind: 'cluster'; readonly cluster: string } | { readonly kind: 'service'; readonly uuid: string };

const SERVICE_HINT = /^K@(?:([a-z0-9]{5})|([a-z0-9]{5}-[a-z0-9]{5}-[a-z0-9]{15}))$/;

/** `+K@<cluster>` / `+K@<service uuid>` hints: where a client should look first. */
export function serviceHints(loc: Locator): ServiceHint[] {
  const out: ServiceHint[] = [];
  for (const h of loc.hints) {
    const m = SERVICE_HINT.exec(h);
    if (m?.[1] !== undefined) out.push({ kind: 'cluster', cluster: m[1] });
    else if (m?.[2] !== undefined) out.push({ kind: 'service', uuid: m[2] });
  }
  return out;
}
