// Builds a new ExecutionEnvironment for a function: runtime launch spec, per-sandbox credentials,
// the from-scratch environment variables and the log stream. The place that turns a FunctionRecord
// into a SandboxSpec.
import { randomUUID } from 'node:crypto';
import type { FunctionRecord } from '../control-plane/function-record.js';
import { hearthTagSettings } from '../control-plane/hearth-tags.js';
import type { LogSink } from '../observability/log-sink.js';
import type { RuntimeLaunch } from '../runtimes/runtime-catalog.js';
import type { SandboxDriver } from '../sandbox/sandbox-driver.js';
import { ExecutionEnvironment } from '../sandbox/execution-environment.js';
import {
  buildSandboxEnvironment,
  newLogStreamName,
  type InitializationType,
  type SandboxCredentials,
} from '../sandbox/sandbox-environment.js';

export type LaunchFor = (runtime: string) => RuntimeLaunch;

/** Temporary credentials for one sandbox, valid until revoke(). */
export interface IssuedCredentials extends SandboxCredentials {
  revoke(): void;
}

export type IssueCredentials = (functionName: string) => Promise<IssuedCredentials>;

export interface EnvironmentFactoryDeps {
  readonly launchFor: LaunchFor;
  readonly issueCredentials: IssueCredentials;
  readonly logs: LogSink;
  readonly region: string;
  /** Hearth's API URL, handed to functions as AWS_ENDPOINT_URL (known once the server listens). */
  readonly endpointUrl: () => string;
  /** Host directory of the function's merged layers (seen at /opt); undefined when it has none. */
  readonly layersDirFor?: (fn: FunctionRecord) => Promise<string | undefined>;
  /** Test override of the init deadline (default max(10 s, Timeout)). */
  readonly initTimeoutMs?: number;
}

export async function createEnvironment(
  fn: FunctionRecord,
  codeDir: string,
  driver: SandboxDriver,
  deps: EnvironmentFactoryDeps,
  onGone: () => void,
  initializationType: InitializationType = 'on-demand',
): Promise<ExecutionEnvironment> {
  const launch = deps.launchFor(fn.runtime);
  const optDir = await deps.layersDirFor?.(fn);
  const credentials = await deps.issueCredentials(fn.name);
  const logStreamName = newLogStreamName(fn.version, new Date());
  const hearth = hearthTagSettings(fn.tags, fn.memorySize);
  const env = buildSandboxEnvironment({
    functionName: fn.name,
    version: fn.version,
    handler: fn.handler,
    memorySize: fn.memorySize,
    region: deps.region,
    variables: fn.environment,
    launchEnv: launch.env,
    logStreamName,
    credentials,
    endpointUrl: deps.endpointUrl(),
    initializationType,
  });
  return new ExecutionEnvironment(
    {
      functionName: fn.name,
      version: fn.version,
      memorySizeMb: fn.memorySize,
      timeoutSeconds: fn.timeout,
      ...(hearth.unboundedTimeout ? { unboundedTimeout: true } : {}),
      logStreamName,
      initializationType,
      ...(deps.initTimeoutMs !== undefined ? { initTimeoutMs: deps.initTimeoutMs } : {}),
      spec: {
        id: `${fn.name}-${randomUUID()}`,
        argv: launch.argv,
        env,
        codeDir,
        runtimeDir: launch.runtimeDir,
        ...(optDir !== undefined ? { optDir } : {}),
        hostPaths: launch.hostPaths,
        ...(launch.readOnlyBinds !== undefined ? { readOnlyBinds: launch.readOnlyBinds } : {}),
        memoryMb: fn.memorySize,
        ...(hearth.memoryBurstMb !== undefined ? { memoryBurstMb: hearth.memoryBurstMb } : {}),
        ...(hearth.internet ? { internet: true } : {}),
        ephemeralStorageMb: fn.ephemeralStorage,
      },
    },
    {
      driver,
      logs: deps.logs,
      onGone: () => {
        credentials.revoke();
        onGone();
      },
    },
  );
}
