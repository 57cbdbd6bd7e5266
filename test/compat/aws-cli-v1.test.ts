// AWS CLI v1 (the `aws` on PATH: Python package, botocore >= 1.36 with default CRC32 checksums).
import { awsCliDriver } from '../helpers/clients/aws-cli.js';
import { describeClient } from './client-suite.js';

describeClient('aws-cli-v1', awsCliDriver({ name: 'aws-cli-v1', bin: 'aws', major: 1 }));
