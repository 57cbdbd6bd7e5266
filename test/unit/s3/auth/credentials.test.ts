import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import aws4 from 'aws4';
import { authenticate } from '../../../../src/s3/auth/authenticate.js';
import { accessKeyForDisplay, parseAccessKey, secretResolver, signingSecret, type AccessKey, type TokenRecord } from '../../../../src/s3/auth/credentials.js';
import { authCode, fixture, lowerHeaders, request } from './helpers.js';

interface AuthFixture {
  trials: Array<{ signature_version: 'V2' | 'V4'; access_key: string; secret_key: string; expect_success: boolean }>;
  doc_examples: Array<{ arvados_token: string; access_key: string; secret_key: string }>;
}
const F = fixture<AuthFixture>('s3-auth.json');

const UUID = 'zzzzz-gj3su-077z32aux8dg2s1';
const SECRET = '3kg6k6lzmp9kj5cpkcoxie963cmvjahbt2fod9zru30k1jqdmi';
const TOKEN = `v2/${UUID}/${SECRET}`;

test('access key forms (ARVADOS.md f.2)', () => {
  assert.deepEqual(parseAccessKey(UUID), { kind: 'token-uuid', uuid: UUID });
  assert.deepEqual(parseAccessKey(`v2_${UUID}_${SECRET}`), { kind: 'token', token: TOKEN });
  assert.deepEqual(parseAccessKey(`v2%2F${UUID}%2F${SECRET}`), { kind: 'token', token: TOKEN });
  assert.deepEqual(parseAccessKey(`v2%2f${UUID}%2f${SECRET}`), { kind: 'token', token: TOKEN });
  assert.deepEqual(parseAccessKey(SECRET), { kind: 'token', token: SECRET });
  assert.deepEqual(parseAccessKey(TOKEN), { kind: 'token', token: TOKEN });
  assert.deepEqual(parseAccessKey('bad%zzescape'), { kind: 'token', token: 'bad%zzescape' }, 'undecodable: taken as is');
  // Only a whole-token prefix turns every '_' into '/'.
  assert.deepEqual(parseAccessKey('v2_short_key'), { kind: 'token', token: 'v2_short_key' });
});

test('the secret to sign with: the token secret for a UUID key, else the access key verbatim (doc examples)', () => {
  for (const ex of F.doc_examples) {
    const tokenSecret = ex.arvados_token.split('/')[2]!;
    assert.equal(signingSecret(ex.access_key, tokenSecret), ex.secret_key, ex.access_key);
  }
});

/** The fixture's one token, looked up by UUID or by (any form of) the token itself. */
const lookup = async (key: AccessKey): Promise<TokenRecord | null> => {
  const known = key.kind === 'token-uuid' ? key.uuid === UUID : key.token === TOKEN || key.token === SECRET;
  return known ? { uuid: UUID, secret: SECRET, principal: { owner: 'zzzzz-tpzed-xurymjxw79nv3jz' } } : null;
};
const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
const opts = { resolveSecret: secretResolver(lookup), now: () => NOW };

function signV4(accessKeyId: string, secretAccessKey: string) {
  const s = aws4.sign(
    { service: 's3', region: 'zzzzz', method: 'GET', host: 'keep.test', path: '/bucket/key', headers: { 'X-Amz-Date': '20240102T030405Z', 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' } },
    { accessKeyId, secretAccessKey },
  );
  return request({ rawPath: '/bucket/key', headers: lowerHeaders(s.headers!) });
}

function signV2(accessKey: string, secret: string) {
  const date = new Date(NOW).toUTCString();
  const sig = createHmac('sha1', secret).update(`GET\n\n\n${date}\n/bucket/key`).digest('base64');
  return request({ rawPath: '/bucket/key', headers: { host: 'keep.test', date, authorization: `AWS ${accessKey}:${sig}` } });
}

test('fixture trials (TestS3Signatures): V4 as keep-web; V2 now with the signature checked', async () => {
  for (const t of F.trials) {
    const accessKey = t.access_key === 'none' ? 'nobody-knows-this-key' : t.access_key;
    let secret = t.secret_key === 'none' ? 'a wrong secret' : t.secret_key;
    if (t.signature_version === 'V2') {
      // keep-web never checked V2 signatures ("secret_key: none"); keepgate does, with the
      // same secret rule as V4 (ARVADOS.md §i).
      secret = signingSecret(accessKey, SECRET);
    }
    const req = t.signature_version === 'V4' ? signV4(accessKey, secret) : signV2(accessKey, secret);
    const code = await authCode(req, opts);
    const label = `${t.signature_version} ${t.access_key} / ${t.secret_key}`;
    if (t.expect_success) {
      assert.equal(code, 'ok', label);
      const r = await authenticate(req, opts);
      assert.equal(r.token, TOKEN, 'requests run as the v2 token');
      assert.deepEqual(r.principal, { owner: 'zzzzz-tpzed-xurymjxw79nv3jz' });
    } else {
      assert.equal(code, t.access_key === 'none' ? 'InvalidAccessKeyId' : 'SignatureDoesNotMatch', label);
    }
  }
});

test('a token-form key signed with the token secret instead of the key itself is refused', async () => {
  assert.equal(await authCode(signV4(`v2_${UUID}_${SECRET}`, SECRET), opts), 'SignatureDoesNotMatch');
  assert.equal(await authCode(signV4(UUID, `v2_${UUID}_${SECRET}`), opts), 'SignatureDoesNotMatch');
});

test('errors never echo a token-form access key, which is itself a secret', async () => {
  assert.equal(accessKeyForDisplay(UUID), UUID);
  assert.equal(accessKeyForDisplay(`v2_${UUID}_${SECRET}`), `v2/${UUID}/…`);
  assert.equal(accessKeyForDisplay(`v2%2F${UUID}%2F${SECRET}`), `v2/${UUID}/…`);
  assert.equal(accessKeyForDisplay(SECRET), '…');
  for (const [key, secret] of [[`v2_${UUID}_${SECRET}`, 'wrong'], [SECRET, 'wrong']]) {
    const err = await authenticate(signV4(key!, secret!), opts).catch((e: unknown) => e);
    assert.ok(err instanceof Error && 'extra' in err);
    assert.doesNotMatch(JSON.stringify(err.extra), new RegExp(SECRET));
  }
  const unknown = await authenticate(signV4('v2_zzzzz-gj3su-000000000000000_secretsecret', 'x'), opts).catch((e: unknown) => e);
  assert.ok(unknown instanceof Error && 'code' in unknown && unknown.code === 'InvalidAccessKeyId');
  assert.doesNotMatch(JSON.stringify((unknown as unknown as { extra: object }).extra), /secretsecret/);
});
