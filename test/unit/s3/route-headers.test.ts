import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerValue, lowerCaseHeaderMap } from '../../../src/s3/route-headers.js';

test('headerValue: plain records are searched case-insensitively, lower-case maps by name only', () => {
  const plain = { 'Content-Type': 'text/plain', range: 'bytes=0-1', 'x-multi': ['a', 'b'] };
  assert.equal(headerValue(plain, 'content-type'), 'text/plain');
  assert.equal(headerValue(plain, 'range'), 'bytes=0-1');
  assert.equal(headerValue(plain, 'x-multi'), 'a, b');
  assert.equal(headerValue(plain, 'if-match'), undefined);

  const lower = Object.assign(lowerCaseHeaderMap(), { 'content-type': 'text/plain' });
  assert.equal(headerValue(lower, 'content-type'), 'text/plain');
  assert.equal(headerValue(lower, 'if-match'), undefined);
  // The mark is no header: invisible to entries, and not carried by a spread copy.
  assert.deepEqual(Object.keys(lower), ['content-type']);
  const copy: Record<string, string> = { ...lower, 'X-Late': 'v' };
  assert.equal(headerValue(copy, 'x-late'), 'v');
});
