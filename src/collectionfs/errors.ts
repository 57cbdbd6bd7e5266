// Filesystem errors as domain errors. The texts follow the Go SDK's (os.ErrNotExist "file does
// not exist", ErrNotADirectory, ErrInvalidArgument…) prefixed with the operation and path, so
// messages read like `rename a b: file does not exist`.
import { DomainError } from '../common/errors.js';

export const notExist = (what: string): DomainError => new DomainError('NotFound', `${what}: file does not exist`);

/** A path component that must be a directory is a file. Lookups report NotFound, changes Conflict. */
export const notADirectory = (what: string, kind: 'NotFound' | 'Conflict' = 'Conflict'): DomainError =>
  new DomainError(kind, `${what}: not a directory`);

export const isADirectory = (what: string): DomainError => new DomainError('Conflict', `${what}: is a directory`);

export const alreadyExists = (what: string): DomainError => new DomainError('Conflict', `${what}: file exists`);

export const invalidPath = (what: string, why = 'invalid argument'): DomainError => new DomainError('InvalidArgument', `${what}: ${why}`);

export const notEmpty = (what: string): DomainError => new DomainError('NotEmpty', `${what}: directory not empty`);
