// The bubblewrap command line of one sandbox, as a pure function of what it must see. The order of
// the mounts matters: bwrap applies them top to bottom, and `--remount-ro /` comes last so the
// sandbox's root is read-only everywhere but the private /tmp.
// The options go to bwrap through `--args <fd>`, so neither the host's paths nor the function's
// environment show in the command line of the sandbox's pid 1 (readable inside at /proc/1/cmdline);
// the command itself must stay on bwrap's real command line (bwrap ignores one given through --args).

/** Where the sandbox sees its Runtime API socket's directory, and the socket in it (the directory
 *  is bound, read-only, so that nothing in the sandbox can replace the socket). */
export const SANDBOX_RUNTIME_API_DIR = '/run/hearth/runtime';
export const RUNTIME_API_SOCKET_NAME = 'api.sock';
export const SANDBOX_RUNTIME_API_SOCKET = `${SANDBOX_RUNTIME_API_DIR}/${RUNTIME_API_SOCKET_NAME}`;
/** AWS_LAMBDA_RUNTIME_API inside every sandbox, as on Lambda; Hearth's own API (AWS_ENDPOINT_URL)
 *  is served on the same address (RuntimeApiServer.serveOthers), so one forwarder serves both. */
export const RUNTIME_API_PORT = 9001;

/** A top-level directory of the host the runtime needs (/usr), or a symlink to replicate (/lib → usr/lib). */
export type SystemRoot = { readonly path: string; readonly symlink?: string };

export interface BwrapInput {
  /** Hearth's sandbox init (sandbox-init.c) as the sandbox sees it; undefined: setpriv and /bin/sh do its work. */
  readonly init?: string;
  /** setpriv (util-linux), visible inside the sandbox at the same path. */
  readonly setpriv: string;
  readonly uid: number;
  readonly gid: number;
  /** The runtime's argv, in sandbox paths. */
  readonly argv: readonly string[];
  /** The runtime's complete environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly codeDir: string;
  readonly runtimeDir: string;
  /** Host directory of the merged layers, bound read-only at /opt; undefined: an empty /opt. */
  readonly optDir?: string;
  /** Symlinks that let ES modules find the layers' node_modules (sandbox/esm-layer-paths.ts). */
  readonly esmLinks?: ReadonlyArray<{ readonly target: string; readonly at: string }>;
  /** Host directories the interpreter needs; bound read-only at the same path. */
  readonly hostPaths: readonly string[];
  /** More host directories, read-only at the given sandbox paths. */
  readonly readOnlyBinds?: ReadonlyArray<{ readonly host: string; readonly sandbox: string }>;
  readonly systemRoots: readonly SystemRoot[];
  /** Host directory bound read-only at /etc: the allow-listed host entries and the links to the
   *  sandbox's own passwd and group (etc-view.ts). */
  readonly etcDir: string;
  /** Host directories bound read-only over the view at the same path (host-layout.ts, ETC_BOUND). */
  readonly etcBound?: readonly string[];
  /** Host directory bound at /dev, devices allowed (dev-view.ts); undefined: bwrap makes /dev. */
  readonly devDir?: string;
  /** Host mount point of the sandbox's /tmp. */
  readonly tmpDir: string;
  /** Host directory holding the sandbox's Runtime API socket (named RUNTIME_API_SOCKET_NAME). */
  readonly runtimeApiDir: string;
  /** socat inside the sandbox, forwarding 127.0.0.1 ports to the sockets, where there is no init; undefined: no forwarder. */
  readonly socat?: string;
  /** An fd from which bwrap reads the seccomp filter (isolation/seccomp-filter.ts); undefined: none. */
  readonly seccompFd?: number;
  /** The launcher already is in a new, empty network namespace (parked-launcher.ts): bwrap makes none. */
  readonly launcherNetwork?: boolean;
  /** Outbound internet: bwrap reports its sandbox's pid on infoFd and waits on blockFd for the network. */
  readonly waitForNetwork?: { readonly infoFd: number; readonly blockFd: number };
}

/** True when the runtime is one of Hearth's own clients, which use the socket and need no forwarder first. */
export function usesHearthRuntimeClient(argv: readonly string[]): boolean {
  return argv.some((arg) => arg.startsWith('/var/runtime/'));
}

export interface BwrapCommand {
  /** Options, for --args. */
  readonly options: string[];
  /** What to run inside, after `--` on the command line. */
  readonly command: string[];
}

