import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  formatLocator,
  hintValues,
  locatorHash,
  locatorSize,
  parseLocator,
  remoteSignature,
  serviceHints,
  tryParseLocator,
  withoutHints,
} from '../../../src/keep/locator.js';
import { isDomainError } from '../../../src/common/errors.js';
import { loadFixture } from './fixture.js';

interface LocatorFixtures {
  doc_grammar: { valid: string[]; invalid: Array<{ locator: string; why: string }> };
  ruby_LOCATOR_REGEXP: {
    vectors: Array<{ locator: string | null; valid: boolean; size?: string | null; hints_group?: string | null }>;
  };
  keepstore_getLocatorInfo: {
    vectors: Array<{ locator: string; ok: boolean; hash?: string; size?: number; signed?: boolean; remote?: boolean }>;
  };
  python_KeepLocator_hints: { accepted: string[]; rejected: string[] };
}

const fx = loadFixture<LocatorFixtures>('locators.json');

test('documented grammar (strict): every valid vector parses and round-trips', () => {
  for (const text of fx.doc_grammar.valid) {
    const loc = parseLocator(text);
    assert.equal(formatLocator(loc), text);
    assert.equal(loc.hash, text.slice(0, 32));
  }
});

test('documented grammar (strict): every invalid vector is rejected', () => {
  for (const { locator, why } of fx.doc_grammar.invalid) {
    assert.equal(tryParseLocator(locator), undefined, why);
    assert.throws(() => parseLocator(locator), (e) => isDomainError(e, 'InvalidArgument'));
  }
});

test('ruby grammar: validity, size and hints of every vector', () => {
  for (const v of fx.ruby_LOCATOR_REGEXP.vectors) {
    const loc = tryParseLocator(v.locator, { grammar: 'ruby' });
    assert.equal(loc !== undefined, v.valid, JSON.stringify(v.locator));
    if (!loc) continue;
    assert.equal(loc.size === undefined ? null : String(loc.size), v.size);
    assert.equal(loc.hints.length === 0 ? null : loc.hints.map((h) => `+${h}`).join(''), v.hints_group);
  }
});

test('keepstore grammar: every getLocatorInfo vector', () => {
  for (const v of fx.keepstore_getLocatorInfo.vectors) {
    const loc = tryParseLocator(v.locator, { grammar: 'keepstore' });
    assert.equal(loc !== undefined, v.ok, v.locator);
    if (!loc) continue;
    assert.equal(loc.hash, v.hash);
    assert.equal(loc.size ?? 0, v.size);
    assert.equal(loc.hints.some((h) => h.startsWith('A')), v.signed);
    assert.equal(loc.hints.some((h) => h.startsWith('R')), v.remote);
  }
});

test('strict grammar: python KeepLocator hint checks', () => {
  const base = 'acbd18db4cc2f85cedef654fccc4a4d8+3';
  for (const hint of fx.python_KeepLocator_hints.accepted) {
    assert.ok(tryParseLocator(`${base}+${hint}`), hint);
  }
  for (const hint of fx.python_KeepLocator_hints.rejected) {
    assert.equal(tryParseLocator(`${base}+${hint}`), undefined, hint);
  }
});

test('locatorHash and locatorSize', () => {
  assert.equal(locatorHash('acbd18db4cc2f85cedef654fccc4a4d8+3+Zfoo'), 'acbd18db4cc2f85cedef654fccc4a4d8');
  assert.equal(locatorHash('acbd18db4cc2f85cedef654fccc4a4d8'), 'acbd18db4cc2f85cedef654fccc4a4d8');
  assert.equal(locatorSize('acbd18db4cc2f85cedef654fccc4a4d8+3+Zfoo'), 3);
  assert.equal(locatorSize('acbd18db4cc2f85cedef654fccc4a4d8+Zfoo'), undefined);
  assert.equal(locatorSize('acbd18db4cc2f85cedef654fccc4a4d8'), undefined);
  for (const bad of ['', 'ACBD18DB4CC2F85CEDEF654FCCC4A4D8+3', 'acbd18db4cc2f85cedef654fccc4a4d80+3', '../etc/passwd']) {
    assert.throws(() => locatorHash(bad), (e) => isDomainError(e, 'InvalidArgument'), bad);
  }
});

test('hint helpers: +R, +K, and dropping hints', () => {
  const loc = parseLocator('930625b054ce894ac40596c3f5a0d947+33+Rzzzzz-1f27a35dd9af37191d63ad8eb8985624451e7b79@5835c8bc+K@xyzzy+K@zzzzz-bi6l4-000000000000001');
  assert.deepEqual(remoteSignature(loc), {
    cluster: 'zzzzz',
    signature: '1f27a35dd9af37191d63ad8eb8985624451e7b79',
    expiresAt: 0x5835c8bc,
  });
  assert.deepEqual(serviceHints(loc), [
    { kind: 'cluster', cluster: 'xyzzy' },
    { kind: 'service', uuid: 'zzzzz-bi6l4-000000000000001' },
  ]);
  assert.deepEqual(hintValues(loc, 'K'), ['@xyzzy', '@zzzzz-bi6l4-000000000000001']);
  assert.equal(remoteSignature(parseLocator('930625b054ce894ac40596c3f5a0d947+33')), undefined);
  assert.equal(withoutHints('930625b054ce894ac40596c3f5a0d947+33+Zx+Aab@cd+Ky', 'A'), '930625b054ce894ac40596c3f5a0d947+33+Zx+Ky');
});

test('format(parse(x)) === x for generated strict locators', () => {
  const hex = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 });
  const hint = fc
    .tuple(fc.constantFrom(...'BCDEFGHIJKLMNOPQRSTUVWXYZ'), fc.string({ unit: fc.constantFrom(...'abcXYZ019@_-'), maxLength: 12 }))
    .map(([a, b]) => a + b);
  fc.assert(
    fc.property(hex, fc.nat({ max: 64 * 1024 * 1024 }), fc.array(hint, { maxLength: 4 }), (hash, size, hints) => {
      const text = [hash, String(size), ...hints].join('+');
      const loc = parseLocator(text);
      assert.deepEqual(loc, { hash, size, hints });
      assert.equal(formatLocator(loc), text);
      assert.equal(locatorHash(text), hash);
      assert.equal(locatorSize(text), size);
    }),
  );
});
