// The one place that configures fast-xml-parser's builder. Responses are written as S3
// writes them: `<?xml version="1.0" encoding="UTF-8"?>`, a newline, then the document on one
// line, with `<Empty></Empty>` for empty elements and `"` escaped (AWS sends
// `<ETag>&quot;…&quot;</ETag>`).

import { XMLBuilder } from 'fast-xml-parser';
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

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: false,
  processEntities: false,
  format: false,
  tagValueProcessor: (_name: string, value: unknown) => escapeXmlText(String(value)),
  attributeValueProcessor: (_name: string, value: unknown) => escapeXmlText(String(value)),
});

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
  return XML_DECLARATION + builder.build({ [root]: { ...attrs, ...prune(body) } });
}

/** Element with attributes, for the few S3 elements that have some (Grantee). */
export function withAttributes(attributes: Readonly<Record<string, string>>, body: XmlElements): XmlElements {
  const out: Record<string, XmlContent> = {};
  for (const [k, v] of Object.entries(attributes)) out[`@_${k}`] = v;
  return { ...out, ...body };
}

function prune(body: XmlElements): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, content] of Object.entries(body)) {
    if (content !== undefined) out[name] = pruneContent(content);
  }
  return out;
}

function pruneContent(content: XmlContent): unknown {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(pruneContent);
  return prune(content as XmlElements);
}

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
