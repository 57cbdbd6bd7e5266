// Domain errors shared by every layer. They carry a kind, never an S3 code or an HTTP
// status: the protocol layers (s3/, the embedded REST API) map kinds to their own wire
// errors in one table each.

export type ErrorKind =
  | 'NotFound' // the thing does not exist, or the caller may not see it
  | 'PermissionDenied' // the caller can see it but may not do this
  | 'Unauthorized' // no valid credentials
  | 'InvalidArgument' // malformed input from the caller
  | 'Conflict' // a name or state clash (duplicate name, directory vs file)
  | 'PreconditionFailed'
  | 'NotEmpty'
  | 'TooLarge'
  | 'Unavailable' // backend unreachable, disk full, overloaded: retry later
  | 'Corrupt' // stored data failed verification
  | 'Internal';

export class DomainError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = `${kind}Error`;
  }
}

export const notFound = (what: string): DomainError => new DomainError('NotFound', `${what} not found`);
export const invalidArgument = (msg: string): DomainError => new DomainError('InvalidArgument', msg);
export const conflict = (msg: string): DomainError => new DomainError('Conflict', msg);
export const permissionDenied = (msg: string): DomainError => new DomainError('PermissionDenied', msg);

export function isDomainError(err: unknown, kind?: ErrorKind): err is DomainError {
  return err instanceof DomainError && (kind === undefined || err.kind === kind);
}
