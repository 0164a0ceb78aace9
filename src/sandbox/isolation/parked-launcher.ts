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
// Each is handed out once, with its cgroup; it never ran anything of a function before.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Duplex, Readable } from 'node:stream';
import type { SandboxCgroup } from './cgroup-hierarchy.js';

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
  readonly child: ChildProcess;
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

/** Starts a launcher in `cgroup`; resolves once it has joined it, rejects if it could not. */
export function parkLauncher(cgroup: SandboxCgroup, plan: ParkingPlan): Promise<ParkedLauncher> {
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
  });
  const channel = (child.stdio as unknown as ReadonlyArray<Duplex | null>)[COMMAND_FD] as Duplex;
  channel.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const discard = async (): Promise<void> => {
    child.kill('SIGKILL');
    await exited;
    for (const stream of child.stdio) (stream as Readable | null)?.destroy();
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
    void exited.then(async () => {
      if (ready) return; // its sandbox's end, the driver's business
      await discard().catch(() => undefined);
      reject(new Error(`a parked launcher ended before it was ready (exit ${String(child.exitCode)})`));
    });
  });
}
