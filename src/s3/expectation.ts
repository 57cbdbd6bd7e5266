// Node's http server answers an Expect value other than 100-continue by itself (417, empty
// body) unless the server handles 'checkExpectation'. S3 clients get an S3 error document
// instead, and the body is never read.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { S3Error } from './errors.js';
import { errorXml } from './xml/responses.js';

export function refuseExpectation(req: IncomingMessage, res: ServerResponse): void {
  const err = new S3Error('InvalidRequest', 'The Expect header value is not supported; only 100-continue is.');
  const body = Buffer.from(errorXml({ code: err.code, message: err.message, resource: (req.url ?? '/').split('?')[0] ?? '/', requestId: '' }), 'utf8');
  res.writeHead(err.status, { 'content-type': 'application/xml', 'content-length': body.length, connection: 'close' });
  res.end(req.method === 'HEAD' ? undefined : body);
}
