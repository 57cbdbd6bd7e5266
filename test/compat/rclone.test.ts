// rclone with an s3 remote, provider Other (ListObjects v1, path style).
import { rcloneDriver } from '../helpers/clients/rclone.js';
import { describeClient } from './client-suite.js';

describeClient('rclone', rcloneDriver);