export function bwrapArguments(input: BwrapInput): BwrapCommand {
  const args = [
    // Every namespace but the user namespace: bwrap runs as root, so that it can bind what root
    // can read, and the sandbox's processes get a real, unmapped uid of their own (setpriv below).
    '--unshare-ipc',
    '--unshare-pid',
    ...(input.launcherNetwork === true ? [] : ['--unshare-net']),
    '--unshare-uts',
    '--unshare-cgroup-try',
    '--die-with-parent',
    '--new-session',
    // Only what the init (or setpriv) needs to become the sandbox's user; it drops these too.
    '--cap-drop',
    'ALL',
    '--cap-add',
    'CAP_SETUID',
    '--cap-add',
    'CAP_SETGID',
    '--cap-add',
    'CAP_SETPCAP',
    '--hostname',
    'localhost',
    '--clearenv',
  ];
  // Installed last, just before bwrap execs the command: the init and everything after run under it.
  if (input.seccompFd !== undefined) args.push('--seccomp', String(input.seccompFd));
  if (input.waitForNetwork !== undefined)
    args.push('--info-fd', String(input.waitForNetwork.infoFd), '--block-fd', String(input.waitForNetwork.blockFd));
  for (const [name, value] of Object.entries(input.env)) args.push('--setenv', name, value);
  // bwrap (as root) creates missing parents of a mount point as 0700, which the sandbox's user could
  // not traverse: every parent is made first, 0755.
  const made = new Set<string>(['/']);
  const parents = (dest: string): void => {
    const parts = dest.split('/').filter((part) => part !== '');
    for (let i = 1; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      if (made.has(dir)) continue;
      made.add(dir);
      args.push('--perms', '0755', '--dir', dir);
    }
  };
  const mount = (kind: string, source: string, dest: string): void => {
    parents(dest);
    args.push(kind, source, dest);
  };
  for (const root of input.systemRoots) {
    if (root.symlink !== undefined) args.push('--symlink', root.symlink, root.path);
    else mount('--ro-bind', root.path, root.path);
  }
  const covered = (dir: string): boolean =>
    input.systemRoots.some(
      (root) => root.symlink === undefined && (dir === root.path || dir.startsWith(`${root.path}/`)),
    );
  for (const dir of input.hostPaths) if (!covered(dir)) mount('--ro-bind', dir, dir);
  mount('--ro-bind', input.etcDir, '/etc');
  for (const dir of input.etcBound ?? []) args.push('--ro-bind', dir, dir);
  args.push('--proc', '/proc');
  if (input.devDir !== undefined) args.push('--dev-bind', input.devDir, '/dev');
  else args.push('--dev', '/dev');
  mount('--ro-bind', input.codeDir, '/var/task');
  mount('--ro-bind', input.runtimeDir, '/var/runtime');
  for (const bind of input.readOnlyBinds ?? []) mount('--ro-bind', bind.host, bind.sandbox);
  if (input.optDir === undefined) args.push('--perms', '0755', '--dir', '/opt');
  else mount('--ro-bind', input.optDir, '/opt');
  for (const link of input.esmLinks ?? []) args.push('--symlink', link.target, link.at);
  mount('--bind', input.tmpDir, '/tmp');
  mount('--ro-bind', input.runtimeApiDir, SANDBOX_RUNTIME_API_DIR);
  args.push('--remount-ro', '/');
  args.push('--chdir', '/var/task');
  return { options: args, command: input.init !== undefined ? initCommand(input, input.init) : shellCommand(input) };
}

/** The forwarder of 127.0.0.1:9001 (the Runtime API, and Hearth's API beside it) to the socket. */
function forwarder(socat: string): string[] {
  return [
    socat,
    `TCP-LISTEN:${RUNTIME_API_PORT},bind=127.0.0.1,reuseaddr,fork`,
    `UNIX-CONNECT:${SANDBOX_RUNTIME_API_SOCKET}`,
  ];
}

/**
 * Hearth's init: drops to the sandbox's user, listens on 127.0.0.1:9001 with its own forwarder to
 * the Runtime API socket (so socat is not needed, and the port listens before the runtime starts),
 * then becomes the runtime.
 */
function initCommand(input: BwrapInput, init: string): string[] {
  return [
    init,
    String(input.uid),
    String(input.gid),
    String(RUNTIME_API_PORT),
    SANDBOX_RUNTIME_API_SOCKET,
    '--',
    ...input.argv,
  ];
}

/** Without the init: setpriv, then a shell for the forwarder and the wait. */
function shellCommand(input: BwrapInput): string[] {
  return [...dropPrivileges(input), ...launcher(input)];
}

/** The sandbox's own uid and gid, no groups, no capabilities (bounding set included), no new privileges. */
function dropPrivileges(input: BwrapInput): string[] {
  return [
    input.setpriv,
    `--reuid=${input.uid}`,
    `--regid=${input.gid}`,
    '--clear-groups',
    '--inh-caps=-all',
    '--bounding-set=-all',
    '--no-new-privs',
    '--',
  ];
}

/**
 * What runs after that: the runtime itself, or a shell that first starts the TCP→unix forwarder
 * (socat) of 127.0.0.1:9001 (the Runtime API, and Hearth's API beside it), waits for the Runtime API port when the runtime is not Hearth's own client, and then
 * becomes the runtime. `unset PWD` keeps the shell's own variable out of the runtime's environment.
 */
function launcher(input: BwrapInput): string[] {
  if (input.socat === undefined) return [...input.argv];
  const lines = [`${forwarder(input.socat).join(' ')} </dev/null >/dev/null 2>&1 &`];
  if (!usesHearthRuntimeClient(input.argv)) {
    // Port 9001 listening on 127.0.0.1 in /proc/net/tcp: local address 0100007F:2329, state 0A.
    const port = RUNTIME_API_PORT.toString(16).toUpperCase().padStart(4, '0');
    lines.push(
      `i=0; until grep -qs ' 0100007F:${port} 00000000:0000 0A' /proc/net/tcp; do i=$((i+1)); [ $i -gt 5000 ] && break; done`,
    );
  }
  lines.push('unset PWD', 'exec "$@"');
  return ['/bin/sh', '-c', lines.join('\n'), 'hearth-init', ...input.argv];
}
