// `keepgate config dump` as an operator runs it: the effective configuration from file,
// environment and flags (flags win over environment, environment over file), secrets masked
// whatever their source; and a bad key or value stops `config dump` and `serve` with a
// message naming it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_SCHEMA } from '../../src/config/schema.js';
import { keepgate } from './cli-run.js';

/** key -> the value text of its dump line (before the doc comment). */
function dumped(stdout: string): Map<string, string> {
  return new Map(
    stdout.trimEnd().split('\n').map((line) => {
      const m = /^([\w.]+): (.*?) {2}# /.exec(line);
      assert.ok(m, `dump line without key, value and doc: ${line}`);
      return [m[1]!, m[2]!] as const;
    }),
  );
}

test('config dump: file < environment < flags, every key once, secrets masked from any source', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-cli-config-'));
  try {
    const file = join(dir, 'keepgate.yaml');
    writeFileSync(
      file,
      [
        'data_dir: /srv/keepgate',
        'listen:',
        '  host: 0.0.0.0',
        '  s3_port: 7000',
        'storage:',
        '  write_throttle: 8',
        's3.base_domain: s3.example.com',
        'metrics:',
        '  management_token: file-secret-mt',
        '',
      ].join('\n'),
    );
    const env = {
      KEEPGATE_STORAGE_WRITE_THROTTLE: '6',
      KEEPGATE_ADMIN_TOKEN: 'v2/zzzzz-gj3su-000000000000001/envsecretadmintoken',
      ARVADOS_SYSTEM_ROOT_TOKEN: 'env-secret-root',
    };
    const r = await keepgate(['config', 'dump', '--config', file, '--port', '7100', '--shutdown-timeout-seconds', '5'], env);
    assert.equal(r.code, 0, r.stderr);
    const values = dumped(r.stdout);
    assert.deepEqual([...values.keys()].sort(), Object.keys(CONFIG_SCHEMA).sort());
    assert.equal(values.get('data_dir'), '"/srv/keepgate"');
    assert.equal(values.get('listen.host'), '"0.0.0.0"');
    assert.equal(values.get('listen.s3_port'), '7100', 'the flag wins over the file');
    assert.equal(values.get('storage.write_throttle'), '6', 'the environment wins over the file');
    assert.equal(values.get('s3.base_domain'), '"s3.example.com"');
    assert.equal(values.get('shutdown.timeout_seconds'), '5');
    assert.equal(values.get('listen.api_port'), '9001', 'defaults fill the rest');
    for (const key of ['metrics.management_token', 'embedded.admin_token', 'cluster.system_root_token']) {
      assert.match(values.get(key)!, /^"?\*{8}"?$/, `${key} is masked`);
    }
    for (const secret of ['file-secret-mt', 'envsecretadmintoken', 'env-secret-root']) assert.ok(!r.stdout.includes(secret));
    assert.equal(r.stderr, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad configuration or a taken port stops config dump and serve with a message naming the key', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keepgate-cli-config-'));
  try {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'listen:\n  s3_prot: 9000\n');
    const unknownKey = await keepgate(['config', 'dump', '--config', file]);
    assert.equal(unknownKey.code, 1);
    assert.match(unknownKey.stderr, /unknown config key "listen\.s3_prot"/);

    const data = join(dir, 'data');
    const badValue = await keepgate(['serve', '--data', data, '--port', '0', '--api-port', '0', '--storage-write-throttle', 'lots']);
    assert.equal(badValue.code, 1);
    assert.match(badValue.stderr, /config key "storage\.write_throttle" \(from flag --storage-write-throttle\): expected an integer/);
    assert.equal(existsSync(data), false, 'serve stopped before creating the data directory');

    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const busy = await keepgate(['serve', '--data', join(dir, 'busy'), '--port', String(port), '--api-port', '0']);
      assert.equal(busy.code, 1);
      assert.match(busy.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(listen\\.host, listen\\.s3_port\\): EADDRINUSE`));
    } finally {
      taken.close();
    }

    const badEnv = await keepgate(['config', 'dump'], { KEEPGATE_LOG_LEVEL: 'loud' });
    assert.equal(badEnv.code, 1);
    assert.match(badEnv.stderr, /config key "log\.level" \(from environment KEEPGATE_LOG_LEVEL\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
