// Arbitrary Authorization headers, query strings and date/payload headers: authenticate()
// either succeeds or rejects with an S3Error — never another exception, never a hang.
import { test } from 'node:test';
import fc from 'fast-check';
import { AWS_KEY, AWS_SECRET, authCode, request, secrets } from './helpers.js';

const OPTS = { resolveSecret: secrets({ [AWS_KEY]: AWS_SECRET, 'weird/key': 'x' }), now: () => Date.UTC(2013, 4, 24) };

const fragment = fc.constantFrom(
  'AWS4-HMAC-SHA256 ', 'AWS ', 'AWS4-', 'Credential=', 'SignedHeaders=', 'Signature=', `${AWS_KEY}/`, '20130524/', 'us-east-1/', 's3/',
  'aws4_request', ',', ', ', ';', '=', ':', '/', 'host', 'x-amz-date', '%', '%2F', '+', ' ', '\t', 'é', '0123456789abcdef'.repeat(4),
);
const structured = fc.array(fragment, { maxLength: 14 }).map((a) => a.join(''));
const anyText = fc.oneof(structured, fc.string({ unit: 'binary', maxLength: 80 }));

const queryFragment = fc.constantFrom(
  'X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Algorithm=', `X-Amz-Credential=${AWS_KEY}%2F20130524%2Fus-east-1%2Fs3%2Faws4_request`, 'X-Amz-Credential=%',
  'X-Amz-Date=20130524T000000Z', 'X-Amz-Date=2013', 'X-Amz-Expires=86400', 'X-Amz-Expires=-1', 'X-Amz-Expires=99999999999999999999',
  'X-Amz-SignedHeaders=host', 'X-Amz-SignedHeaders=', 'X-Amz-Signature=00', `AWSAccessKeyId=${AWS_KEY}`, 'Signature=%2B%3D', 'Expires=1369353600',
  'Expires=x', 'acl', 'uploads', 'partNumber=1', '%zz', '=', '&', '+', 'X-Amz-Content-Sha256=STREAMING-x',
);
const query = fc.array(fc.oneof(queryFragment, fc.string({ maxLength: 10 })), { maxLength: 8 }).map((a) => a.join('&'));

const headerValue = fc.oneof(anyText, fc.constantFrom('20130524T000000Z', 'Fri, 24 May 2013 00:00:00 GMT', 'UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD'));

test('fuzz: only S3Errors come out of authenticate()', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.option(anyText, { nil: undefined }),
      query,
      fc.record({ 'x-amz-date': headerValue, date: headerValue, 'x-amz-content-sha256': headerValue }, { requiredKeys: [] }),
      fc.constantFrom('', '/', '/b/k', '/b/%', '/a b', '//x/../y'),
      async (authorization, rawQuery, extra, rawPath) => {
        const headers: Record<string, string> = { host: 'gw.test', ...extra };
        if (authorization !== undefined) headers.authorization = authorization;
        await authCode(request({ method: 'GET', rawPath, rawQuery, headers }), OPTS); // asserts S3Error
      },
    ),
    { numRuns: 2000 },
  );
});
