// Launchers started ahead, already inside their sandbox's cgroup (docs/isolation.md, "Launch").
// On cgroup v1 the first write of a pid into a cgroup.procs after a quiet spell waits for an RCU
// grace period (8–24 ms measured on a 2-core host; writes close together are fast), and every
// cold start used to pay it: its launcher joined the cgroup on the start's own path. A parked
// launcher is Hearth's init in `park` mode (sandbox-init.c), or without it a bash, that closed what
// Hearth inherited, joined every controller's cgroup, lowered its open-file limit, said so, and now
// only waits on fd 7 for the command it becomes (bwrap). The init reads that command in one read;
// bash reads it one byte per system call (~2 ms of the start, measured with exec tracepoints).
// The launcher also runs in a network namespace of its own, made while parking with only its
// loopback up (the init does it itself; bash needs util-linux's unshare and iproute2's ip), so that
// bwrap need not make one on the start's path (~1 ms of CPU: the namespace's sysctls and loopback
// device). That namespace is new and empty, as bwrap's --unshare-net would make it, and ends with
// the sandbox's processes.
// With the init and its command runner the launcher is forked by the runner, not by Hearth, and
// connects its fds back to the launcher socket (launcher-socket.ts; docs/isolation.md, step 2).
// Each is handed out once, with its cgroup; it never ran anything of a function before.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';
import type { SandboxCgroup } from './cgroup-hierarchy.js';
import type { CommandRunner } from './command-runner.js';
import { runnerLauncher, spawnedLauncher, type LauncherProcess } from './launcher-process.js';
import type { LauncherSocket } from './launcher-socket.js';

/** The fd on which a parked launcher reports it is ready and then reads its command. */
export const COMMAND_FD = 7;

/** How a parked launcher is started: the same for every sandbox of a driver. */
export interface ParkingPlan {
  /** Shell commands closing the fds Hearth inherited (inherited-fds.ts). */
  readonly closeInherited: string;
  readonly nofile: number;
  /** Extra fds (3–6) the launcher is given as pipes, for bwrap's --args and --seccomp. */
  readonly pipes: readonly number[];
  /** Without the init: make the sandbox's network namespace while parking; undefined: bwrap makes it at the start. */
  readonly network?: ParkingNetworkTools;
  /**
   * Hearth's sandbox init (sandbox-init.c, `park` mode) does all of this instead of bash, unshare
   * and ip, and always makes the network namespace; `closeInherited` and `network` are then unused.
   */
  readonly init?: string;
  /**
   * With the init: launchers are forked by the command runner and connect back to the launcher
   * socket (the init's `park --connect`), so Hearth forks none itself (~6 ms of its CPU each).
   */
  readonly viaRunner?: { readonly runner: CommandRunner; readonly socket: LauncherSocket };
}

export interface ParkingNetworkTools {
  /** util-linux unshare. */
  readonly unshare: string;
  /** iproute2 ip. */
  readonly ip: string;
}

export interface ParkedLauncher {
  readonly cgroup: SandboxCgroup;
  /** True when the launcher is in a network namespace of its own (bwrap must not make another). */
  readonly ownNetwork: boolean;
  /** The launcher: the sandbox's process from now on (it execs the command in place). */
  readonly child: LauncherProcess;
  /** Makes the launcher become `command`; call once (or hold instead). */
  run(command: readonly string[]): void;
  /**
   * Makes the launcher become `command` (bwrap with a held sandbox's init, isolated-driver.ts) and
   * keeps the channel open: it goes on, through bwrap, to that init.
   */
  hold(command: readonly string[]): Duplex;
  /** Kills the launcher and removes its cgroup (one never handed out). */
  discard(): Promise<void>;
}

/** Join every cgroup, cap open files, say ready, read the command (NUL-separated), become it. */
/**
 * What every launcher does first, as root, with `<n> <n cgroup.procs files> <open-file limit>` as
 * its arguments: write its own pid into each file, cap open files, set the umask. What follows
 * (the command) is left in "$@".
 */
export const JOIN_CGROUPS =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 125; n=$((n-1)); shift; done; ' +
  'ulimit -n "$1" || exit 125; shift; umask 022; ';

/** Its arguments, for `cgroup` and `nofile`. */
export function joinArguments(cgroup: SandboxCgroup, nofile: number): string[] {
  return [String(cgroup.procsFiles.length), ...cgroup.procsFiles, String(nofile)];
}

const PARK =
  JOIN_CGROUPS +
  `printf R >&${COMMAND_FD} || exit 125; ` +
  `command=(); while IFS= read -r -d '' arg <&${COMMAND_FD}; do command+=("$arg"); done; ` +
  `exec ${COMMAND_FD}<&-; [ "\${#command[@]}" -gt 0 ] || exit 125; exec "\${command[@]}"`;

/** Parking needs Hearth's init or bash (NUL-separated reads); without either every start launches as before. */
export function canPark(init: string | undefined): boolean {
  return init !== undefined || existsSync('/bin/bash');
}

