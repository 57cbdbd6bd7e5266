import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManifestError, validateManifest } from '../../../src/manifest/index.js';
import { rubyLocatorAddress } from '../../../src/manifest/ruby-locator.js';
import { fixture } from './fixtures.js';

interface RailsVector {
  manifest: string | null;
  valid: boolean;
  error_substring: string | null;
}
interface RubyLocatorVector {
  locator: string | null;
  valid: boolean;
  size_group?: string | null;
}
const rails = fixture<{ rails_validator: RailsVector[] }>('manifest-validation.json').rails_validator;
const rubyLocators = fixture<{ ruby_LOCATOR_REGEXP: { vectors: RubyLocatorVector[] } }>('locators.json').ruby_LOCATOR_REGEXP.vectors;

test('manifest-validation.json rails_validator: valid manifests pass', () => {
  for (const v of rails.filter((c) => c.valid)) assert.doesNotThrow(() => validateManifest(v.manifest), JSON.stringify(v.manifest));
});

test('manifest-validation.json rails_validator: invalid manifests fail with the server message', () => {
  for (const v of rails.filter((c) => !c.valid)) {
    assert.throws(
      () => validateManifest(v.manifest),
      (err: unknown) => {
        assert.ok(err instanceof ManifestError);
        assert.ok(err.message.includes(v.error_substring!), `${JSON.stringify(v.manifest)}: ${err.message}`);
        return true;
      },
    );
  }
});

test('locators.json ruby_LOCATOR_REGEXP: the same tokens count as locators, with the same size group', () => {
  for (const v of rubyLocators) {
    const address = v.locator === null ? undefined : rubyLocatorAddress(v.locator);
    assert.equal(address !== undefined, v.valid, JSON.stringify(v.locator));
    if (address !== undefined) assert.equal(address.sizeHint || null, v.size_group ?? null);
  }
});

function messageOf(text: string): string {
  try {
    validateManifest(text);
  } catch (err) {
    if (err instanceof ManifestError) return err.message;
    throw err;
  }
  return 'valid';
}

const E = 'd41d8cd98f00b204e9800998ecf8427e+0';

test('errors carry the stream number', () => {
  try {
    validateManifest(`. ${E} 0:0:a\n. ${E} 0:0:/b\n`);
    assert.fail('accepted');
  } catch (err) {
    assert.ok(err instanceof ManifestError);
    assert.equal(err.line, 2);
  }
});

test('Ruby quirks: multi-line anchors on unescaped names, Unicode digits, big escapes', () => {
  // "\012" puts a newline in the name, and Ruby's `^`/`$` match around it.
  assert.equal(messageOf(`x\\012./a ${E} 0:0:x\n`), 'valid');
  assert.match(messageOf(`./.\\012x ${E} 0:0:x\n`), /invalid stream name/);
  assert.equal(messageOf(`. ${E} 0:0:\\057\\0120:0:x\n`), 'valid');
  assert.equal(messageOf(`. ${E} ٣:٣:x\n`), 'valid');
  assert.match(messageOf(`. ${E} 0:0:x \\\\777\n`), /invalid file token/);
  assert.match(messageOf(`. ${E} 0:0:\ud800\n`), /UTF-8/);
  assert.equal(messageOf(`. ${E} 0:0:#{x}\n. ${E}\n`), 'Manifest invalid for stream 2: no file tokens');
  assert.equal(messageOf(`. ${E} 0:0:a\\037\u0001#{x}\n`), 'Manifest invalid for stream 1: invalid file token "0:0:a\\\\037\\u0001\\#{x}"');
});
