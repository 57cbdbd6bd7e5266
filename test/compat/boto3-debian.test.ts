// Debian's python3-boto3 under the system Python (older than 1.36: Content-MD5, no default checksums).
import { boto3Driver } from '../helpers/clients/boto3.js';
import { describeClient } from './client-suite.js';

describeClient('boto3-debian', boto3Driver({ name: 'boto3-debian', python: '/usr/bin/python3', minorBelow: 36 }));
