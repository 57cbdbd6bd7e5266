// The one configuration schema: every key with its type, default and a one-line doc.
// Loaded from a YAML file, environment variables and flags (flags win) by load.ts.

export type ConfigValue = string | number | boolean;

export interface KeySpec {
  readonly type: 'string' | 'integer' | 'boolean' | 'enum';
  readonly default: ConfigValue;
  readonly doc: string;
  readonly values?: readonly string[]; // for enum
  readonly min?: number;
  readonly max?: number;
  readonly secret?: boolean; // masked by `config dump`
  /** Extra environment variable names honoured besides KEEPGATE_<KEY>. */
  readonly env?: readonly string[];
  /** Command-line flag besides --<key with dots as dashes>. */
  readonly flag?: string;
}

export const CONFIG_SCHEMA = {
  'data_dir': { type: 'string', default: './data', doc: 'Data directory of the embedded backend (SQLite file, Keep blocks, credentials.json).', flag: 'data' },
  'listen.host': { type: 'string', default: '127.0.0.1', doc: 'Address both listeners bind to.', flag: 'host' },
  'listen.s3_port': { type: 'integer', default: 9000, min: 0, max: 65535, doc: 'TCP port of the S3 endpoint (0 = any free port).', flag: 'port' },
  'listen.api_port': { type: 'integer', default: 9001, min: 0, max: 65535, doc: 'TCP port of the REST/Keep API, health and metrics (0 = any free port).', flag: 'api-port' },
  's3.base_domain': { type: 'string', default: '', doc: 'Enables virtual-host-style buckets: <bucket>.<base_domain>. Empty = path style only.' },
  's3.region': { type: 'string', default: 'us-east-1', doc: 'Region reported by GetBucketLocation (any region is accepted in signatures).' },
  's3.folder_objects': { type: 'boolean', default: true, doc: 'List directories as zero-size "dir/" keys (Arvados S3FolderObjects).' },
  's3.max_clock_skew_seconds': { type: 'integer', default: 900, min: 1, max: 86400, doc: 'Largest accepted difference between a request\'s signing time and ours.' },
  's3.request_timeout_seconds': { type: 'integer', default: 300, min: 1, max: 86400, doc: 'An upload or download that makes no progress for this long is aborted.' },
  'storage.write_throttle': { type: 'integer', default: 4, min: 1, max: 64, doc: 'Block writes to Keep in flight at once, for the whole process (bounds upload memory).' },
  'storage.upload_memory_mib': { type: 'integer', default: 0, min: 0, max: 1048576, doc: 'Upload data held in memory for the whole process before uploads flush short blocks early (0 = write_throttle x 64 MiB, at least 128 MiB).' },
  'storage.hash_threads': { type: 'integer', default: 2, min: 1, max: 32, doc: 'Worker threads hashing blocks and bodies off the event loop.' },
  'storage.block_cache_mib': { type: 'integer', default: 256, min: 0, max: 65536, doc: 'Memory for recently read Keep blocks.' },
  'cluster.type': { type: 'enum', values: ['embedded', 'arvados'], default: 'embedded', doc: 'Backend: the embedded SQLite cluster, or a remote Arvados cluster.' },
  'cluster.api_host': { type: 'string', default: '', doc: 'Arvados API host (host:port for https, or a full http(s):// URL) when cluster.type is arvados.', env: ['ARVADOS_API_HOST'] },
  'cluster.insecure': { type: 'boolean', default: false, doc: 'Skip TLS certificate checks of the Arvados API host.', env: ['ARVADOS_API_HOST_INSECURE'] },
  'cluster.system_root_token': { type: 'string', default: '', secret: true, doc: 'Token allowed to look up other tokens by UUID (SigV4 access keys given as token UUIDs).', env: ['ARVADOS_SYSTEM_ROOT_TOKEN'] },
  'cluster.timeout_seconds': { type: 'integer', default: 30, min: 1, max: 3600, doc: 'Bound on one API call or one block read/write to the cluster, retries included.' },
  'cluster.keep_services': { type: 'string', default: '', doc: 'Keep service URLs (comma or space separated) used instead of discovery; treated as proxies.', env: ['ARVADOS_KEEP_SERVICES'] },
  'cluster.disk_cache_dir': { type: 'string', default: '', doc: 'Directory for an on-disk Keep block cache in remote mode (empty = memory cache only).' },
  'cluster.disk_cache_mib': { type: 'integer', default: 4096, min: 0, max: 16777216, doc: 'Size cap of the on-disk block cache.' },
  'cluster.extensions': { type: 'enum', values: ['auto', 'on', 'off'], default: 'auto', doc: 'Use keepgate API extensions (per-file attributes, atomic preconditions): auto = probe the cluster once.' },
  'embedded.cluster_id': { type: 'string', default: '', doc: 'Five-character cluster id for a new data directory (random when empty).' },
  'embedded.admin_token': { type: 'string', default: '', secret: true, doc: 'Fixes the admin token (a v2 token) of a new data directory.', env: ['KEEPGATE_ADMIN_TOKEN'] },
  'embedded.blob_signing_ttl_seconds': { type: 'integer', default: 1209600, min: 60, max: 31536000, doc: 'Lifetime of Keep permission signatures; unreferenced blocks are collected after it.' },
  'multipart.expiry_hours': { type: 'integer', default: 168, min: 1, max: 87600, doc: 'Incomplete multipart uploads older than this are aborted by a sweep.' },
  'log.level': { type: 'enum', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], default: 'info', doc: 'Lowest level of log lines written (JSON lines on stdout).' },
  'metrics.management_token': { type: 'string', default: '', secret: true, doc: 'If set, /metrics requires "Authorization: Bearer <token>".', env: ['KEEPGATE_MANAGEMENT_TOKEN'] },
  'shutdown.timeout_seconds': { type: 'integer', default: 30, min: 0, max: 3600, doc: 'On SIGTERM, how long in-flight requests may take before they are cut.' },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_SCHEMA;

type ValueOf<S extends KeySpec> = S['type'] extends 'integer' ? number : S['type'] extends 'boolean' ? boolean : string;

export type Config = { readonly [K in ConfigKey]: ValueOf<(typeof CONFIG_SCHEMA)[K]> };
