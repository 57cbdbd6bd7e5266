// The other clients against keepgate in remote mode, without the two long scenarios (200 MiB
// multipart upload, 1,000-key listing: those run in remote mode for aws cli v2 and the JS SDK,
// and for every client on the embedded backend), to stay within CI's time budget.
import { awsCliDriver } from '../helpers/clients/aws-cli.js';
import { boto3Driver } from '../helpers/clients/boto3.js';
import { rcloneDriver } from '../helpers/clients/rclone.js';
import { s3cmdDriver } from '../helpers/clients/s3cmd.js';
import { describeClient } from './client-suite.js';

const remoteSmoke = { backend: 'remote', scenarios: 'smoke' } as const;

describeClient('aws-cli-v1', awsCliDriver({ name: 'aws-cli-v1', bin: 'aws', major: 1 }), remoteSmoke);
describeClient('boto3-debian', boto3Driver({ name: 'boto3-debian', python: '/usr/bin/python3', minorBelow: 36 }), remoteSmoke);
describeClient('boto3-new', boto3Driver({ name: 'boto3-new', python: 'python3', minorAtLeast: 36 }), remoteSmoke);
describeClient('rclone', rcloneDriver, remoteSmoke);
describeClient('s3cmd', s3cmdDriver, remoteSmoke);
