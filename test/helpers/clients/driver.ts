// What the compat suite asks of every S3 client. Each driver does these things the way a
// user of that client would (its CLI commands or its library's high-level calls), so the
// suite runs the same scenarios against aws cli, boto3, rclone, s3cmd and the JS SDK.

export interface ClientEnv {
  readonly s3Endpoint: string; // http://127.0.0.1:<port>
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: string;
  /** A private temp directory: the client's HOME and config files live here. */
  readonly workDir: string;
}

export interface ObjectHead {
  size: number;
  /** Without quotes. For rclone, the MD5 it derives from the ETag (it does not expose the ETag). */
  etag: string;
  lastModified: Date;
  /** User metadata: lower-case key without `x-amz-meta-`, value as the client reports it. */
  metadata: Record<string, string>;
}

export interface Listing {
  /** Which listing the client used (e.g. "ListObjectsV2 paginator", "rclone lsf -R --fast-list"). */
  label: string;
  keys: string[];
}

export interface PresignedUrl {
  label: string;
  url: string;
}

export interface ClientDriver {
  readonly name: string;
  /** Part size the client's high-level upload uses for a 200 MiB file (for the expected ETag). */
  readonly multipartPartSize: number;
  /** The client can only ask for `bytes=<start>-` (s3cmd's --continue). */
  readonly openEndedRangesOnly?: boolean;
  /** Rejects unless the client is installed (and is the expected kind); resolves to its version. */
  version(): Promise<string>;
  createBucket(bucket: string): Promise<void>;
  listBuckets(): Promise<string[]>;
  /** Rejects with the client's output when the server refuses. */
  deleteBucket(bucket: string): Promise<void>;
  putFile(bucket: string, key: string, path: string): Promise<void>;
  getFile(bucket: string, key: string, path: string): Promise<void>;
  /** null when the object does not exist. */
  head(bucket: string, key: string): Promise<ObjectHead | null>;
  deleteObject(bucket: string, key: string): Promise<void>;
  /** The client's normal high-level upload, which goes multipart for a 200 MiB file. */
  uploadLarge(bucket: string, key: string, path: string): Promise<void>;
  downloadLarge(bucket: string, key: string, path: string): Promise<void>;
  /** Recursive listings under prefix, by each listing method the client has. */
  listRecursive(bucket: string, prefix: string): Promise<Listing[]>;
  /** Returns how many files the client says it transferred. prefix ends with `/`. */
  syncUp(dir: string, bucket: string, prefix: string): Promise<number>;
  syncDown(bucket: string, prefix: string, dir: string): Promise<number>;
  /** Bytes start..end inclusive (end ignored when openEndedRangesOnly: then start..EOF). */
  getRange(bucket: string, key: string, start: number, end: number): Promise<Buffer>;
  copy(srcBucket: string, srcKey: string, dstBucket: string, dstKey: string): Promise<void>;
  /** Deletes every key under prefix (the keys are given for clients that name them). */
  deleteMany(bucket: string, prefix: string, keys: readonly string[]): Promise<void>;
  presign(bucket: string, key: string): Promise<PresignedUrl[]>;
  close?(): Promise<void>;
}

export type DriverFactory = (env: ClientEnv) => ClientDriver;
