// The one interface every Keep implementation offers (embedded block directory, remote
// keepstore/keepproxy client, test doubles with injected faults). Locators are strings in
// Arvados form: `<md5>+<size>[+hints]`, possibly signed (`+A<sig>@<expiry>`).

export interface BlockPutOptions {
  /** Token used to sign the returned locator (Arvados signs for the writer's token). */
  readonly token?: string;
  readonly replicas?: number;
  readonly storageClasses?: readonly string[];
  /** Known MD5 (hex) of the data, when the caller already computed it (e.g. off-thread). */
  readonly md5?: string;
  /**
   * The caller acknowledges nothing until it has committed metadata naming this block
   * through the same cluster's API. A store that keeps blocks in that metadata's own log may
   * then resolve before the block is synced: the commit's sync covers it. Others ignore it.
   */
  readonly deferDurability?: boolean;
}

export interface BlockGetOptions {
  /** Token the locator's signature was made for. */
  readonly token?: string;
}

export interface BlockPutResult {
  /** Locator to put in manifests: `<md5>+<size>`, plus `+A…` when the store signs. */
  readonly locator: string;
  readonly replicas: number;
  /** Replicas stored per storage class, when the store knows (Keep `X-Keep-Storage-Classes-Confirmed`). */
  readonly storageClasses?: Readonly<Record<string, number>>;
}

export interface BlockStore {
  /** Stores a block (at most 64 MiB) durably before resolving. */
  put(data: Uint8Array, opts?: BlockPutOptions): Promise<BlockPutResult>;
  /** Returns the whole block, verified against its MD5 (DomainError 'Corrupt' if not). */
  get(locator: string, opts?: BlockGetOptions): Promise<Buffer>;
  /** Resolves to the block size if it exists (DomainError 'NotFound' otherwise). */
  head(locator: string, opts?: BlockGetOptions): Promise<number>;
}

export const MAX_BLOCK_SIZE = 64 * 1024 * 1024;
export const EMPTY_BLOCK_LOCATOR = 'd41d8cd98f00b204e9800998ecf8427e+0';
