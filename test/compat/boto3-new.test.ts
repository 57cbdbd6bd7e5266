// The newest boto3, from the Python on PATH (>= 1.36: default CRC32 checksums, no Content-MD5).
import { boto3Driver } from '../helpers/clients/boto3.js';
import { describeClient } from './client-suite.js';

describeClient('boto3-new', boto3Driver({ name: 'boto3-new', python: 'python3', minorAtLeast: 36 }));
