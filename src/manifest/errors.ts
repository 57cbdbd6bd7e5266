// Errors raised while reading manifest text. Both readers (the lenient Go-style loader and
// the strict server-style validator) throw ManifestError, so callers need one catch; it is a
// DomainError of kind InvalidArgument so the protocol layers map it without special cases.
import { DomainError } from '../common/errors.js';

export class ManifestError extends DomainError {
  /** 1-based line (stream) the problem was found on; 0 when it concerns the whole text. */
  readonly line: number;

  constructor(message: string, line: number) {
    super('InvalidArgument', message);
    this.name = 'ManifestError';
    this.line = line;
  }
}

/** The Go SDK's wording: `malformed manifest_text: line N: <detail>`. */
export function malformed(line: number, detail: string): ManifestError {
  return new ManifestError(`malformed manifest_text: line ${line}: ${detail}`, line);
}
