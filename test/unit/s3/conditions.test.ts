import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  evaluateCopySource,
  evaluateRead,
  evaluateWrite,
  normalizeEtag,
  parseCopySourceConditions,
  parseEtagList,
  parseReadConditions,
  parseWriteConditions,
  type ReadConditions,
  type Validators,
} from '../../../src/s3/conditions.js';
import { S3Error, type S3ErrorCode } from '../../../src/s3/errors.js';

const object: Validators = { etag: '"0123abcd-2"', lastModified: new Date('2026-11-25T20:48:30.250Z') };
const SAME = 'Wed, 25 Nov 2026 20:48:30 GMT'; // Last-Modified as the client saw it (whole seconds)
const BEFORE = 'Wed, 25 Nov 2026 20:48:29 GMT';
const AFTER = 'Wed, 25 Nov 2026 20:48:31 GMT';

function rejects(fn: () => unknown, code: S3ErrorCode, condition?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof S3Error);
    assert.equal(e.code, code);
    if (condition !== undefined) assert.equal(e.extra['Condition'], condition);
    return true;
  });
}

test('ETag lists: quotes and W/ ignored, *, commas inside quotes', () => {
  assert.deepEqual(parseEtagList('"a", W/"b" ,c'), ['a', 'b', 'c']);
  assert.equal(parseEtagList(' * '), '*');
  assert.deepEqual(parseEtagList('"a,b"'), ['a,b']);
  assert.deepEqual(parseEtagList(''), []);
  assert.equal(normalizeEtag('W/"x"'), 'x');
  assert.equal(normalizeEtag(' "x" '), 'x');
});

test('parsing: unparsable dates are ignored; x-amz-copy-source-if-* read separately', () => {
  assert.deepEqual(parseReadConditions({ 'if-modified-since': 'not a date', 'if-match': '"a"' }), { ifMatch: ['a'] });
  assert.deepEqual(parseReadConditions({ 'if-unmodified-since': SAME }), { ifUnmodifiedSince: new Date('2026-11-25T20:48:30Z') });
  assert.deepEqual(parseCopySourceConditions({ 'if-match': '"a"', 'x-amz-copy-source-if-none-match': '"b"' }), { ifNoneMatch: ['b'] });
  assert.deepEqual(parseWriteConditions({ 'if-none-match': '*', 'if-match': 'x' }), { ifNoneMatch: '*', ifMatch: ['x'] });
  rejects(() => parseWriteConditions({ 'if-none-match': '"etag"' }), 'NotImplemented');
});

const read = (headers: Record<string, string>) => evaluateRead(parseReadConditions(headers), object);

test('GET/HEAD: each condition alone', () => {
  assert.equal(read({}), 'proceed');
  assert.equal(read({ 'if-match': '"0123abcd-2"' }), 'proceed');
  assert.equal(read({ 'if-match': '0123abcd-2' }), 'proceed');
  assert.equal(read({ 'if-match': '*' }), 'proceed');
  rejects(() => read({ 'if-match': '"other"' }), 'PreconditionFailed', 'If-Match');
  assert.equal(read({ 'if-none-match': '"other"' }), 'proceed');
  assert.equal(read({ 'if-none-match': 'W/"0123abcd-2"' }), 'not-modified');
  assert.equal(read({ 'if-none-match': '*' }), 'not-modified');
  // Whole-second comparison: the object's milliseconds do not make it "modified since" its own Last-Modified.
  assert.equal(read({ 'if-modified-since': SAME }), 'not-modified');
  assert.equal(read({ 'if-modified-since': AFTER }), 'not-modified');
  assert.equal(read({ 'if-modified-since': BEFORE }), 'proceed');
  assert.equal(read({ 'if-unmodified-since': SAME }), 'proceed');
  assert.equal(read({ 'if-unmodified-since': AFTER }), 'proceed');
  rejects(() => read({ 'if-unmodified-since': BEFORE }), 'PreconditionFailed', 'If-Unmodified-Since');
});

