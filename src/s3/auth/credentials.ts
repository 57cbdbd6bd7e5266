// S3 access keys are Arvados tokens (ARVADOS.md f.2, d.2), in one of these forms:
//  - a token UUID (`zzzzz-gj3su-…`): the secret key is the token's secret part;
//  - the whole token with `_` for `/` (`v2_zzzzz-gj3su-…_<secret>`), or percent-escaped
//    (`v2%2Fzzzzz-gj3su-…%2F<secret>`), or a bare v1 secret: the secret key is the access key
//    itself, exactly as sent (still escaped).
// The same rule holds for SigV4 and SigV2. Looking a token up is the caller's business: it is
// injected as a function, so this layer never talks to the API server.
import type { ResolvedSecret, ResolveSecret } from './types.js';

export type AccessKey =
  | { readonly kind: 'token-uuid'; readonly uuid: string }
  | { readonly kind: 'token'; readonly token: string };

const TOKEN_UUID = /^[a-z0-9]{5}-gj3su-[a-z0-9]{15}$/;
const UNDERSCORED_V2 = /^v2_[a-z0-9]{5}-gj3su-[a-z0-9]{15}_/;

export function parseAccessKey(accessKey: string): AccessKey {
  if (TOKEN_UUID.test(accessKey)) return { kind: 'token-uuid', uuid: accessKey };
  if (UNDERSCORED_V2.test(accessKey)) return { kind: 'token', token: accessKey.replaceAll('_', '/') };
  return { kind: 'token', token: unescapeKey(accessKey) };
}

function unescapeKey(key: string): string {
  if (!key.includes('%')) return key;
  try {
    return decodeURIComponent(key);
  } catch {
    return key; // not valid percent-encoding: the key is taken as it is
  }
}

/**
 * The access key as it may be shown in an error or a log: a token-form key is the whole
 * token, a credential in its own right, so only its UUID part (if any) is kept.
 */
export function accessKeyForDisplay(accessKey: string): string {
  const key = parseAccessKey(accessKey);
  if (key.kind === 'token-uuid') return accessKey;
  const uuid = /^v2\/([a-z0-9]{5}-gj3su-[a-z0-9]{15})\//.exec(key.token)?.[1];
  return uuid ? `v2/${uuid}/…` : '…';
}

/** The secret a request signed with `accessKey` must use, given the token's secret part. */
export function signingSecret(accessKey: string, tokenSecret: string): string {
  return parseAccessKey(accessKey).kind === 'token-uuid' ? tokenSecret : accessKey;
}

/** A token record as the lookup finds it. */
export interface TokenRecord {
  readonly uuid: string;
  /** The token's secret part (api_token). */
  readonly secret: string;
  readonly principal: unknown;
}

/**
 * Builds a ResolveSecret from a lookup of the token an access key names (by UUID, or by the
 * token itself); the lookup answers null for an unknown or expired token.
 */
export function secretResolver(lookup: (key: AccessKey) => Promise<TokenRecord | null>): ResolveSecret {
  return async (accessKey: string): Promise<ResolvedSecret | null> => {
    const record = await lookup(parseAccessKey(accessKey));
    if (!record) return null;
    return {
      secret: signingSecret(accessKey, record.secret),
      token: `v2/${record.uuid}/${record.secret}`,
      principal: record.principal,
    };
  };
}
