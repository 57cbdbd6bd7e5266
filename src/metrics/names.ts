// Every metric keepgate exports, with its labels, in one table. Conventions (CLIENTS.md §7):
// one prefix, base units (_seconds, _bytes), counters end in _total, and no label whose values
// are unbounded: operations are AWS names, endpoints are route patterns, never a bucket, key,
// user or token. Each label's values come from a closed set (LabelDomains); anything outside
// it is recorded as OTHER_LABEL_VALUE, so a bug cannot explode the series count.

export const METRIC_PREFIX = 'keepgate_';

/** Recorded in place of a label value outside its domain. */
export const OTHER_LABEL_VALUE = 'other';

export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
export const OUTCOMES = ['ok', 'error'] as const;
export const CACHE_RESULTS = ['hit', 'miss'] as const;
/** block: Keep blocks read; bucket: bucket name -> project/collection; collection: parsed manifests per token; credentials: access key -> secret. */
export const CACHE_NAMES = ['block', 'bucket', 'collection', 'credentials'] as const;
/** How a request body is signed, from x-amz-content-sha256 (CLIENTS.md §1.2). */
export const PAYLOAD_MODES = [
  'unsigned', // UNSIGNED-PAYLOAD, no header, presigned URLs, SigV2
  'sha256', // a hex SHA-256 of the body
  'streaming-signed', // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  'streaming-signed-trailer', // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  'streaming-unsigned-trailer', // STREAMING-UNSIGNED-PAYLOAD-TRAILER
] as const;

export type CacheName = (typeof CACHE_NAMES)[number];
export type PayloadModeLabel = (typeof PAYLOAD_MODES)[number];

/**
 * Label domains whose values belong to other layers (metrics/ may not import them): the
 * composition root passes S3_OPERATIONS, the S3 error codes, CHECKSUM_ALGORITHMS and the
 * REST route labels.
 */
export interface OpenLabelDomains {
  readonly operation: readonly string[];
  /** Why authentication failed: the S3 error code answered (SignatureDoesNotMatch, …). */
  readonly reason: readonly string[];
  readonly algorithm: readonly string[];
  /** REST/Keep API endpoints as the API server labels them (`GET collections/:id`, `keep`, …). */
  readonly endpoint: readonly string[];
}

export const CLOSED_LABEL_DOMAINS = {
  status_class: STATUS_CLASSES,
  outcome: OUTCOMES,
  cache: CACHE_NAMES,
  result: CACHE_RESULTS,
  mode: PAYLOAD_MODES,
} as const;

export type LabelName = keyof OpenLabelDomains | keyof typeof CLOSED_LABEL_DOMAINS;
export type LabelDomains = Readonly<Record<LabelName, readonly string[]>>;

export function labelDomains(open: OpenLabelDomains): LabelDomains {
  return { ...CLOSED_LABEL_DOMAINS, ...open };
}

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly LabelName[];
  /** Histogram bucket upper bounds, in the metric's unit. */
  readonly buckets?: readonly number[];
}

// Whole requests: from milliseconds (HEAD, small GET) to minutes (multi-GiB uploads).
const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900];
// One Keep block (up to 64 MiB) or one queue wait: local disk to a remote keepstore.
const BLOCK_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
// Time to first byte: metadata work and at most one block read.
const SHORT_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const METRICS = {
  keepgate_s3_requests_total: {
    type: 'counter', help: 'S3 requests finished, by AWS operation name and HTTP status class.', labels: ['operation', 'status_class'],
  },
  keepgate_s3_request_duration_seconds: {
    type: 'histogram', help: 'S3 request duration from the first header byte to the last response byte.', labels: ['operation'], buckets: REQUEST_SECONDS,
  },
  keepgate_s3_time_to_first_byte_seconds: {
    type: 'histogram', help: 'Time until the first response body byte of S3 reads.', labels: ['operation'], buckets: SHORT_SECONDS,
  },
  keepgate_s3_requests_in_flight: {
    type: 'gauge', help: 'S3 requests being served now.', labels: ['operation'],
  },
  keepgate_s3_received_bytes_total: {
    type: 'counter', help: 'Request body bytes received by S3 operations (after aws-chunked decoding).', labels: ['operation'],
  },
  keepgate_s3_sent_bytes_total: {
    type: 'counter', help: 'Response body bytes sent by S3 operations.', labels: ['operation'],
  },
  keepgate_s3_auth_failures_total: {
    type: 'counter', help: 'S3 requests refused by authentication, by the S3 error code answered.', labels: ['reason'],
  },
  keepgate_s3_checksum_mismatches_total: {
    type: 'counter', help: 'Uploads whose body did not match the checksum the client sent, by algorithm.', labels: ['algorithm'],
  },
  keepgate_s3_payload_modes_total: {
    type: 'counter', help: 'Authenticated S3 requests by how their body is signed (x-amz-content-sha256).', labels: ['mode'],
  },
  keepgate_s3_multipart_uploads_in_progress: {
    type: 'gauge', help: 'Multipart uploads created and neither completed nor aborted.', labels: [],
  },
  keepgate_keep_block_read_duration_seconds: {
    type: 'histogram', help: 'Keep block reads (count and latency), by outcome.', labels: ['outcome'], buckets: BLOCK_SECONDS,
  },
  keepgate_keep_block_read_bytes_total: {
    type: 'counter', help: 'Bytes of Keep blocks read successfully.', labels: [],
  },
  keepgate_keep_block_write_duration_seconds: {
    type: 'histogram', help: 'Keep block writes (count and latency), by outcome.', labels: ['outcome'], buckets: BLOCK_SECONDS,
  },
  keepgate_keep_block_write_bytes_total: {
    type: 'counter', help: 'Bytes of Keep blocks written successfully.', labels: [],
  },
  keepgate_keep_write_throttle_active: {
    type: 'gauge', help: 'Keep block writes holding a slot of the process-wide write throttle.', labels: [],
  },
  keepgate_keep_write_throttle_waiting: {
    type: 'gauge', help: 'Keep block writes queued for a slot of the write throttle.', labels: [],
  },
  keepgate_keep_write_throttle_limit: {
    type: 'gauge', help: 'Slots of the write throttle (storage.write_throttle).', labels: [],
  },
  keepgate_keep_write_throttle_wait_seconds: {
    type: 'histogram', help: 'Time a block write waited for a slot of the write throttle.', labels: [], buckets: BLOCK_SECONDS,
  },
  keepgate_mem_segment_bytes: {
    type: 'gauge', help: 'File bytes held in memory (memSegments) and not yet written to Keep.', labels: [],
  },
  keepgate_cache_lookups_total: {
    type: 'counter', help: 'Cache lookups, by cache and hit or miss.', labels: ['cache', 'result'],
  },
  keepgate_api_requests_total: {
    type: 'counter', help: 'REST and Keep API requests finished, by endpoint pattern and HTTP status class.', labels: ['endpoint', 'status_class'],
  },
  keepgate_api_request_duration_seconds: {
    type: 'histogram', help: 'REST and Keep API request duration, by endpoint pattern.', labels: ['endpoint'], buckets: REQUEST_SECONDS,
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRICS;

export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
