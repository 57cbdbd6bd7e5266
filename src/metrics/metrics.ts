// What the other layers tell the metrics about. They depend on this interface only: the
// composition root injects the Prometheus implementation, or noopMetrics where metrics are
// off (tests, tools), so no caller ever checks whether metrics exist.

import type { ThrottleStats } from '../common/throttle.js';
import type { CacheName, PayloadModeLabel } from './names.js';

/** Read when /metrics is scraped; may be async (e.g. a database count). */
export type Sample<T> = () => T | Promise<T>;

export interface S3RequestEvent {
  /** The AWS operation name (S3_OPERATIONS), never a bucket or key. */
  readonly operation: string;
  /** HTTP status sent. */
  readonly status: number;
  readonly durationSeconds: number;
  /** Request body bytes read (decoded payload, 0 when none). */
  readonly bytesIn: number;
  /** Response body bytes written. */
  readonly bytesOut: number;
}

export interface BlockIoEvent {
  /** Block size (counted only when ok). */
  readonly bytes: number;
  readonly seconds: number;
  readonly ok: boolean;
}

export interface CacheLookupEvent {
  readonly cache: CacheName;
  readonly hit: boolean;
}

export interface ApiRequestEvent {
  /** Route pattern (`GET collections/:id`, `keep`, `/_health/ping`, `unmatched`), never an id. */
  readonly endpoint: string;
  readonly status: number;
  readonly durationSeconds: number;
}

export interface Metrics {
  /** Once per finished S3 request (success or error), after the response ended or was cut. */
  s3Request(event: S3RequestEvent): void;
  /** Time from the request's start to the first response body byte of a read. */
  s3TimeToFirstByte(operation: string, seconds: number): void;
  /** +1 when an S3 request is routed, -1 when it finishes (whatever the outcome). */
  s3InFlight(operation: string, delta: 1 | -1): void;
  /** An S3 request refused by authentication; reason = the S3 error code answered. */
  authFailure(reason: string): void;
  /** A body whose x-amz-checksum-* or Content-MD5 value did not match (algorithm as in CHECKSUM_ALGORITHMS, or MD5). */
  checksumMismatch(algorithm: string): void;
  /** The payload mode of an authenticated request that has one. */
  payloadMode(mode: PayloadModeLabel): void;
  keepBlockRead(event: BlockIoEvent): void;
  keepBlockWrite(event: BlockIoEvent): void;
  /** How long a block write waited for a slot of the write throttle. */
  throttleWait(seconds: number): void;
  cacheLookup(event: CacheLookupEvent): void;
  apiRequest(event: ApiRequestEvent): void;
  /** Sources of gauges read at scrape time; registering again replaces the source. */
  throttle(source: Sample<ThrottleStats>): void;
  memSegmentBytes(source: Sample<number>): void;
  multipartInProgress(source: Sample<number>): void;
}

const nothing = (): void => {};

/** Records nothing: for tests and tools that build layers without a metrics registry. */
export const noopMetrics: Metrics = Object.freeze({
  s3Request: nothing,
  s3TimeToFirstByte: nothing,
  s3InFlight: nothing,
  authFailure: nothing,
  checksumMismatch: nothing,
  payloadMode: nothing,
  keepBlockRead: nothing,
  keepBlockWrite: nothing,
  throttleWait: nothing,
  cacheLookup: nothing,
  apiRequest: nothing,
  throttle: nothing,
  memSegmentBytes: nothing,
  multipartInProgress: nothing,
});
