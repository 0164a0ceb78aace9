// Drives the AWS CLI v2 from Debian's `awscli` package against a test server. Always
// /usr/bin/aws: a bare `aws` on PATH may be an old v1. The endpoint goes in both
// AWS_ENDPOINT_URL and --endpoint-url, since CLI releases before 2.13 ignore the variable.
import { existsSync } from 'node:fs';
import type { HearthServer } from './hearth-server.js';
import { run, succeeds, type RunResult } from './processes.js';
import { childEnv } from './repo-root.js';

export const AWS_CLI = '/usr/bin/aws';

/** Why the AWS CLI suite cannot run here, or undefined when it can. */
export function awsCliMissing(): string | undefined {
  if (!existsSync(AWS_CLI)) return `${AWS_CLI} is not installed (Debian package awscli)`;
  if (!succeeds(AWS_CLI, ['--version'])) return `${AWS_CLI} --version fails`;
  return undefined;
}

export function awsEnv(server: HearthServer): NodeJS.ProcessEnv {
  return childEnv({
    AWS_ACCESS_KEY_ID: server.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.credentials.secretAccessKey,
    AWS_REGION: server.region,
    AWS_DEFAULT_REGION: server.region,
    AWS_ENDPOINT_URL: server.endpoint,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  });
}

export function aws(server: HearthServer, args: readonly string[], cwd?: string): Promise<RunResult> {
  return run(AWS_CLI, ['--endpoint-url', server.endpoint, '--output', 'json', ...args], {
    env: awsEnv(server),
    ...(cwd === undefined ? {} : { cwd }),
  });
}
