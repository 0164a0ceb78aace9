// Specialising a pre-started sandbox for one function (docs/isolation.md, "Pre-started pool"):
//   1. in parallel: the cgroup gets the function's memory limit and its normal CPU weight; its code
//      and merged layers are bound read-only, nosuid, nodev at /var/task and /opt inside the
//      sandbox's own mount namespace (bind-mounter.ts; nothing on the host);
//   2. the waiting runtime gets the function's complete environment, and its connection, like any
//      later one to the sandbox's socket, goes to the function's Runtime API server
//      (specialisation-server.ts); the runtime goes on as a cold start would: it loads the handler
//      (init) and asks for its first event.
// A pre-started sandbox is handed out once (prestart-pool.ts); once specialised it belongs to that
// one environment, and so to one function version, until it is destroyed.
import type { SandboxProcess, SandboxSpec } from '../sandbox-driver.js';
import type { BindMounter, SandboxBind } from '../isolation/bind-mounter.js';
import { MB } from '../isolation/resource-limits.js';
import type { PoolMember } from '../pool/prestart-pool.js';
import type { SpecialisationServer } from '../pool/specialisation-server.js';
import type { SandboxCgroup } from '../isolation/cgroup-hierarchy.js';

/** Set in a pre-started runtime's environment: wait for the function before loading anything. */
export const PRESTARTED_VARIABLE = '_HEARTH_PRESTARTED';

/** A launched sandbox and the host-side handles the pool needs to specialise it. */
export interface Booted {
  readonly process: SandboxProcess;
  readonly cgroup: SandboxCgroup;
  readonly uid: number;
  readonly stateDir: string;
  readonly socket: string;
  /** MemorySize the invoke-time CPU quota is computed from (changed at specialisation). */
  readonly quota: { memoryMb: number };
}

export interface PrestartedSandbox extends PoolMember {
  readonly booted: Booted;
  readonly server: SpecialisationServer;
  /** The ES module links' directory it started with (the links of a function without layers). */
  readonly esmDir: string;
}

/** The environment a pre-started runtime starts with: the startup variables and the marker. */
export function prestartedEnv(startupEnv: Readonly<Record<string, string>>): Record<string, string> {
  return { ...startupEnv, [PRESTARTED_VARIABLE]: '1' };
}

export async function specialise(
  sandbox: PrestartedSandbox,
  spec: SandboxSpec,
  mounter: BindMounter,
  runtimeApiEnv: Readonly<Record<string, string>>,
  /** The function's own ES module links, when they differ from the sandbox's (isolated-driver.ts). */
  esmBinds: readonly SandboxBind[] = [],
): Promise<SandboxProcess> {
  const { booted, server } = sandbox;
  await giveFunction(booted, spec, mounter, esmBinds);
  server.answer({ ...spec.env, ...runtimeApiEnv }, spec.runtimeApi);
  const process = booted.process;
  // The pre-start listener serves the sandbox's socket for the rest of its life.
  return {
    ...process,
    destroy: () => {
      server.close();
      return process.destroy();
    },
  };
}

/**
 * What a sandbox made ahead (pre-started, or held: held-sandbox.ts) gets of its function, in
 * parallel: the memory limit and normal CPU weight on its cgroup, and the code and merged layers
 * bound read-only, nosuid, nodev at /var/task and /opt inside its own mount namespace; `alongside`
 * runs at the same time. Rejects with the first failure once every step settled, so that the
 * caller destroys the sandbox only when no mount is still under way.
 */
export async function giveFunction(
  booted: Booted,
  spec: SandboxSpec,
  mounter: BindMounter,
  esmBinds: readonly SandboxBind[],
  alongside: ReadonlyArray<Promise<unknown>> = [],
): Promise<void> {
  const binds = [
    { source: spec.codeDir, target: '/var/task' },
    ...(spec.optDir !== undefined ? [{ source: spec.optDir, target: '/opt' }] : []),
    ...esmBinds,
  ];
  const settled = await Promise.allSettled([
    // A memory-limit write can take milliseconds on a busy host: none when the limit is already right.
    spec.memoryMb !== booted.quota.memoryMb ? booted.cgroup.setMemory(spec.memoryMb * MB) : Promise.resolve(),
    booted.cgroup.setCpuWeight('normal'),
    booted.cgroup.pids().then((pids) => mounter.bindInto(pids, binds)),
    ...alongside,
  ]);
  for (const outcome of settled) if (outcome.status === 'rejected') throw outcome.reason;
  booted.quota.memoryMb = spec.memoryMb;
}
