// Turns Arvados API failures into site errors: the status says what kind of failure it
// was; the caller says which S3 noun a "not found" refers to.

import { ArvadosApiError } from '../arvados-api/api.js';
import { DomainError } from '../common/errors.js';
import { SiteError, type SiteErrorReason } from './errors.js';

export function fromApiError(err: unknown, notFound: SiteErrorReason = 'NoSuchKey'): Error {
  if (err instanceof SiteError || !(err instanceof ArvadosApiError)) {
    if (err instanceof DomainError) return err;
    return new DomainError('Unavailable', 'cluster request failed', { cause: err });
  }
  const msg = err.errors.join('; ');
  switch (err.status) {
    case 404:
      return new SiteError(notFound, msg, { cause: err });
    case 401:
    case 403:
      return new SiteError('AccessDenied', 'Access Denied', { cause: err });
    case 412:
      return new SiteError('PreconditionFailed', msg, { cause: err });
    case 400:
    case 409:
    case 422:
      return new SiteError('InvalidArgument', msg, { cause: err });
    case 429:
      return new SiteError('SlowDown', 'Please reduce your request rate.', { cause: err });
    default:
      return new DomainError(err.status >= 500 ? 'Unavailable' : 'Internal', msg, { cause: err });
  }
}

/** Runs an API call, rethrowing its failure as a site error. */
export async function api<T>(call: Promise<T>, notFound: SiteErrorReason = 'NoSuchKey'): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw fromApiError(err, notFound);
  }
}
