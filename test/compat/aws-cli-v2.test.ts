// AWS CLI v2 from Debian's awscli package (/usr/bin/aws; still sends Content-MD5).
import { awsCliDriver } from '../helpers/clients/aws-cli.js';
import { describeClient } from './client-suite.js';

describeClient('aws-cli-v2', awsCliDriver({ name: 'aws-cli-v2', bin: '/usr/bin/aws', major: 2 }));
