// Response bodies are written as S3 writes them: `<?xml version="1.0" encoding="UTF-8"?>`, a
// newline, then the document on one line, with `<Empty></Empty>` for empty elements and `"`
// escaped (AWS sends `<ETag>&quot;…&quot;</ETag>`). A document is described as nested
// XmlElements and serialised here directly: a listing page is a thousand entries, and a
// general-purpose builder (with its own copy of the tree) cost more than everything else
// in the request.

import type { Checksums } from './types.js';

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Content-Type of every XML body keepgate sends. */
export const XML_CONTENT_TYPE = 'application/xml';

/** An element's content: text, child elements, or a list (the element repeated). */
export type XmlContent = string | XmlElements | readonly XmlContent[];
/** Child elements in document order; undefined children are left out. */
export interface XmlElements {
  readonly [name: string]: XmlContent | undefined;
}

/**
 * Text escaping: markup characters, CR (a raw CR would be read back as LF), and the other
 * control characters XML 1.0 cannot carry raw, as numeric references as AWS does. Clients
 * that may meet such keys ask for encoding-type=url (botocore always does).
 */
export function escapeXmlText(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are escaped here
  return s.replace(/[&<>"\x00-\x08\x0b-\x1f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      default:
        return `&#x${c.charCodeAt(0).toString(16).toUpperCase()};`;
    }
  });
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

export interface DocumentOptions {
  /** Put xmlns="http://s3.amazonaws.com/doc/2006-03-01/" on the root (every S3 result but Error does). */
  readonly namespace: boolean;
  /** Further attributes of the root element. */
  readonly attributes?: Readonly<Record<string, string>>;
}

/** A complete response body. */
export function xmlDocument(root: string, body: XmlElements, options: DocumentOptions): string {
  const attrs: Record<string, string> = {};
  if (options.namespace) attrs['@_xmlns'] = S3_XMLNS;
  for (const [k, v] of Object.entries(options.attributes ?? {})) attrs[`@_${k}`] = v;
  return XML_DECLARATION + element(root, { ...attrs, ...body });
}

/** Element with attributes, for the few S3 elements that have some (Grantee). */
export function withAttributes(attributes: Readonly<Record<string, string>>, body: XmlElements): XmlElements {
  const out: Record<string, XmlContent> = {};
  for (const [k, v] of Object.entries(attributes)) out[`@_${k}`] = v;
  return { ...out, ...body };
}

/**
 * `<name>` with `content`: text is escaped, a list repeats the element, child elements go in
 * order (undefined ones left out); in an element's object, `@_x` keys are its attributes and
 * `#text` its text.
 */
function element(name: string, content: XmlContent): string {
  if (typeof content === 'string') return `<${name}>${escapeXmlText(content)}</${name}>`;
  if (isList(content)) {
    let out = '';
    for (const item of content) out += element(name, item);
    return out;
  }
  let attrs = '';
  let inner = '';
  for (const key of Object.keys(content)) {
    const value = content[key];
    if (value === undefined) continue;
    if (key.startsWith('@_')) attrs += ` ${key.slice(2)}="${escapeXmlText(String(value))}"`;
    else if (key === '#text') inner += escapeXmlText(String(value));
    else inner += element(key, value);
  }
  return `<${name}${attrs}>${inner}</${name}>`;
}

const isList = (c: XmlContent): c is readonly XmlContent[] => Array.isArray(c);

/** ISO 8601 with milliseconds and Z, as S3 writes timestamps in XML. */
export const xmlTimestamp = (d: Date): string => d.toISOString();

export const quotedEtag = (etag: string): string => `"${etag}"`;

/** Checksum elements in S3's order, present ones only. */
export function checksumElements(c: Checksums | undefined): XmlElements {
  return {
    ChecksumCRC32: c?.crc32,
    ChecksumCRC32C: c?.crc32c,
    ChecksumCRC64NVME: c?.crc64nvme,
    ChecksumSHA1: c?.sha1,
    ChecksumSHA256: c?.sha256,
  };
}

/** Owner-shaped elements (Owner, Initiator). */
export const ownerElements = (o: { id: string; displayName: string }): XmlElements => ({ ID: o.id, DisplayName: o.displayName });
