import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_DELETE_KEYS,
  XML_BODY_LIMITS,
  parseCompleteMultipartUpload,
  parseCreateBucketConfiguration,
  parseDeleteObjects,
  parseTagging,
} from '../../../src/s3/xml/request-bodies.js';
import { parseXml } from '../../../src/s3/xml/parser.js';
import { escapeXmlText } from '../../../src/s3/xml/builder.js';
import { S3Error, type S3ErrorCode } from '../../../src/s3/errors.js';

function rejects(fn: () => unknown, code: S3ErrorCode = 'MalformedXML'): void {
  assert.throws(fn, (e: unknown) => e instanceof S3Error && e.code === code);
}

const deleteBody = (keys: string[], extra = ''): string =>
  `<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${extra}${keys.map((k) => `<Object><Key>${escapeXmlText(k)}</Key></Object>`).join('')}</Delete>`;

test('DeleteObjects: keys verbatim (spaces, entities, references, CDATA), Quiet, VersionId', () => {
  // Shapes sent by botocore (ElementTree) and the JS SDK (which writes CR/LF as references).
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">\n  <Object>\n    <Key> lead and trail </Key>\n  </Object>\n' +
    '  <Object><Key>a&amp;b&lt;c&gt;&quot;&apos;&#x0D;&#x0A;&#9;&#x26D5;</Key><VersionId>null</VersionId></Object>\n' +
    '  <Object><Key><![CDATA[x&amp;y<z>]]></Key></Object><Object><Key>raw\r\nline</Key></Object><Quiet>true</Quiet></Delete>';
  assert.deepEqual(parseDeleteObjects(Buffer.from(body)), {
    quiet: true,
    objects: [{ key: ' lead and trail ' }, { key: 'a&b<c>"\'\r\n\t⛕', versionId: 'null' }, { key: 'x&amp;y<z>' }, { key: 'raw\nline' }],
  });
  assert.equal(parseDeleteObjects(deleteBody(['k'])).quiet, false);
  assert.equal(parseDeleteObjects(deleteBody(['k'], '<Quiet>false</Quiet>')).quiet, false);
  assert.equal(parseDeleteObjects(deleteBody(['k'], '<Quiet>TRUE</Quiet>')).quiet, true);
  // Namespace prefixes and a byte-order mark are fine.
  assert.deepEqual(parseDeleteObjects('\uFEFF<s3:Delete xmlns:s3="x"><s3:Object><s3:Key>k</s3:Key></s3:Object></s3:Delete>').objects, [{ key: 'k' }]);
  assert.deepEqual(parseDeleteObjects('<Delete><Object><Key/></Object></Delete>').objects, [{ key: '' }]);
});

test('DeleteObjects: 1..1000 objects, each with one Key', () => {
  const keys = Array.from({ length: MAX_DELETE_KEYS }, (_, i) => `dir/${'x'.repeat(900)}/${i}`);
  assert.equal(parseDeleteObjects(deleteBody(keys)).objects.length, MAX_DELETE_KEYS);
  rejects(() => parseDeleteObjects(deleteBody([...keys, 'one more'])));
  rejects(() => parseDeleteObjects(deleteBody([])));
  rejects(() => parseDeleteObjects('<Delete><Object><VersionId>1</VersionId></Object></Delete>'));
  rejects(() => parseDeleteObjects('<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>'));
  rejects(() => parseDeleteObjects('<NotDelete><Object><Key>a</Key></Object></NotDelete>'));
});

