// Who is making a request, once their access key has been resolved.

import type { User } from '../arvados-api/types.js';

export interface Principal {
  /** The token in the one form used for every API call and Keep read (`v2/<uuid>/<secret>`):
   * Keep signatures bind the exact token string. */
  readonly token: string;
  readonly tokenUuid: string;
  readonly userUuid: string;
  readonly isAdmin: boolean;
  readonly user: User | null;
  /** The token's scopes allow reads only. */
  readonly readOnly: boolean;
}
