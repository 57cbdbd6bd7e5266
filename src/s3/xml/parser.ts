// The one place that configures fast-xml-parser's parser, for request bodies from
// untrusted clients. Defences: a byte limit checked before anything else; strict UTF-8;
// no DTD at all (a DOCTYPE is refused, so no entity can be declared, let alone expanded:
// no XML bomb, no external entity); well-formedness checked by the validator; a nesting
// limit. Only the five predefined entities and character references are decoded, here
// rather than by the library, so a CDATA section keeps its text verbatim.
// Every failure is MalformedXML.

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { S3Error } from '../errors.js';

/** An element: its local name (namespace prefix removed), child elements, and its text. */
export interface XmlNode {
  readonly name: string;
  readonly children: readonly XmlNode[];
  /** Text and CDATA content of this element itself, decoded, in document order. */
  readonly text: string;
}

export const MAX_XML_DEPTH = 16;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: false,
  cdataPropName: '#cdata',
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
});

export function malformed(message?: string): S3Error {
  return new S3Error('MalformedXML', message);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Parses a request body into its root element. */
export function parseXml(body: Uint8Array | string, options: { readonly maxBytes: number }): XmlNode {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > options.maxBytes) malformedThrow(`The XML you provided was larger than the maximum of ${options.maxBytes} bytes allowed.`);
  let text: string;
  try {
    text = typeof body === 'string' ? body.replace(/^\uFEFF/, '') : strictUtf8.decode(body);
  } catch {
    return malformedThrow('The XML you provided is not valid UTF-8.');
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) malformedThrow('Document type declarations are not allowed.');
  if (XMLValidator.validate(text) !== true) malformedThrow();
  let ordered: unknown;
  try {
    ordered = parser.parse(text);
  } catch {
    return malformedThrow();
  }
  const roots = toNodes(ordered);
  if (roots.length !== 1) malformedThrow();
  return roots[0]!;
}

function malformedThrow(message?: string): never {
  throw malformed(message);
}

// fast-xml-parser's ordered form: [{ name: [children], ':@'?: attrs } | { '#text': s } | { '#cdata': [{ '#text': s }] }]
function toNodes(list: unknown): XmlNode[] {
  if (!Array.isArray(list)) return malformedThrow();
  const out: XmlNode[] = [];
  for (const item of list) {
    const name = elementName(item);
    if (name === undefined || name === '#text' || name === '#cdata') continue;
    const content = (item as Record<string, unknown>)[name];
    out.push({ name, children: toNodes(content), text: textOf(content) });
  }
  return out;
}

function elementName(item: unknown): string | undefined {
  if (item === null || typeof item !== 'object') return undefined;
  const name = Object.keys(item).find((k) => k !== ':@');
  return name?.startsWith('?') ? undefined : name;
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const item of content as Array<Record<string, unknown>>) {
    if (typeof item['#text'] === 'string') text += decodeText(item['#text']);
    else if (Array.isArray(item['#cdata'])) {
      for (const c of item['#cdata'] as Array<Record<string, unknown>>) if (typeof c['#text'] === 'string') text += c['#text'];
    }
  }
  return text;
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Line ends normalised (XML 1.0 §2.11), then entity and character references decoded. */
function decodeText(raw: string): string {
  return raw.replace(/\r\n?/g, '\n').replace(/&([^;&\s]*);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) return malformedThrow();
    if (Object.hasOwn(PREDEFINED, ref)) return PREDEFINED[ref]!;
    const m = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(ref);
    const cp = m ? parseInt(m[1] ?? m[2]!, m[1] !== undefined ? 16 : 10) : NaN;
    if (!isXmlChar(cp)) return malformedThrow(`Invalid reference ${whole}`);
    return String.fromCodePoint(cp);
  });
}

// XML 1.0 Char production.
function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** Children with a given name. */
export const childrenNamed = (node: XmlNode, name: string): XmlNode[] => node.children.filter((c) => c.name === name);

/** The one child with a given name; absent => undefined, repeated => MalformedXML. */
export function childNamed(node: XmlNode, name: string): XmlNode | undefined {
  const found = childrenNamed(node, name);
  if (found.length > 1) malformedThrow(`Element ${name} appears more than once in ${node.name}.`);
  return found[0];
}

/** The root must have this name. */
export function expectRoot(node: XmlNode, name: string): XmlNode {
  if (node.name !== name) malformedThrow(`The root element must be ${name}.`);
  return node;
}