/** The parked launcher's program and arguments: Hearth's init where the build has one, else bash. */
function launcherCommand(
  cgroup: SandboxCgroup,
  plan: ParkingPlan,
): { file: string; args: string[]; ownNetwork: boolean } {
  if (plan.init !== undefined) {
    const kept = plan.pipes.length > 0 ? plan.pipes.join(',') : '-';
    return {
      file: plan.init,
      args: ['park', kept, '1', String(plan.nofile), ...cgroup.procsFiles],
      ownNetwork: true,
    };
  }
  const network = plan.network;
  // In its own network namespace: the loopback up first (the sandbox's 127.0.0.1:9001 forwarder).
  const loopback = network !== undefined ? 'ip=$1; shift; "$ip" link set lo up || exit 125; ' : '';
  const bash = [
    '-c',
    plan.closeInherited + loopback + PARK,
    'hearth-sandbox',
    ...(network !== undefined ? [network.ip] : []),
    ...joinArguments(cgroup, plan.nofile),
  ];
  return network !== undefined
    ? { file: network.unshare, args: ['--net', '--', '/bin/bash', ...bash], ownNetwork: true }
    : { file: '/bin/bash', args: bash, ownNetwork: false };
}

/** A launcher forked by Hearth itself (bash without the init, or no command runner). */
function spawnLauncher(cgroup: SandboxCgroup, plan: ParkingPlan): { child: LauncherProcess; ownNetwork: boolean } {
  const { file, args, ownNetwork } = launcherCommand(cgroup, plan);
  const child = spawn(file, args, {
    env: {},
    stdio: [
      'ignore',
      'pipe',
      'pipe',
      ...[3, 4, 5, 6].map((fd) => (plan.pipes.includes(fd) ? 'pipe' : 'ignore')),
      'pipe',
    ],
    cwd: '/',
    // Its own process group, as the runner's launchers have: a Ctrl-C at Hearth's terminal reaches
    // Hearth's whole group, and must not end sandboxes its shutdown still drains.
    detached: true,
  });
  return { child: spawnedLauncher(child), ownNetwork };
}

/** A launcher forked by the command runner; resolves once all its fds have connected back. */
async function runnerForked(
  cgroup: SandboxCgroup,
  plan: ParkingPlan,
  init: string,
  via: NonNullable<ParkingPlan['viaRunner']>,
): Promise<LauncherProcess> {
  await via.socket.open();
  // Stderr last: a launcher failing before it connects says why in the runner's answer.
  const fds = [...plan.pipes, COMMAND_FD, 1, 2];
  const expected = via.socket.expect(fds);
  const kept = plan.pipes.length > 0 ? plan.pipes.join(',') : '-';
  const { id, exit } = via.runner.start(init, [
    'park',
    '--connect',
    via.socket.path,
    expected.token,
    fds.join(','),
    kept,
    '1',
    String(plan.nofile),
    ...cgroup.procsFiles,
  ]);
  void exit.finally(() => expected.cancel());
  try {
    return runnerLauncher(via.runner, id, exit, await expected.connected);
  } catch {
    const ended = await exit.catch((error: unknown) => ({ status: 126, stderr: String(error) }));
    throw new Error(`a parked launcher ended before it was ready (exit ${ended.status}): ${ended.stderr}`);
  }
}

/** Starts a launcher in `cgroup`; resolves once it has joined it, rejects if it could not. */
export async function parkLauncher(cgroup: SandboxCgroup, plan: ParkingPlan): Promise<ParkedLauncher> {
  const { child, ownNetwork } =
    plan.init !== undefined && plan.viaRunner !== undefined
      ? {
          child: await runnerForked(cgroup, plan, plan.init, plan.viaRunner).catch(async (error: unknown) => {
            await cgroup.remove().catch(() => undefined);
            throw error;
          }),
          ownNetwork: true,
        }
      : spawnLauncher(cgroup, plan);
  const channel = child.stdio[COMMAND_FD] as Duplex;
  channel.on('error', () => undefined);
  const discard = async (): Promise<void> => {
    child.kill();
    await child.exited;
    for (const stream of child.stdio) (stream as Readable | null | undefined)?.destroy();
    await cgroup.remove();
  };
  return new Promise<ParkedLauncher>((resolve, reject) => {
    let ready = false;
    channel.once('data', () => {
      ready = true;
      resolve({
        cgroup,
        ownNetwork,
        child,
        run: (command) => channel.end(command.map((arg) => `${arg}\0`).join('')),
        // An empty argument last: the init (park mode) stops reading there and leaves fd 7 open.
        hold: (command) => {
          channel.write(`${command.map((arg) => `${arg}\0`).join('')}\0`);
          return channel;
        },
        discard,
      });
    });
    void child.exited.then(async (exit) => {
      if (ready) return; // its sandbox's end, the driver's business
      await discard().catch(() => undefined);
      const said = exit.stderr !== undefined && exit.stderr !== '' ? `: ${exit.stderr}` : '';
      reject(
        new Error(`a parked launcher ended before it was ready (exit ${String(exit.code ?? exit.signal)})${said}`),
      );
    });
  });
}
