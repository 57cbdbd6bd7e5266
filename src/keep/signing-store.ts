// Adds Arvados permission signatures around any BlockStore, as keepstore does: locators
// returned by put are signed for the writer's token; get/head demand a valid signature for
// the reader's token when signatures are required (ARVADOS.md b.2).
import { DomainError } from '../common/errors.js';
import { EMPTY_BLOCK_LOCATOR, type BlockGetOptions, type BlockPutOptions, type BlockPutResult, type BlockStore } from './block-store.js';
import { locatorHash } from './locator.js';
import { assertSignature, signatureExpiry, signLocator, verifySignature } from './signature.js';

export interface SigningBlockStoreOptions {
  /** Blob signing key; without one nothing is signed. */
  readonly key?: string;
  readonly ttlSeconds: number;
  /** Refuse reads without a valid signature for the caller's token (needs a key). */
  readonly requireSignatures: boolean;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
}

const EMPTY_HASH = EMPTY_BLOCK_LOCATOR.slice(0, 32);
/** Signature checks that passed, kept so that reading a file's blocks again costs no HMAC. */
const MAX_VERIFIED = 4096;

export class SigningBlockStore implements BlockStore {
  private readonly inner: BlockStore;
  private readonly opts: SigningBlockStoreOptions;
  /** `<token>\n<signed locator>` -> the signature's expiry (unix seconds); only ever a check that passed. */
  private readonly verified = new Map<string, number>();

  constructor(inner: BlockStore, opts: SigningBlockStoreOptions) {
    if (opts.requireSignatures && !opts.key) throw new RangeError('requireSignatures needs a signing key');
    if (!Number.isInteger(opts.ttlSeconds) || opts.ttlSeconds <= 0) throw new RangeError(`bad signature TTL ${opts.ttlSeconds}`);
    this.inner = inner;
    this.opts = opts;
  }

  async put(data: Uint8Array, opts: BlockPutOptions = {}): Promise<BlockPutResult> {
    const result = await this.inner.put(data, opts);
    return opts.token === undefined ? result : { ...result, locator: this.sign(result.locator, opts.token) };
  }

  async get(locator: string, opts: BlockGetOptions = {}): Promise<Buffer> {
    if (locatorHash(locator) === EMPTY_HASH) return Buffer.alloc(0);
    this.check(locator, opts.token);
    return this.inner.get(locator, opts);
  }

  async head(locator: string, opts: BlockGetOptions = {}): Promise<number> {
    if (locatorHash(locator) === EMPTY_HASH) return 0;
    this.check(locator, opts.token);
    return this.inner.head(locator, opts);
  }

  /**
   * `locator` signed for `token`, expiring one TTL from now; unchanged without a key. Also
   * what an API server uses to sign the locators of the manifests it returns.
   */
  sign(locator: string, token: string): string {
    if (!this.opts.key) return locator;
    const expiresAt = Math.floor(this.opts.clock() / 1000) + this.opts.ttlSeconds;
    return signLocator(locator, { key: this.opts.key, token, expiresAt, ttlSeconds: this.opts.ttlSeconds });
  }

  /** Throws unless reads are unrestricted or `locator` carries a valid signature for `token`. */
  check(locator: string, token: string | undefined): void {
    if (!this.opts.requireSignatures || !this.opts.key) return;
    if (!token) throw new DomainError('Unauthorized', 'no token provided');
    const now = Math.floor(this.opts.clock() / 1000);
    const key = `${token}\n${locator}`;
    const expiry = this.verified.get(key);
    if (expiry !== undefined && expiry >= now) return;
    assertSignature(verifySignature(locator, { key: this.opts.key, token, now, ttlSeconds: this.opts.ttlSeconds }));
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    this.verified.set(key, signatureExpiry(locator)!); // verified: it has an expiry
  }
}
