import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mapLocators, portableDataHash, portableManifestText, stripSignatures } from '../../../src/manifest/index.js';
import { fixture } from './fixtures.js';

interface ManifestVector {
  id: string;
  manifest: string;
  pdh: string;
  portable_form?: string;
}
const manifests = fixture<{ vectors: ManifestVector[] }>('manifests.json').vectors;

test('manifests.json: every PDH and portable form matches the API server', () => {
  for (const v of manifests) {
    assert.equal(portableDataHash(v.manifest), v.pdh, v.id);
    if (v.portable_form !== undefined) assert.equal(portableManifestText(v.manifest), v.portable_form, v.id);
  }
});

test('signed and unsigned forms share a PDH', () => {
  const byId = new Map(manifests.map((v) => [v.id, v]));
  const signed = byId.get('doc:four-files-signed')!;
  assert.equal(portableDataHash(signed.manifest), byId.get('doc:four-files')!.pdh);
  assert.equal(portableDataHash(stripSignatures(signed.manifest)), signed.pdh);
});

test('portable form: right-trimmed lines, whitespace runs collapsed, size text kept verbatim', () => {
  const H = 'D41D8CD98F00B204E9800998ECF8427E';
  assert.equal(portableManifestText(''), '');
  assert.equal(portableManifestText(`.  ${H}+007+Kzzzzz\t0:0:a \u0000\n\n. x`), `. ${H}+007 0:0:a\n\n. x\n`);
  // the first word of a line is never a locator; a bad hint keeps the token whole
  assert.equal(portableManifestText(`${H}+1+K a+1+K ${H}+1+k\n`), `${H}+1+K a+1+K ${H}+1+k\n`);
});

test('stripSignatures removes +A hints only, in locator tokens only', () => {
  const sig = `+A${'a'.repeat(40)}@12345678`;
  const text = `. acbd18db4cc2f85cedef654fccc4a4d8+3${sig}+Kzzzzz 37b51d194a7513e45b56f6524f2d51f2+3${sig} 0:6:x+Ay\n./d d41d8cd98f00b204e9800998ecf8427e+0${sig} 0:0:e\n`;
  assert.equal(
    stripSignatures(text),
    '. acbd18db4cc2f85cedef654fccc4a4d8+3+Kzzzzz 37b51d194a7513e45b56f6524f2d51f2+3 0:6:x+Ay\n./d d41d8cd98f00b204e9800998ecf8427e+0 0:0:e\n',
  );
  const unsigned = '. acbd18db4cc2f85cedef654fccc4a4d8+3 0:3:x\n';
  assert.equal(stripSignatures(unsigned), unsigned);
});

test('mapLocators rewrites each block locator once and nothing else', () => {
  const seen: string[] = [];
  const text = '. acbd18db4cc2f85cedef654fccc4a4d8+3 acbd18db4cc2f85cedef654fccc4a4d8+3+Zx 0:6:acbd18db4cc2f85cedef654fccc4a4d8+3\nacbd18db4cc2f85cedef654fccc4a4d8+3 d41d8cd98f00b204e9800998ecf8427e+0 0:0:y\n';
  const out = mapLocators(text, (loc) => {
    seen.push(loc);
    return `${loc}+Asig`;
  });
  assert.deepEqual(seen, ['acbd18db4cc2f85cedef654fccc4a4d8+3', 'acbd18db4cc2f85cedef654fccc4a4d8+3+Zx', 'd41d8cd98f00b204e9800998ecf8427e+0']);
  assert.equal(
    out,
    '. acbd18db4cc2f85cedef654fccc4a4d8+3+Asig acbd18db4cc2f85cedef654fccc4a4d8+3+Zx+Asig 0:6:acbd18db4cc2f85cedef654fccc4a4d8+3\nacbd18db4cc2f85cedef654fccc4a4d8+3 d41d8cd98f00b204e9800998ecf8427e+0+Asig 0:0:y\n',
  );
});

test('signing then stripping restores the text, and the PDH never changes', () => {
  const hex = fc.stringMatching(/^[0-9a-f]{32}$/);
  const line = fc.tuple(fc.array(fc.tuple(hex, fc.nat(1000)), { minLength: 1, maxLength: 4 }), fc.nat(5)).map(
    ([blocks, n]) => `. ${blocks.map(([h, s]) => `${h}+${s}`).join(' ')} 0:${n}:f${n}\n`,
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 5 }), (lines) => {
      const text = lines.join('');
      const signed = mapLocators(text, (loc) => `${loc}+A${'0'.repeat(40)}@ffffffff`);
      assert.equal(stripSignatures(signed), text);
      assert.equal(portableDataHash(signed), portableDataHash(text));
    }),
  );
});
