// The ArvadosApiError statuses the embedded backend answers with, named after what Arvados
// means by them (ARVADOS.md d.1): 401 no valid token, 403 may see but not do, 404 absent or
// unreadable, 422 validation/state errors, 400 malformed request.

import { ArvadosApiError } from '../../arvados-api/api.js';

export const unauthorized = (): ArvadosApiError => new ArvadosApiError(401, 'Not logged in');
export const forbidden = (msg = 'Permission denied'): ArvadosApiError => new ArvadosApiError(403, msg);
export const notFound = (what: string): ArvadosApiError => new ArvadosApiError(404, `Not found: ${what}`);
export const unprocessable = (msg: string): ArvadosApiError => new ArvadosApiError(422, msg);
export const badRequest = (msg: string): ArvadosApiError => new ArvadosApiError(400, msg);
