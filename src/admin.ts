// `keepgate admin …`: users and tokens of the embedded backend, without touching SQLite by hand.

import { parseFlags } from './config/load.js';
import { openEmbeddedCluster } from './cluster/embedded/embedded.js';

const READ_ONLY_SCOPES = ['GET /', 'HEAD /'];

export async function runAdmin(argv: readonly string[]): Promise<number> {
  const { flags, rest } = parseFlags(argv);
  const dataDir = flags.get('data') ?? process.env.KEEPGATE_DATA_DIR ?? './data';
  const scopes = flags.get('read-only') === 'true' ? READ_ONLY_SCOPES : ['all'];
  const cluster = await openEmbeddedCluster({ dataDir, maintenanceIntervalMs: 0 });
  try {
    switch (rest[0]) {
      case 'create-user': {
        const email = flags.get('email');
        const username = flags.get('username');
        if (!email || !username) throw new Error('create-user needs --email and --username');
        const { user, token } = await cluster.createUserWithToken({ email, username, admin: flags.get('admin') === 'true', scopes });
        process.stdout.write(JSON.stringify({ user_uuid: user.uuid, token, ...accessKeys(token) }, null, 2) + '\n');
        return 0;
      }
      case 'create-token': {
        const owner = flags.get('user');
        if (!owner) throw new Error('create-token needs --user <user uuid>');
        const rec = await cluster.api.createToken(cluster.bootstrap.adminToken, { owner_uuid: owner, scopes });
        const token = `v2/${rec.uuid}/${rec.api_token}`;
        process.stdout.write(JSON.stringify({ user_uuid: owner, token, ...accessKeys(token) }, null, 2) + '\n');
        return 0;
      }
      default:
        process.stderr.write('usage: keepgate admin create-user|create-token …\n');
        return 2;
    }
  } finally {
    await cluster.close();
  }
}

function accessKeys(token: string): { access_key: string; secret_key: string } {
  const [, uuid, secret] = token.split('/');
  return { access_key: uuid ?? '', secret_key: secret ?? '' };
}
