// What the remote backend learns about the cluster before serving: the cluster id, the blob
// signing TTL and the default replication, from the public discovery document
// (`<host>/discovery/v1/apis/arvados/v1/rest`: uuidPrefix, blobSignatureTtl,
// defaultCollectionReplication), as Arvados SDKs read it. A server without the document
// (keepgate's embedded backend) gets defaults: the cluster id from the system root token
// when there is one, two weeks of signatures, one replica. An unreachable host or a failing
// server is an error: the gateway should not start against a mistyped address.
import { request, type Dispatcher } from 'undici';
import { DomainError } from '../../common/errors.js';

export interface RemoteClusterInfo {
  readonly clusterId: string;
  readonly blobSigningTtl: number;
  readonly defaultReplication: number;
}

export interface ClusterInfoOptions {
  /** The API base URL (ends in `/arvados/v1/`). */
  readonly apiBaseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  readonly systemRootToken?: string;
}

const DEFAULT_TTL = 1_209_600;
/** Said when neither the server nor a token names the cluster. */
export const UNKNOWN_CLUSTER_ID = 'xxxxx';

export async function fetchClusterInfo(opts: ClusterInfoOptions): Promise<RemoteClusterInfo> {
  const url = new URL('../../discovery/v1/apis/arvados/v1/rest', opts.apiBaseUrl);
  let doc: Record<string, unknown> = {};
  let status: number;
  try {
    const res = await request(url, {
      dispatcher: opts.dispatcher,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const text = await res.body.text();
    status = res.statusCode;
    if (status === 200) doc = parseObject(text);
  } catch (err) {
    throw new DomainError('Unavailable', `cannot reach the Arvados API at ${url.origin}: ${(err as Error).message}`, { cause: err });
  }
  // 404: a server without the document; anything else is trouble worth a failed start.
  if (status !== 200 && status !== 404) throw new DomainError('Unavailable', `${url.href} answered HTTP ${status}`);
  const tokenCluster = /^v2\/([a-z0-9]{5})-gj3su-/.exec(opts.systemRootToken ?? '')?.[1];
  return {
    clusterId: typeof doc.uuidPrefix === 'string' ? doc.uuidPrefix : (tokenCluster ?? UNKNOWN_CLUSTER_ID),
    blobSigningTtl: positiveInt(doc.blobSignatureTtl) ?? DEFAULT_TTL,
    defaultReplication: positiveInt(doc.defaultCollectionReplication) ?? 1,
  };
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const positiveInt = (v: unknown): number | undefined => (Number.isSafeInteger(v) && (v as number) > 0 ? (v as number) : undefined);
