// The JS SDK (CRC32 trailers by default) against keepgate in remote mode (gateway process ->
// embedded server process over HTTP, as in front of a plain Arvados cluster): every scenario.
import { jsSdkDriver } from '../helpers/clients/js-sdk.js';
import { describeClient } from './client-suite.js';

describeClient('js-sdk', jsSdkDriver, { backend: 'remote' });
