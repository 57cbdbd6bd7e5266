import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeName, unescapeName } from '../../../src/manifest/index.js';
import { fixture } from './fixtures.js';

interface Escapes {
  encode_vectors: { name: string; escaped: string }[];
  decode_vectors: { name: string; escaped: string }[];
}
const vectors = fixture<Escapes>('manifest-escapes.json');

test('escapeName matches every encode vector', () => {
  for (const v of vectors.encode_vectors) assert.equal(escapeName(v.name), v.escaped, JSON.stringify(v.name));
});

test('unescapeName matches every decode vector', () => {
  for (const v of vectors.decode_vectors) assert.equal(unescapeName(v.escaped), v.name, JSON.stringify(v.escaped));
});

test('escapes spell bytes: octal UTF-8 sequences decode to the character', () => {
  assert.equal(unescapeName('caf\\303\\251'), 'café');
  assert.equal(unescapeName('\\342\\233\\265 x'), '⛵ x');
  // a lone backslash, a short escape and a non-octal digit stay verbatim
  assert.equal(unescapeName('a\\'), 'a\\');
  assert.equal(unescapeName('\\12x'), '\\12x');
  assert.equal(unescapeName('\\18'), '\\18');
  assert.equal(unescapeName('\\400\\0401'), '\\400 1');
});

test('escapeName writes control bytes, space, colon and backslash as octal, nothing else', () => {
  assert.equal(escapeName('\u0000\u001f \u007f:\\é'), '\\000\\037\\040\u007f\\072\\134é');
});

test('unescapeName(escapeName(s)) returns s for any well-formed string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      assert.equal(unescapeName(escapeName(s)), s);
    }),
  );
});

test('escaped names contain no separator, colon or raw backslash-escape ambiguity', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const e = escapeName(s);
      // eslint-disable-next-line no-control-regex -- control characters are what it looks for
      assert.ok(!/[\u0000-\u0020:]/.test(e));
      assert.ok(!/\\(?![0-7]{3})/.test(e));
    }),
  );
});
