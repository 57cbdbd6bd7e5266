// The hand-written serialiser against an XML parser: any text survives a round trip, lists
// repeat their element, undefined children are left out, attributes come before children.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { xmlDocument, withAttributes } from '../../../src/s3/xml/builder.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, trimValues: false, processEntities: true, htmlEntities: true, isArray: (name) => name === 'Item' });

// Markup characters and any printable text (control characters are escaped as numeric references, which XML 1.0 parsers refuse).
const xmlText = fc.string({ unit: fc.oneof(fc.constantFrom('&', '<', '>', '"', "'", ' ', 'é', '⛵'), fc.string({ unit: 'grapheme', maxLength: 1 })) });

test('any text survives a round trip through the serialiser and an XML parser', () => {
  fc.assert(
    fc.property(fc.array(xmlText, { maxLength: 5 }), xmlText, (items, attr) => {
      const doc = xmlDocument(
        'Root',
        { Skipped: undefined, Items: { Item: items.map((v) => ({ V: v })) }, Tagged: withAttributes({ a: attr }, { '#text': 'x' }) },
        { namespace: true },
      );
      assert.ok(doc.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Root xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'));
      assert.ok(!doc.includes('Skipped'));
      const parsed = parser.parse(doc) as { Root: { Items: { Item?: Array<{ V: string }> } | string; Tagged: { '@_a': string; '#text': string } } };
      const got = typeof parsed.Root.Items === 'string' ? [] : (parsed.Root.Items.Item ?? []).map((i) => i.V);
      assert.deepEqual(got, items);
      assert.equal(parsed.Root.Tagged['@_a'], attr);
    }),
    { numRuns: 300 },
  );
});