test('hostile XML: DTDs, entity bombs, external entities, bad references, depth, size, encoding, shape', () => {
  const bomb =
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
    Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('') +
    ']><Delete><Object><Key>&lol9;</Key></Object></Delete>';
  rejects(() => parseDeleteObjects(bomb));
  rejects(() => parseDeleteObjects('<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&x;</Key></Object></Delete>'));
  rejects(() => parseDeleteObjects('<!doctype Delete><Delete><Object><Key>a</Key></Object></Delete>'));
  rejects(() => parseDeleteObjects('<Delete><Object><Key>&nbsp;</Key></Object></Delete>'));
  rejects(() => parseDeleteObjects('<Delete><Object><Key>a & b</Key></Object></Delete>'));
  rejects(() => parseDeleteObjects('<Delete><Object><Key>&#0;</Key></Object></Delete>'));
  rejects(() => parseDeleteObjects('<Delete><Object><Key>&#xD800;</Key></Object></Delete>'));
  rejects(() => parseDeleteObjects('<Delete><Object><Key>&#x110000;</Key></Object></Delete>'));
  rejects(() => parseDeleteObjects(`<Delete>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}<Object><Key>a</Key></Object></Delete>`));
  rejects(() => parseDeleteObjects(`<Delete><Object><Key>${'x'.repeat(XML_BODY_LIMITS.DeleteObjects)}</Key></Object></Delete>`));
  rejects(() => parseDeleteObjects(Buffer.from([...Buffer.from('<Delete><Object><Key>'), 0xc3, 0x28, ...Buffer.from('</Key></Object></Delete>')])));
  rejects(() => parseDeleteObjects('<Delete><Object><Key>a</Key></Object>'));
  rejects(() => parseDeleteObjects('<Delete><Object><Key>a</Key></Object></Delete><Delete/>'));
  rejects(() => parseDeleteObjects('<__proto__><Object><Key>a</Key></Object></__proto__>'));
  rejects(() => parseDeleteObjects(''));
  rejects(() => parseDeleteObjects('not xml'));
});

test('property: any body gives a result or MalformedXML, never another exception', () => {
  const fragments = fc.constantFrom('<Delete>', '</Delete>', '<Object>', '</Object>', '<Key>', '</Key>', '<Quiet>true</Quiet>', '&amp;', '&', '<!DOCTYPE x>',
    '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>', '&#x41;', '&#;', '<', '>', 'text', '"', '\0', '\uFFFF', '⛵');
  fc.assert(
    fc.property(fc.oneof(fc.array(fragments, { maxLength: 20 }).map((a) => a.join('')), fc.string({ unit: 'binary', maxLength: 200 })), (body) => {
      for (const parse of [parseDeleteObjects, parseCompleteMultipartUpload, parseTagging, parseCreateBucketConfiguration]) {
        try {
          parse(body);
        } catch (e) {
          assert.ok(e instanceof S3Error, String(e));
          assert.ok(['MalformedXML', 'InvalidPartOrder', 'InvalidTag', 'InvalidArgument', 'InvalidPart'].includes(e.code), e.code);
        }
      }
    }),
    { numRuns: 1000 },
  );
});

test('property: keys escaped by the builder parse back verbatim', () => {
  // XML 1.0 characters only: other control characters cannot be carried in XML at all.
  const xmlChar = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, ''));
  fc.assert(
    fc.property(fc.array(xmlChar, { minLength: 1, maxLength: 5 }), (keys) => {
      assert.deepEqual(parseDeleteObjects(deleteBody(keys)).objects.map((o) => o.key), keys);
    }),
  );
});

