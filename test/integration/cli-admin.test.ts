// `keepgate admin` beside a server running on the same data directory: the user and tokens it
// creates work through S3 at once, a read-only token cannot write, and the server is not
// disturbed (its block directory's in-progress temp files stay, it keeps serving).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListBucketsCommand, ListObjectsV2Command, PutObjectCommand, S3Client,
} from '@aws-sdk/client-s3';
import { startGateway, type Gateway } from '../helpers/gateway.js';
import { keepgate } from './cli-run.js';

interface Created {
  readonly user_uuid: string;
  readonly token: string;
  readonly access_key: string;
  readonly secret_key: string;
  readonly scopes: string[];
}

const s3For = (gw: Gateway, c: Created): S3Client =>
  new S3Client({
    endpoint: gw.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: c.access_key, secretAccessKey: c.secret_key },
  });

async function admin(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Created> {
  const r = await keepgate(['admin', ...args], env);
  assert.equal(r.code, 0, `keepgate admin ${args.join(' ')} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout) as Created;
}

test('admin create-user / create-token --read-only while the server runs: usable at once, read-only cannot write, server undisturbed', { timeout: 180_000 }, async () => {
  const gw = await startGateway();
  const clients: S3Client[] = [];
  try {
    // A block write of the server in progress looks like this; admin must leave it alone.
    const inProgress = join(gw.dataDir, 'keep', 'abc', `abc${'0'.repeat(29)}.tmp-1f2e`);
    mkdirSync(join(gw.dataDir, 'keep', 'abc'), { recursive: true });
    writeFileSync(inProgress, 'half a block');

    const bob = await admin(['create-user', '--data', gw.dataDir, '--email', 'bob@example.com', '--username', 'bob']);
    assert.match(bob.user_uuid, /^[a-z0-9]{5}-tpzed-[a-z0-9]{15}$/);
    assert.equal(bob.token, `v2/${bob.access_key}/${bob.secret_key}`);
    assert.deepEqual(bob.scopes, ['all']);
    const bobS3 = s3For(gw, bob);
    clients.push(bobS3);
    await bobS3.send(new CreateBucketCommand({ Bucket: 'bobs' }));
    await bobS3.send(new PutObjectCommand({ Bucket: 'bobs', Key: 'notes.txt', Body: 'written by bob' }));
    const buckets = await bobS3.send(new ListBucketsCommand({}));
    assert.deepEqual(buckets.Buckets?.map((b) => b.Name), ['bobs'], 'bob sees his own home project only');

    // A config file naming the data directory works as well as --data.
    const conf = join(gw.dataDir, 'admin.yaml');
    writeFileSync(conf, `data_dir: ${JSON.stringify(gw.dataDir)}\n`);
    const readOnly = await admin(['create-token', '--user', bob.user_uuid, '--read-only'], { KEEPGATE_CONFIG: conf });
    assert.equal(readOnly.user_uuid, bob.user_uuid);
    assert.deepEqual(readOnly.scopes, ['GET /', 'HEAD /']);
    const roS3 = s3For(gw, readOnly);
    clients.push(roS3);
    const got = await roS3.send(new GetObjectCommand({ Bucket: 'bobs', Key: 'notes.txt' }));
    assert.equal(await got.Body!.transformToString(), 'written by bob');
    const listed = await roS3.send(new ListObjectsV2Command({ Bucket: 'bobs' }));
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['notes.txt']);
    await assert.rejects(roS3.send(new PutObjectCommand({ Bucket: 'bobs', Key: 'nope.txt', Body: 'x' })), { name: 'AccessDenied' });
    await assert.rejects(roS3.send(new DeleteObjectCommand({ Bucket: 'bobs', Key: 'notes.txt' })), { name: 'AccessDenied' });
    await assert.rejects(roS3.send(new CreateBucketCommand({ Bucket: 'other' })), { name: 'AccessDenied' });

    // A user created read-only from the start; an admin user.
    const carol = await admin(['create-user', '--data', gw.dataDir, '--email', 'carol@example.com', '--username', 'carol', '--read-only']);
    const carolS3 = s3For(gw, carol);
    clients.push(carolS3);
    await assert.rejects(carolS3.send(new CreateBucketCommand({ Bucket: 'carols' })), { name: 'AccessDenied' });
    const root = await admin(['create-user', '--data', gw.dataDir, '--email', 'root@example.com', '--username', 'root2', '--admin']);
    const me = await fetch(`${gw.apiEndpoint}/arvados/v1/users/current`, { headers: { authorization: `Bearer ${root.token}` } });
    assert.equal(((await me.json()) as { is_admin: boolean }).is_admin, true);

    // The server was not disturbed.
    assert.ok(existsSync(inProgress), 'the server\'s in-progress block file is still there');
    assert.equal((await fetch(`${gw.apiEndpoint}/_health/ready`)).status, 200);
    const check = await bobS3.send(new GetObjectCommand({ Bucket: 'bobs', Key: 'notes.txt' }));
    assert.equal(await check.Body!.transformToString(), 'written by bob');
    assert.ok(!gw.logs.some((l) => /"level":(50|60)/.test(l)), 'no error in the server log');
  } finally {
    for (const c of clients) c.destroy();
    await gw.close();
  }
});

test('admin refuses bad requests with a message and a non-zero exit, and never creates a data directory', { timeout: 120_000 }, async () => {
  const gw = await startGateway();
  const empty = mkdtempSync(join(tmpdir(), 'keepgate-admin-empty-'));
  try {
    await admin(['create-user', '--data', gw.dataDir, '--email', 'dave@example.com', '--username', 'dave']);
    const duplicate = await keepgate(['admin', 'create-user', '--data', gw.dataDir, '--email', 'd2@example.com', '--username', 'dave']);
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /already taken/);
    const noUser = await keepgate(['admin', 'create-token', '--data', gw.dataDir, '--user', 'zzzzz-tpzed-000000000000009']);
    assert.equal(noUser.code, 1);
    assert.match(noUser.stderr, /no user zzzzz-tpzed-000000000000009/);
    const missing = await keepgate(['admin', 'create-user', '--data', gw.dataDir, '--email', 'e@example.com']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--email and --username/);
    const unknownCommand = await keepgate(['admin', 'drop-everything', '--data', gw.dataDir]);
    assert.equal(unknownCommand.code, 2);
    assert.match(unknownCommand.stderr, /unknown command "drop-everything"/);
    const unknownFlag = await keepgate(['admin', 'create-token', '--data', gw.dataDir, '--user', 'x', '--colour', 'red']);
    assert.equal(unknownFlag.code, 1);
    assert.match(unknownFlag.stderr, /unknown flag --colour/);

    const nowhere = join(empty, 'typo');
    const noData = await keepgate(['admin', 'create-user', '--data', nowhere, '--email', 'f@example.com', '--username', 'f']);
    assert.equal(noData.code, 2);
    assert.match(noData.stderr, /no keepgate database in/);
    assert.equal(existsSync(nowhere), false);
  } finally {
    rmSync(empty, { recursive: true, force: true });
    await gw.close();
  }
});
