// Which SandboxDriver this host gets, from the `isolation` setting and what the host can do:
//   off      → the process driver, said plainly;
//   auto     → the isolated driver where detectIsolation() says it works, else the process driver
//              with a loud warning naming what is missing;
//   required → the isolated driver, or Hearth refuses to start and says why.
// The isolated driver sweeps what a previous Hearth left behind before its first sandbox.
import path from 'node:path';
import { IsolatedDriver } from './drivers/isolated-driver.js';
import { ProcessDriver } from './drivers/process-driver.js';
import { detectIsolation, openCgroups, type IsolationSupport } from './isolation/detect-isolation.js';
import { hostSeccompArch } from './isolation/seccomp-filter.js';
import type { IsolationMode } from '../config/config.js';
import type { PoolReclaim, PoolRoom } from './pool/pool-room.js';
import { poolTemplate, type LaunchTemplate } from './pool/pool-template.js';
import type { HearthApiHandler, SandboxDriver } from './sandbox-driver.js';

export interface DriverChoiceInput {
  readonly mode: IsolationMode;
  readonly dataDir: string;
  /** Hearth's API, served to isolated sandboxes on their own socket as AWS_ENDPOINT_URL. */
  readonly hearthApi: HearthApiHandler;
  /** Freeze isolated sandboxes between invocations. */
  readonly freezeIdle: boolean;
  /** Most pre-started isolated sandboxes per runtime kind (0: no pool). */
  readonly poolSize?: number;
  /**
   * Runtimes whose pool is filled at start-up (pool/pool-template.ts), before their first start;
   * asked for only when there is a pool to fill.
   */
  readonly prime?: () => Promise<ReadonlyArray<{ readonly name: string; readonly launch: LaunchTemplate }>>;
  readonly log: (line: string) => void;
}

export interface DriverChoice {
  readonly driver: SandboxDriver;
  /** One line for the start-up log: the isolation in use. */
  readonly description: string;
  /**
   * Fills the pools of `prime` (call once Hearth's API is up), every
   * pre-started sandbox taking its room from `room` (the worker manager's budget and cap).
   */
  readonly fillPools?: (room: PoolRoom) => void;
  /** Gives pre-started sandboxes' room back to the worker manager when it needs it. */
  readonly poolReclaim?: PoolReclaim;
}

export class IsolationRequiredError extends Error {
  constructor(reason: string) {
    super(`Isolation is required (HEARTH_ISOLATION=required) but unavailable: ${reason}.`);
    this.name = 'IsolationRequiredError';
  }
}

/** The pure part: what to do with a mode and what the host supports. */
export function decideIsolation(
  mode: IsolationMode,
  support: IsolationSupport | undefined,
): { readonly use: 'isolated' | 'process'; readonly warning?: string; readonly refuse?: string } {
  if (mode === 'off') return { use: 'process' };
  if (support?.available === true) return { use: 'isolated' };
  const reason = support?.reason ?? 'unknown';
  if (mode === 'required') return { use: 'process', refuse: reason };
  return {
    use: 'process',
    warning:
      `WARNING: sandboxes are NOT isolated: ${reason}. Functions run as plain processes with Hearth's ` +
      'user and see the host. Fix the cause, or set HEARTH_ISOLATION=off to silence this.',
  };
}

export async function chooseSandboxDriver(input: DriverChoiceInput): Promise<DriverChoice> {
  const processDriver = (): ProcessDriver =>
    new ProcessDriver({
      tmpBaseDir: path.join(input.dataDir, 'sandbox-tmp'),
      // Node functions with layers run from a view whose parents hold the layers' node_modules (ESM).
      viewsDir: path.join(input.dataDir, 'sandbox-views'),
    });
  const support = input.mode === 'off' ? undefined : await detectIsolation();
  const decision = decideIsolation(input.mode, support);
  if (decision.refuse !== undefined) throw new IsolationRequiredError(decision.refuse);
  if (decision.use === 'process' || support?.tools === undefined) {
    if (decision.warning !== undefined) input.log(decision.warning);
    return {
      driver: processDriver(),
      description:
        input.mode === 'off' ? 'process driver, isolation off by configuration' : 'process driver, NOT isolated',
    };
  }
  for (const warning of support.warnings) input.log(`WARNING: ${warning}`);
  const isolated = new IsolatedDriver({
    stateDir: path.join(input.dataDir, 'sandboxes'),
    cgroups: await openCgroups(),
    bwrap: support.tools.bwrap,
    setpriv: support.tools.setpriv,
    ...(support.tools.init !== undefined ? { init: support.tools.init } : {}),
    ...(support.tools.parkingNetwork !== undefined ? { parkingNetwork: support.tools.parkingNetwork } : {}),
    ...(support.tools.socat !== undefined ? { socat: support.tools.socat } : {}),
    ...(support.tools.network !== undefined ? { network: support.tools.network } : {}),
    hearthApi: input.hearthApi,
    freezeIdle: input.freezeIdle,
    poolSize: input.poolSize ?? 0,
    log: input.log,
  });
  const swept = await isolated.sweep();
  if (swept.instances.length > 0)
    input.log(`removed sandboxes left by earlier Hearth processes: ${swept.instances.join(', ')}`);
  for (const error of swept.errors) input.log(`WARNING: sweeping old sandboxes: ${error}`);
  const poolSize = input.poolSize ?? 0;
  const fillPools = (room: PoolRoom): void => {
    isolated.usePoolRoom(room);
    if (poolSize === 0 || input.prime === undefined) return;
    void input.prime().then(
      (runtimes) => {
        for (const runtime of runtimes) {
          const key = isolated.prime(poolTemplate(runtime.launch));
          if (key === undefined) continue;
          void isolated.poolReady(key, poolSize).then((ready) => {
            if (ready) input.log(`pre-started pool ready: ${poolSize} × ${runtime.name}`);
          });
        }
      },
      (error: unknown) => input.log(`WARNING: choosing the pools to fill at start failed: ${String(error)}`),
    );
  };
  return {
    fillPools,
    poolReclaim: isolated,
    driver: isolated,
    description: `isolated driver (bubblewrap namespaces, cgroup v${support.cgroupVersion ?? '?'}, own uid per sandbox${hostSeccompArch() !== undefined ? ', seccomp filter' : ''}${input.freezeIdle ? ', frozen between invocations' : ''}${support.tools.network !== undefined ? ', internet by opt-in tag' : ''}, ${poolSize > 0 ? `pre-started pool of up to ${poolSize} per runtime kind` : 'no pre-started pool'})`,
  };
}
