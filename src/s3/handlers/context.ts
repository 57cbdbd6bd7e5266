// What every handler receives besides its parsed operation, and the handler signature.

import type { Principal, Site } from '../../site/site.js';
import type { S3OperationName, S3OpOf } from '../ops.js';
import type { RequestPayload } from '../request-payload.js';
import type { S3Result } from '../respond.js';
import type { HeaderMap } from '../route-headers.js';
import type { Owner } from '../xml/types.js';

/** The S3 settings handlers read (a subset of the app's options). */
export interface HandlerConfig {
  /** Reported by GetBucketLocation and HeadBucket. */
  readonly region: string;
}

export interface HandlerContext {
  readonly site: Site;
  readonly principal: Principal;
  /** The principal as S3 shows an owner (ListBuckets, ACLs, listings). */
  readonly owner: Owner;
  readonly config: HandlerConfig;
  /** Request headers, plus any a presigned URL carried in its query string. */
  readonly headers: HeaderMap;
  /** Scheme and authority the client used, for Location values (e.g. http://host:port). */
  readonly origin: string;
  /** Opens the request body, decoded and checked; call at most once. */
  readonly payload: () => RequestPayload;
  /** Reports a failure that does not fail the request (e.g. one key of a DeleteObjects). */
  readonly logFault: (err: unknown, msg: string) => void;
}

export type S3Handler<N extends S3OperationName> = (ctx: HandlerContext, op: S3OpOf<N>) => Promise<S3Result>;
