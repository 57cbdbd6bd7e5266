// @aws-sdk/client-s3 + @aws-sdk/lib-storage with default checksum settings (CRC32 trailers on streamed bodies).
import { jsSdkDriver } from '../helpers/clients/js-sdk.js';
import { describeClient } from './client-suite.js';

describeClient('js-sdk', jsSdkDriver);
