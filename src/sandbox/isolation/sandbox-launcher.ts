// How a sandbox's bwrap is started as root inside its cgroup (docs/isolation.md, "How one sandbox
// starts", steps 2–3): through the cgroup's parked launcher when it has one (parked-launcher.ts),
// else through a launcher started on the spot that joins the cgroup, caps open files and execs
// bwrap. bwrap reads its options on one pipe and the seccomp filter on another; a sandbox with
// outbound internet also reports its pid and waits for its network (sandbox-network.ts). The
// SandboxProcess it returns ends everything in the cgroup when it is destroyed.
import { spawn, type ChildProcess } from 'node:child_process';
import { spawnedLauncher } from './launcher-process.js';
import type { Duplex, Readable, Writable } from 'node:stream';
import type { SandboxExit, SandboxProcess } from '../sandbox-driver.js';
import type { BwrapCommand } from './bwrap-arguments.js';
import type { SandboxCgroup } from './cgroup-hierarchy.js';
import { closeFdsScript } from './inherited-fds.js';
import {
  COMMAND_FD,
  JOIN_CGROUPS,
  joinArguments,
  type ParkedLauncher,
  type ParkingNetworkTools,
  type ParkingPlan,
} from './parked-launcher.js';
import { DEFAULT_NOFILE, MB } from './resource-limits.js';
import { sandboxExit } from './sandbox-exit.js';
import { attachNetwork, type NetworkTools } from './sandbox-network.js';

/** The launcher run as root: join every cgroup, cap open files, become the next command. */
const JOIN_CGROUP_AND_EXEC = JOIN_CGROUPS + 'exec "$@"';

/** The fd on which bwrap reads its options, and the one with the seccomp filter. */
const ARGS_FD = 3;
export const SECCOMP_FD = 4;
/** With internet: bwrap writes its sandbox's pid to one, and waits on the other until the network is up. */
export const INFO_FD = 5;
export const BLOCK_FD = 6;

export interface LauncherConfig {
  /** What Hearth inherited without close-on-exec: closed before anything else runs. */
  readonly inherited: readonly number[];
  /** The encoded seccomp filter; undefined: none. */
  readonly seccomp: Buffer | undefined;
  readonly bwrap: string;
  /** For sandboxes with outbound internet. */
  readonly network: NetworkTools | undefined;
  /** Where a sandbox with internet must never connect. */
  readonly blocked: Parameters<typeof attachNetwork>[1];
  /** Freeze the sandbox between invocations. */
  readonly freezeIdle: boolean;
  /** unshare and ip: parked launchers make their sandbox's network namespace ahead. */
  readonly parkingNetwork?: ParkingNetworkTools | undefined;
  /** Hearth's sandbox init: it parks launchers (and makes their network namespace) itself. */
  readonly init?: string | undefined;
}

/** A held sandbox's init, waiting for its runtime (sandbox-init.c, held_runtime). */
export interface HeldRuntime {
  /** Resolves once the init waits (it said "H"); rejects if the channel ended first. */
  readonly ready: Promise<void>;
  /** Gives the init its runtime and environment; call once. */
  run(argv: readonly string[], env: Readonly<Record<string, string>>): void;
}

/** The init's side of the protocol on the channel: "H" from it, then `<argv…> "" <NAME=value…>` to it. */
function heldRuntime(channel: Duplex): HeldRuntime {
  const ready = new Promise<void>((resolve, reject) => {
    const ended = (): void => reject(new Error('the held sandbox ended before it was ready'));
    channel.once('data', () => {
      channel.off('close', ended);
      resolve();
    });
    channel.once('close', ended);
  });
  ready.catch(() => undefined);
  return {
    ready,
    run: (argv, env) => {
      const fields = [...argv, '', ...Object.entries(env).map(([name, value]) => `${name}=${value}`)];
      channel.end(fields.map((field) => `${field}\0`).join(''));
    },
  };
}

export class SandboxLauncher {
  constructor(private readonly config: LauncherConfig) {}

  /** How parked launchers start (parked-launcher.ts): as launch() below, without internet. */
  parkingPlan(): ParkingPlan {
    const pipes = this.launchPipes(false);
    const closing = this.config.inherited.filter((fd) => !pipes.includes(fd) && fd !== COMMAND_FD);
    // The script runs in bash, which closes any fd number.
    return {
      closeInherited: closeFdsScript(closing).script,
      nofile: DEFAULT_NOFILE,
      pipes,
      ...(this.config.parkingNetwork !== undefined ? { network: this.config.parkingNetwork } : {}),
      ...(this.config.init !== undefined ? { init: this.config.init } : {}),
    };
  }

  /** The fds a launcher gets as pipes: bwrap's arguments, its seccomp filter, with internet its info and block fds. */
  private launchPipes(internet: boolean): number[] {
    return [
      ARGS_FD,
      ...(this.config.seccomp !== undefined ? [SECCOMP_FD] : []),
      ...(internet ? [INFO_FD, BLOCK_FD] : []),
    ];
  }

