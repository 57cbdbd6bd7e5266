// `keepgate admin …`: users and tokens of the embedded backend, without touching SQLite by hand.
//
// Safe beside a server running on the same data directory: it opens the SQLite database only
// (WAL, so its one short write transaction waits for the server's, never the other way round),
// not the block directory (whose open() removes temp files: the server's block writes in
// progress), nor maintenance or hash workers. What the server reads next sees the new rows:
// a new token works through S3 at once.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ArvadosApiError } from './arvados-api/api.js';
import type { ApiClientAuthorization, User } from './arvados-api/types.js';
import type { StoreContext } from './cluster/embedded/context.js';
import { DATABASE_FILE, openEmbeddedMetadata } from './cluster/embedded/metadata.js';
import { findUser, insertToken, insertUser } from './cluster/embedded/users.js';
import { loadConfig, parseFlags } from './config/load.js';
import type { Config } from './config/schema.js';

export const ADMIN_USAGE = `  keepgate admin create-user --email E --username U [--admin] [--read-only] [--data DIR | --config FILE]
  keepgate admin create-token --user <user uuid> [--read-only] [--data DIR | --config FILE]
`;

/** Scopes of a read-only token: the S3 gateway then refuses every write (AccessDenied). */
export const READ_ONLY_SCOPES = ['GET /', 'HEAD /'] as const;

/** The flags admin commands take; every other flag is configuration (data_dir, …). */
const OWN_FLAGS = ['email', 'username', 'admin', 'read-only', 'user'] as const;
type OwnFlag = (typeof OWN_FLAGS)[number];

class UsageError extends Error {}

/** Runs one admin command; returns the exit code (messages on stderr, results as JSON on stdout). */
export async function runAdmin(argv: readonly string[]): Promise<number> {
  try {
    const { command, own, config } = parseAdminArgs(argv);
    const handler = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command as keyof typeof COMMANDS] : undefined;
    if (!handler) throw new UsageError(command === undefined ? 'which command?' : `unknown command ${JSON.stringify(command)}`);
    const result = await withMetadata(config, (ctx) => handler(ctx, own));
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`keepgate admin: ${err.message}\nusage:\n${ADMIN_USAGE}`);
      return 2;
    }
    if (err instanceof ArvadosApiError) {
      process.stderr.write(`keepgate admin: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

function parseAdminArgs(argv: readonly string[]): { command: string | undefined; own: Map<OwnFlag, string>; config: Config } {
  const { flags, rest } = parseFlags(argv);
  if (rest.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(rest[1])}`);
  const own = new Map<OwnFlag, string>();
  const configArgs: string[] = [];
  for (const [name, value] of flags) {
    if ((OWN_FLAGS as readonly string[]).includes(name)) own.set(name as OwnFlag, value);
    else configArgs.push(`--${name}=${value}`);
  }
  const config = loadConfig({ argv: configArgs });
  if (config['cluster.type'] !== 'embedded') throw new UsageError('keepgate admin manages the embedded backend; use the Arvados cluster\'s own tools for cluster.type arvados');
  return { command: rest[0], own, config };
}

async function withMetadata<T>(config: Config, run: (ctx: StoreContext) => T): Promise<T> {
  // Never create a data directory here: a mistyped --data would silently make a new cluster.
  if (!existsSync(join(config.data_dir, DATABASE_FILE))) {
    throw new UsageError(`no keepgate database in ${config.data_dir} (start \`keepgate serve\` there once, or pass --data DIR)`);
  }
  // No read memo: admin writes run in transactions of their own, not through ctx.commit.
  const metadata = openEmbeddedMetadata({ dataDir: config.data_dir, blobSigningTtlSeconds: config['embedded.blob_signing_ttl_seconds'] });
  try {
    return run(metadata.ctx);
  } finally {
    await metadata.close();
  }
}

interface Created {
  readonly user_uuid: string;
  readonly token: string;
  readonly access_key: string;
  readonly secret_key: string;
  readonly scopes: readonly string[];
}

function createUser(ctx: StoreContext, own: ReadonlyMap<OwnFlag, string>): Created {
  const email = own.get('email');
  const username = own.get('username');
  if (!email || !username) throw new UsageError('create-user needs --email and --username');
  const scopes = scopesOf(own);
  return ctx.db.transaction(() => {
    const user: User = insertUser(ctx, { email, username, is_admin: isSet(own, 'admin') });
    return created(user.uuid, insertToken(ctx, { ownerUuid: user.uuid, scopes }));
  }).immediate();
}

function createToken(ctx: StoreContext, own: ReadonlyMap<OwnFlag, string>): Created {
  const owner = own.get('user');
  if (!owner || owner === 'true') throw new UsageError('create-token needs --user <user uuid>');
  const scopes = scopesOf(own);
  return ctx.db.transaction(() => {
    if (!findUser(ctx, owner)) throw new ArvadosApiError(404, `no user ${owner}`);
    return created(owner, insertToken(ctx, { ownerUuid: owner, scopes }));
  }).immediate();
}

const COMMANDS = { 'create-user': createUser, 'create-token': createToken } as const;

const isSet = (own: ReadonlyMap<OwnFlag, string>, flag: OwnFlag): boolean => own.get(flag) === 'true';

const scopesOf = (own: ReadonlyMap<OwnFlag, string>): readonly string[] => (isSet(own, 'read-only') ? READ_ONLY_SCOPES : ['all']);

function created(userUuid: string, t: { record: ApiClientAuthorization; token: string }): Created {
  return { user_uuid: userUuid, token: t.token, access_key: t.record.uuid, secret_key: t.record.api_token, scopes: t.record.scopes };
}