test('CompleteMultipartUpload: parts with ETags (quotes dropped) and checksum elements, ascending', () => {
  const body =
    '<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
    '<Part><ETag>"7ac66c0f148de9519b8bd264312c4d64"</ETag><PartNumber>1</PartNumber><ChecksumCRC32>AAAAAA==</ChecksumCRC32>' +
    '<ChecksumCRC32C>yZRlqg==</ChecksumCRC32C><ChecksumCRC64NVME>AAAAAAAAAAA=</ChecksumCRC64NVME><ChecksumSHA1>2jmj7l5rSw0yVb/vlWAYkK/YBwk=</ChecksumSHA1>' +
    '<ChecksumSHA256>47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=</ChecksumSHA256></Part>' +
    '<Part><PartNumber> 3 </PartNumber><ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag></Part></CompleteMultipartUpload>';
  assert.deepEqual(parseCompleteMultipartUpload(body), {
    parts: [
      {
        partNumber: 1,
        etag: '7ac66c0f148de9519b8bd264312c4d64',
        checksums: {
          crc32: 'AAAAAA==',
          crc32c: 'yZRlqg==',
          crc64nvme: 'AAAAAAAAAAA=',
          sha1: '2jmj7l5rSw0yVb/vlWAYkK/YBwk=',
          sha256: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
        },
      },
      { partNumber: 3, etag: '0cc175b9c0f1b6a831c399e269772661', checksums: {} },
    ],
  });
  const part = (n: string) => `<Part><PartNumber>${n}</PartNumber><ETag>e</ETag></Part>`;
  const complete = (...parts: string[]) => `<CompleteMultipartUpload>${parts.join('')}</CompleteMultipartUpload>`;
  rejects(() => parseCompleteMultipartUpload(complete(part('2'), part('1'))), 'InvalidPartOrder');
  rejects(() => parseCompleteMultipartUpload(complete(part('1'), part('1'))), 'InvalidPartOrder');
  for (const bad of ['x', '', '1.5', '1e3', '+1', '0x10']) rejects(() => parseCompleteMultipartUpload(complete(part(bad))));
  for (const low of ['0', '00', '-1', '-0']) rejects(() => parseCompleteMultipartUpload(complete(part(low))), 'InvalidArgument');
  for (const high of ['10001', '99999', '99999999999999999999']) {
    rejects(() => parseCompleteMultipartUpload(complete(part('1'), part(high))), 'InvalidPart');
  }
  assert.equal(parseCompleteMultipartUpload(complete(part('0010000'))).parts[0]?.partNumber, 10000);
  rejects(() => parseCompleteMultipartUpload(complete()));
  rejects(() => parseCompleteMultipartUpload(complete('<Part><PartNumber>1</PartNumber></Part>')));
  assert.equal(parseCompleteMultipartUpload(complete(...Array.from({ length: 10000 }, (_, i) => part(String(i + 1))))).parts.length, 10000);
});

test('Tagging: TagSet of Key/Value, limits as S3', () => {
  const tagging = (tags: Array<[string, string?]>) =>
    `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${escapeXmlText(k)}</Key>${v === undefined ? '' : `<Value>${escapeXmlText(v)}</Value>`}</Tag>`).join('')}</TagSet></Tagging>`;
  assert.deepEqual(parseTagging(tagging([['project', 'genomics'], ['empty', ''], ['novalue']])), [
    { key: 'project', value: 'genomics' },
    { key: 'empty', value: '' },
    { key: 'novalue', value: '' },
  ]);
  assert.deepEqual(parseTagging('<Tagging><TagSet/></Tagging>'), []);
  rejects(() => parseTagging(tagging([['a', '1'], ['a', '2']])), 'InvalidTag');
  rejects(() => parseTagging(tagging([['', '1']])), 'InvalidTag');
  rejects(() => parseTagging(tagging([['k'.repeat(129), '1']])), 'InvalidTag');
  rejects(() => parseTagging(tagging([['k', 'v'.repeat(257)]])), 'InvalidTag');
  rejects(() => parseTagging(tagging(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'] as [string, string]))), 'InvalidTag');
  assert.equal(parseTagging(tagging([['⛵'.repeat(128), 'é'.repeat(256)]])).length, 1);
  rejects(() => parseTagging('<Tagging></Tagging>'));
});

test('CreateBucketConfiguration: empty body or a LocationConstraint (ignored)', () => {
  assert.deepEqual(parseCreateBucketConfiguration(''), {});
  assert.deepEqual(parseCreateBucketConfiguration(Buffer.from(' \r\n')), {});
  assert.deepEqual(
    parseCreateBucketConfiguration('<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>'),
    { locationConstraint: 'eu-west-1' },
  );
  assert.deepEqual(parseCreateBucketConfiguration('<CreateBucketConfiguration/>'), {});
  rejects(() => parseCreateBucketConfiguration('<Other/>'));
});

test('parseXml keeps text and CDATA in document order and drops comments and PIs', () => {
  const root = parseXml('<?xml version="1.0"?><!-- c --><R>a<!-- x --><![CDATA[<b>]]>c<?pi d?><C>e</C></R>', { maxBytes: 1000 });
  assert.equal(root.name, 'R');
  assert.equal(root.text, 'a<b>c');
  assert.deepEqual(root.children, [{ name: 'C', children: [], text: 'e' }]);
});