  /** A launcher started on the spot: it joins the cgroup, caps open files and becomes `command`. */
  private spawnLauncher(
    cgroup: SandboxCgroup,
    nofile: number,
    pipes: readonly number[],
    command: readonly string[],
    /** A held sandbox: fd 7 is its init's channel (held-sandbox.ts). */
    hold: boolean,
  ): ChildProcess {
    // What Hearth inherited is closed, but for the fds the pipes replace.
    const closeInherited = closeFdsScript(
      this.config.inherited.filter((fd) => !pipes.includes(fd) && !(hold && fd === COMMAND_FD)),
    );
    return spawn(
      closeInherited.shell,
      [
        '-c',
        closeInherited.script + JOIN_CGROUP_AND_EXEC,
        'hearth-sandbox',
        ...joinArguments(cgroup, nofile),
        ...command,
      ],
      {
        env: {},
        stdio: [
          'ignore',
          'pipe',
          'pipe',
          ...[3, 4, 5, 6].map((fd) => (pipes.includes(fd) ? 'pipe' : 'ignore')),
          ...(hold ? ['pipe' as const] : []),
        ],
        cwd: '/',
        // Not in Hearth's process group (a Ctrl-C at its terminal): see parked-launcher.ts.
        detached: true,
      },
    );
  }

  /** Runs bwrap in the sandbox's cgroup: through its parked launcher when it has one, else through a new one. */
  launch(
    cgroup: SandboxCgroup,
    launcher: ParkedLauncher | undefined,
    nofile: number,
    bwrapCommand: BwrapCommand,
    release: () => Promise<void>,
    internet: boolean,
    initialised: () => Promise<void>,
    /** A held sandbox (its command names no runtime): its init waits on fd 7 (held-sandbox.ts). */
    hold = false,
  ): [SandboxProcess, Promise<void> | undefined, HeldRuntime | undefined] {
    const pipes = this.launchPipes(internet);
    const command = [this.config.bwrap, '--args', String(ARGS_FD), '--', ...bwrapCommand.command];
    const child = launcher?.child ?? spawnedLauncher(this.spawnLauncher(cgroup, nofile, pipes, command, hold));
    const held = !hold ? undefined : heldRuntime(launcher?.hold(command) ?? (child.stdio[COMMAND_FD] as Duplex));
    if (!hold) launcher?.run(command);
    // bwrap reads its arguments NUL-separated from fd 3, and the filter's instructions from fd 4.
    const stdio = child.stdio;
    const stdout = stdio[1] as Readable;
    const stderr = stdio[2] as Readable;
    const feed = (fd: number, data: Buffer | string): void => {
      const pipe = stdio[fd] as Writable;
      pipe.on('error', () => undefined);
      pipe.end(data);
    };
    feed(ARGS_FD, bwrapCommand.options.map((arg) => `${arg}\0`).join(''));
    if (this.config.seccomp !== undefined) feed(SECCOMP_FD, this.config.seccomp);
    const network =
      internet && this.config.network !== undefined
        ? this.connectNetwork(stdio[INFO_FD] as Readable, stdio[BLOCK_FD] as Writable, this.config.network, {
            shell: '/bin/sh',
            script: JOIN_CGROUP_AND_EXEC,
            args: joinArguments(cgroup, nofile),
          })
        : undefined;
    network?.catch(() => undefined);

    const exited: Promise<SandboxExit> = child.exited.then(({ code, signal }) => sandboxExit(code, signal));
    // When the runtime ends, whatever it left in its cgroup ends too.
    void exited.then(() => cgroup.kill().catch(() => undefined));
    let destroying: Promise<void> | undefined;
    let killing: Promise<void> | undefined;
    // bwrap, and at the same time every task in the cgroup: none of them runs again once this resolves.
    const killAll = (): Promise<void> =>
      (killing ??= (async () => {
        // A frozen task takes SIGKILL only once thawed.
        cgroup.setFrozen(false);
        child.kill();
        await cgroup.kill('signalled').catch(() => undefined);
      })());
    const sandbox: SandboxProcess = {
      stdout,
      stderr,
      exited,
      maxMemoryUsedMb: async () => Math.ceil((await cgroup.peakMemoryBytes().catch(() => 0)) / MB),
      // The invoke-time CPU quota goes on in the background: the first invoke does not wait for
      // two cgroup writes (about 1 ms through the thread pool), and runs unthrottled meanwhile.
      initialised: () => {
        void initialised().catch(() => undefined);
        return Promise.resolve();
      },
      ...(this.config.freezeIdle ? { setFrozen: (frozen: boolean) => void cgroup.setFrozen(frozen) } : {}),
      destroy: () => {
        destroying ??= (async () => {
          await killAll();
          await exited;
          stdout.destroy();
          stderr.destroy();
          // release() empties the cgroup (waiting for every task to exit), then removes the rest.
          await release();
        })();
        return destroying;
      },
      processesKilled: () => killAll(),
    };
    return [sandbox, network, held];
  }

  /** bwrap's sandbox pid from --info-fd, slirp4netns and the routes for it, then --block-fd released. */
  private async connectNetwork(
    info: Readable,
    block: Writable,
    tools: NetworkTools,
    join: { shell: string; script: string; args: readonly string[] },
  ): Promise<void> {
    block.on('error', () => undefined);
    // Read on to the end (bwrap writes the rest of its JSON after the pid; a closed pipe would kill
    // it with SIGPIPE), but go on as soon as the pid is there.
    let text = '';
    const pid = await new Promise<number>((resolve) => {
      const found = (): number => Number(/"child-pid"\s*:\s*(\d+)/.exec(text)?.[1]);
      info.on('data', (chunk: Buffer) => {
        if (text.length < 4096) text += chunk.toString('utf8');
        if (found() > 0) resolve(found());
      });
      info.on('error', () => resolve(0));
      info.on('close', () => resolve(found()));
    });
    if (!(pid > 0)) throw new Error(`bwrap did not report its sandbox's pid: ${text}`);
    await attachNetwork(pid, this.config.blocked, tools, join);
    block.end('1');
  }
}
