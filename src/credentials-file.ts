// `<data>/credentials.json`: what a user needs to point an S3 client at the embedded
// gateway. Rewritten at every start (the endpoints may change), readable by its owner only.

import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

export interface CredentialsFile {
  readonly access_key: string;
  readonly secret_key: string;
  readonly token: string;
  readonly s3_endpoint: string;
  readonly api_endpoint: string;
}

export function credentialsFromToken(token: string, endpoints: { s3: string; api: string }): CredentialsFile {
  const [, uuid, secret] = token.split('/');
  if (!uuid || !secret) throw new Error('the admin token is not a v2 token');
  return { access_key: uuid, secret_key: secret, token, s3_endpoint: endpoints.s3, api_endpoint: endpoints.api };
}

export function writeCredentialsFile(dataDir: string, creds: CredentialsFile): string {
  const path = join(dataDir, 'credentials.json');
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
  return path;
}