test('GET/HEAD: precedence as RFC 9110 and S3 document it', () => {
  // If-Match true + If-Unmodified-Since false -> 200.
  assert.equal(read({ 'if-match': '"0123abcd-2"', 'if-unmodified-since': BEFORE }), 'proceed');
  // If-None-Match false (matches) + If-Modified-Since true -> 304.
  assert.equal(read({ 'if-none-match': '"0123abcd-2"', 'if-modified-since': BEFORE }), 'not-modified');
  // If-None-Match true + If-Modified-Since false -> 200 (If-Modified-Since ignored).
  assert.equal(read({ 'if-none-match': '"other"', 'if-modified-since': AFTER }), 'proceed');
  // 412 wins over 304.
  rejects(() => read({ 'if-match': '"other"', 'if-none-match': '"0123abcd-2"' }), 'PreconditionFailed', 'If-Match');
});

// A model of RFC 9110 §13.2.2 written as a decision list.
function model(c: ReadConditions, v: Validators): 'proceed' | 'not-modified' | 'failed' {
  const sec = (d: Date) => Math.floor(d.getTime() / 1000);
  const etag = normalizeEtag(v.etag);
  const has = (list: '*' | readonly string[]) => list === '*' || list.includes(etag);
  if (c.ifMatch !== undefined && !has(c.ifMatch)) return 'failed';
  if (c.ifMatch === undefined && c.ifUnmodifiedSince && sec(v.lastModified) > sec(c.ifUnmodifiedSince)) return 'failed';
  if (c.ifNoneMatch !== undefined && has(c.ifNoneMatch)) return 'not-modified';
  if (c.ifNoneMatch === undefined && c.ifModifiedSince && sec(v.lastModified) <= sec(c.ifModifiedSince)) return 'not-modified';
  return 'proceed';
}

test('property: evaluateRead and evaluateCopySource agree with the model', () => {
  const etags = fc.constantFrom('a', 'b', 'c');
  const list = fc.oneof(fc.constant('*' as const), fc.array(etags, { maxLength: 3 }));
  const date = fc.integer({ min: 0, max: 10 }).map((s) => new Date(1_700_000_000_000 + s * 1000));
  const conditions = fc.record(
    { ifMatch: list, ifNoneMatch: list, ifModifiedSince: date, ifUnmodifiedSince: date },
    { requiredKeys: [] },
  );
  const validators = fc.record({ etag: etags.map((e) => `"${e}"`), lastModified: fc.integer({ min: 0, max: 10_999 }).map((ms) => new Date(1_700_000_000_000 + ms)) });
  fc.assert(
    fc.property(conditions, validators, (c, v) => {
      const expected = model(c, v);
      let got: string;
      try {
        got = evaluateRead(c, v);
      } catch (e) {
        assert.ok(e instanceof S3Error && e.code === 'PreconditionFailed');
        got = 'failed';
      }
      assert.equal(got, expected);
      let copy = 'proceed';
      try {
        evaluateCopySource(c, v);
      } catch (e) {
        assert.ok(e instanceof S3Error && e.code === 'PreconditionFailed' && e.extra['Condition']?.startsWith('x-amz-copy-source-'));
        copy = 'failed';
      }
      assert.equal(copy, expected === 'proceed' ? 'proceed' : 'failed');
    }),
  );
});

test('copy source: where a GET would be 304, a copy is 412', () => {
  const c = parseCopySourceConditions({ 'x-amz-copy-source-if-none-match': '"0123abcd-2"' });
  rejects(() => evaluateCopySource(c, object), 'PreconditionFailed', 'x-amz-copy-source-If-None-Match');
  const ok = parseCopySourceConditions({ 'x-amz-copy-source-if-match': '"0123abcd-2"', 'x-amz-copy-source-if-unmodified-since': BEFORE });
  evaluateCopySource(ok, object);
});

test('writes: If-None-Match: * is create-only; If-Match needs the object and its ETag', () => {
  const createOnly = parseWriteConditions({ 'if-none-match': '*' });
  evaluateWrite(createOnly, undefined);
  rejects(() => evaluateWrite(createOnly, object), 'PreconditionFailed', 'If-None-Match');
  const ifMatch = parseWriteConditions({ 'if-match': '"0123abcd-2"' });
  evaluateWrite(ifMatch, object);
  rejects(() => evaluateWrite(ifMatch, { etag: 'other' }), 'PreconditionFailed', 'If-Match');
  rejects(() => evaluateWrite(ifMatch, undefined), 'NoSuchKey');
  evaluateWrite(parseWriteConditions({ 'if-match': '*' }), object);
  evaluateWrite(parseWriteConditions({}), object);
  evaluateWrite(parseWriteConditions({}), undefined);
});
