// s3cmd, path style over plain http with SigV4 (presigned URLs are SigV2).
import { s3cmdDriver } from '../helpers/clients/s3cmd.js';
import { describeClient } from './client-suite.js';

describeClient('s3cmd', s3cmdDriver);
