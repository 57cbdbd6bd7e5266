import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentTypeForKey, isDirectoryContentType } from '../../../src/s3/content-type.js';

test('Content-Type by extension, octet-stream otherwise, x-directory for dir/ placeholders', () => {
  for (const [key, type] of [
    ['a.txt', 'text/plain'],
    ['dir/photo.JPG', 'image/jpeg'],
    ['archive.tar.gz', 'application/gzip'],
    ['data.json', 'application/json'],
    ['json', 'application/octet-stream'], // a bare word is not an extension
    ['dir.d/README', 'application/octet-stream'], // the dot is in a directory name
    ['.bashrc', 'application/octet-stream'],
    ['trailing.', 'application/octet-stream'],
    ['file.unknownext', 'application/octet-stream'],
    ['dir/', 'application/x-directory'],
    ['a/b.txt/', 'application/x-directory'],
  ] as const) {
    assert.equal(contentTypeForKey(key), type, key);
  }
});

test('application/x-directory is recognised with parameters and any case', () => {
  assert.ok(isDirectoryContentType('application/x-directory'));
  assert.ok(isDirectoryContentType('Application/X-Directory; charset=binary'));
  assert.ok(!isDirectoryContentType('application/x-directory-not'));
  assert.ok(!isDirectoryContentType(undefined));
  assert.ok(!isDirectoryContentType('text/plain'));
});
