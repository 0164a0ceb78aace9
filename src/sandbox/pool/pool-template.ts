// The spec a runtime's pool is primed with at start-up, before any function of it has started:
// the runtime's launch and the environment every function of it gets, with placeholders for what
// belongs to one function. Only the generic part (pool-key.ts) is ever used to start a sandbox,
// so no placeholder reaches a runtime.
import type { ReadOnlyBind, SandboxSpec } from '../sandbox-driver.js';
import { buildSandboxEnvironment } from '../sandbox-environment.js';
import { POOLED_EPHEMERAL_STORAGE_MB } from './pool-key.js';

/** The shape of a runtime launch (runtimes/runtime-catalog.ts). */
export interface LaunchTemplate {
  readonly argv: readonly string[];
  readonly runtimeDir: string;
  readonly hostPaths: readonly string[];
  readonly readOnlyBinds?: readonly ReadOnlyBind[];
  readonly env: Readonly<Record<string, string>>;
}

export function poolTemplate(launch: LaunchTemplate): Omit<SandboxSpec, 'runtimeApi'> {
  const env = buildSandboxEnvironment({
    functionName: 'pool-template',
    version: '$LATEST',
    handler: 'index.handler',
    memorySize: 128,
    region: 'us-east-1',
    variables: {},
    launchEnv: launch.env,
    logStreamName: 'pool-template',
    credentials: { accessKeyId: '', secretAccessKey: '', sessionToken: '' },
    endpointUrl: '',
  });
  return {
    id: 'pool-template',
    argv: launch.argv,
    env,
    codeDir: '',
    runtimeDir: launch.runtimeDir,
    hostPaths: launch.hostPaths,
    ...(launch.readOnlyBinds !== undefined ? { readOnlyBinds: launch.readOnlyBinds } : {}),
    memoryMb: 128,
    ephemeralStorageMb: POOLED_EPHEMERAL_STORAGE_MB,
  };
}
