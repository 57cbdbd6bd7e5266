// `encoding-type=url` in listings (CLIENTS.md R3.6). botocore decodes the echoed values with
// unquote_plus, other SDKs with a plain percent-decoder, so only a form both read the same
// way is safe: every UTF-8 byte outside A-Z a-z 0-9 - . _ ~ as %XX. A literal `+` becomes
// %2B and a space %20 (never `+`); `/` becomes %2F as keep-web does.

const UNRESERVED = /[A-Za-z0-9\-._~]/;

export function urlEncodeValue(value: string): string {
  let out = '';
  for (const ch of value) {
    if (UNRESERVED.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The encoder a listing applies to keys, prefixes, delimiters and markers. */
export function listEncoder(encodingType: 'url' | undefined): (value: string) => string {
  return encodingType === 'url' ? urlEncodeValue : (v) => v;
}
