// Permission signatures at the API boundary (ARVADOS.md b.2): a submitted manifest must carry
// a valid +A signature for the caller's token on every locator (admins, the empty block and
// clusters configured without requireSignatures are exempt), which also proves the caller
// wrote (or was given) the block; responses sign manifest_text for the caller's token with
// expiry min(now + TTL, trash_at).

import { mapLocators } from '../../manifest/index.js';
import { EMPTY_BLOCK_LOCATOR } from '../../keep/block-store.js';
import { signLocator, verifySignature } from '../../keep/signature.js';
import type { Principal } from './auth.js';
import type { StoreContext } from './context.js';
import { forbidden } from './errors.js';

const EMPTY_HASH = EMPTY_BLOCK_LOCATOR.slice(0, 32);

/** 403 unless every locator in `text` is validly signed for the caller (or exempt). */
export function checkManifestSignatures(ctx: StoreContext, p: Principal, text: string): void {
  if (p.isAdmin || !ctx.requireSignatures) return;
  const opts = { key: ctx.blobSigningKey, token: p.token, now: Math.floor(ctx.now() / 1000), ttlSeconds: ctx.blobSigningTtl };
  mapLocators(text, (locator) => {
    if (locator.startsWith(EMPTY_HASH)) return locator;
    const check = verifySignature(locator, opts);
    if (check !== 'ok') throw forbidden(`Permission denied: ${check} signature on locator ${locator.slice(0, 32)}`);
    return locator;
  });
}

/** manifest_text signed for the caller, or as stored when it must not be signed. */
export function signManifest(ctx: StoreContext, p: Principal, text: string, trashAt: string | null): string {
  if (text === '') return text;
  const now = ctx.now();
  const trashMs = trashAt === null ? Infinity : Date.parse(trashAt);
  if (trashMs <= now) return text; // trashed: Arvados hands out no signatures
  const expiresAt = Math.floor(Math.min(now + ctx.blobSigningTtl * 1000, trashMs) / 1000);
  const opts = { key: ctx.blobSigningKey, token: p.token, expiresAt, ttlSeconds: ctx.blobSigningTtl };
  return mapLocators(text, (locator) => signLocator(locator, opts));
}
