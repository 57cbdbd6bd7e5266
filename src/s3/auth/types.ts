// The shapes authentication works on and hands back. The request is a plain record so that
// auth stays pure protocol code: the HTTP layer builds it from what Node received.

/** A request as received, before any routing. */
export interface AuthRequest {
  readonly method: string;
  /** Path exactly as received: still percent-encoded, no query, no normalisation. */
  readonly rawPath: string;
  /** Query string exactly as received, without the leading '?'; '' when there is none. */
  readonly rawQuery: string;
  /** Lower-case names; a repeated header joined with ',' (how AWS signers canonicalise it). */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The request's authority (used when there is no Host header, e.g. HTTP/2). */
  readonly host: string;
  /** The bucket a virtual-host style Host named: SigV2 signs it as a path prefix. */
  readonly virtualHostBucket?: string;
}

/** What the lookup of an access key yields (see credentials.ts for the forms of keys). */
export interface ResolvedSecret {
  /** The secret the request must have been signed with. */
  readonly secret: string;
  /** The Arvados token the request then acts as (v2/<uuid>/<secret>). */
  readonly token: string;
  readonly principal: unknown;
}

/** Injected: access key -> secret, or null when the key is unknown. */
export type ResolveSecret = (accessKey: string) => Promise<ResolvedSecret | null>;

/** Everything aws-chunked decoding needs to verify chunk and trailer signatures. */
export interface ChunkSigningContext {
  readonly signingKey: Buffer;
  /** The request's own signature: the first chunk's "previous signature". */
  readonly seedSignature: string;
  /** <date>/<region>/<service>/aws4_request */
  readonly scope: string;
  /** The request timestamp as it appears in the string to sign (yyyymmddThhmmssZ). */
  readonly amzDate: string;
}

/** How the request body is to be read and checked. */
export type PayloadMode =
  /** UNSIGNED-PAYLOAD, presigned URLs, SigV2: nothing to verify beyond checksums. */
  | { readonly kind: 'unsigned' }
  /** A hex SHA-256 of the body: verified before anything is committed. */
  | { readonly kind: 'sha256'; readonly sha256Hex: string }
  /** aws-chunked framing; `signing` is null for STREAMING-UNSIGNED-PAYLOAD-TRAILER. */
  | { readonly kind: 'aws-chunked'; readonly trailer: boolean; readonly signing: ChunkSigningContext | null };

export type SignatureVersion = 'v4' | 'v2';

export interface AuthResult {
  readonly principal: unknown;
  readonly token: string;
  /** As sent: may be a whole token (a secret), so log accessKeyForDisplay(accessKey) instead. */
  readonly accessKey: string;
  readonly signatureVersion: SignatureVersion;
  /** Authorization header, or presigned query string. */
  readonly location: 'header' | 'query';
  readonly payload: PayloadMode;
  /** The x-amz-content-sha256 value as sent ('' when absent). */
  readonly payloadHashHeader: string;
  /**
   * Header values a presigned URL carries in its query string (lower-case names: x-amz-*,
   * content-md5, content-type), e.g. the x-amz-checksum-crc32 the JS SDK presigner hoists.
   * Empty for header authentication.
   */
  readonly queryHeaders: Readonly<Record<string, string>>;
}
