// AWS CLI v2 against keepgate in remote mode (gateway process -> embedded server process over
// HTTP, as in front of a plain Arvados cluster): every scenario.
import { awsCliDriver } from '../helpers/clients/aws-cli.js';
import { describeClient } from './client-suite.js';

describeClient('aws-cli-v2', awsCliDriver({ name: 'aws-cli-v2', bin: '/usr/bin/aws', major: 2 }), { backend: 'remote' });
