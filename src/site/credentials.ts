// Access key -> secret and principal, as keep-web resolves them: an Arvados token UUID
// (secret = the token's secret, looked up with the system root token), or the whole token
// with `/` written as `_` (or `%2F`), in which case the secret is the access key itself.
// Results are cached for a short time so a stream of requests costs one lookup.

import { ArvadosApiError, type ArvadosApi } from '../arvados-api/api.js';
import type { ApiClientAuthorization, User } from '../arvados-api/types.js';
import { DomainError } from '../common/errors.js';
import { TtlCache } from '../common/ttl-cache.js';
import type { Principal } from './principal.js';

export interface ResolvedKey {
  readonly secret: string;
  readonly principal: Principal;
}

const TOKEN_UUID = /^[a-z0-9]{5}-gj3su-[a-z0-9]{15}$/;
const ESCAPED_V2 = /^v2_[a-z0-9]{5}-gj3su-[a-z0-9]{15}_/;

/** The token an access key stands for (keep-web's unescape rule). */
export function tokenFromAccessKey(key: string): string {
  if (ESCAPED_V2.test(key)) return key.replace(/_/g, '/');
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

function isReadOnly(scopes: readonly string[]): boolean {
  if (scopes.length === 0 || scopes.includes('all')) return false;
  return scopes.every((s) => /^(GET|HEAD) /.test(s));
}

export class CredentialResolver {
  private readonly cache: TtlCache<string, ResolvedKey>;

  constructor(
    private readonly deps: { api: ArvadosApi; systemRootToken: string; now: () => number; ttlMs?: number },
  ) {
    this.cache = new TtlCache({ ttlMs: deps.ttlMs ?? 60_000, max: 10_000, now: deps.now });
  }

  /** null when the key is unknown or the token is expired/revoked. */
  async resolve(accessKey: string): Promise<ResolvedKey | null> {
    const hit = this.cache.get(accessKey);
    if (hit) return hit;
    let record: ApiClientAuthorization;
    let secret: string;
    try {
      if (TOKEN_UUID.test(accessKey)) {
        if (!this.deps.systemRootToken) return null;
        record = await this.deps.api.getToken(this.deps.systemRootToken, accessKey);
        secret = record.api_token;
      } else {
        record = await this.deps.api.currentToken(tokenFromAccessKey(accessKey));
        secret = accessKey;
      }
    } catch (err) {
      if (err instanceof ArvadosApiError && err.status >= 400 && err.status < 500) return null;
      throw new DomainError('Unavailable', 'token lookup failed', { cause: err });
    }
    if (record.expires_at && Date.parse(record.expires_at) <= this.deps.now()) return null;
    const token = `v2/${record.uuid}/${record.api_token}`;
    const user = await this.currentUser(token);
    const principal: Principal = {
      token,
      tokenUuid: record.uuid,
      userUuid: user?.uuid ?? record.owner_uuid,
      isAdmin: user?.is_admin ?? false,
      user,
      readOnly: isReadOnly(record.scopes ?? ['all']),
    };
    const resolved = { secret, principal };
    const expiresIn = record.expires_at ? Date.parse(record.expires_at) - this.deps.now() : Infinity;
    this.cache.set(accessKey, resolved, Math.min(this.deps.ttlMs ?? 60_000, expiresIn));
    return resolved;
  }

  private async currentUser(token: string): Promise<User | null> {
    try {
      return await this.deps.api.currentUser(token);
    } catch (err) {
      // Scoped tokens may not read users/current; keep-web treats the user as unknown then.
      if (err instanceof ArvadosApiError && err.status === 403) return null;
      throw err instanceof ArvadosApiError ? err : new DomainError('Unavailable', 'user lookup failed', { cause: err });
    }
  }
}
