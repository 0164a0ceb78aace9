// The environment variables of a sandbox, built from scratch: nothing of Hearth's own process
// environment (NODE_EXTRA_CA_CERTS, HEARTH_*, database URLs…) can reach a function.
// Names and values follow "Defined runtime environment variables":
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
// Precedence: the function's own variables < the runtime's launch env < the platform's reserved
// values (validation refuses reserved keys in the function's variables; this is the backstop).
// HOME is not set, as on Lambda. AWS_LAMBDA_RUNTIME_API is added by the driver.
import { randomBytes } from 'node:crypto';

/** How the environment was started: for one invoke, or ahead of time for provisioned concurrency. */
export type InitializationType = 'on-demand' | 'provisioned-concurrency';

export interface SandboxCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

export interface SandboxEnvironmentInput {
  readonly functionName: string;
  readonly version: string;
  readonly handler: string;
  readonly memorySize: number;
  readonly region: string;
  /** The function's Environment.Variables. */
  readonly variables: Readonly<Record<string, string>>;
  /** From the runtime catalog: AWS_EXECUTION_ENV, NODE_PATH, … */
  readonly launchEnv: Readonly<Record<string, string>>;
  readonly logStreamName: string;
  readonly credentials: SandboxCredentials;
  /** Hearth's own API, so the AWS SDK inside the function reaches Hearth. */
  readonly endpointUrl: string;
  /** AWS_LAMBDA_INITIALIZATION_TYPE; default `on-demand`. */
  readonly initializationType?: InitializationType;
}

// Lambda's LD_LIBRARY_PATH on its Amazon Linux runtimes.
const LD_LIBRARY_PATH =
  '/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib';
const PATH = '/usr/local/bin:/usr/bin/:/bin:/opt/bin';

export function buildSandboxEnvironment(input: SandboxEnvironmentInput): Record<string, string> {
  return {
    ...input.variables,
    ...input.launchEnv,
    PATH,
    LD_LIBRARY_PATH,
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    LAMBDA_TASK_ROOT: '/var/task',
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    _HANDLER: input.handler,
    AWS_REGION: input.region,
    AWS_DEFAULT_REGION: input.region,
    ...(input.launchEnv['AWS_EXECUTION_ENV'] !== undefined
      ? { AWS_EXECUTION_ENV: input.launchEnv['AWS_EXECUTION_ENV'] }
      : {}),
    AWS_LAMBDA_FUNCTION_NAME: input.functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(input.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: input.version,
    AWS_LAMBDA_INITIALIZATION_TYPE: input.initializationType ?? 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${input.functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStreamName,
    AWS_ACCESS_KEY_ID: input.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: input.credentials.secretAccessKey,
    AWS_SESSION_TOKEN: input.credentials.sessionToken,
    AWS_ENDPOINT_URL: input.endpointUrl,
  };
}

/** `YYYY/MM/DD/[$LATEST]<32 hex>`, as Lambda names a sandbox's log stream. */
export function newLogStreamName(version: string, now: Date, random: Buffer = randomBytes(16)): string {
  const yyyy = now.getUTCFullYear();
  const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(now.getUTCDate()).padStart(2, '0');
  return `${yyyy}/${mm}/${dd}/[${version}]${random.toString('hex')}`;
}
