// Can this host run isolated sandboxes? Linux, root, bubblewrap and setpriv, mkfs.ext4 and mount,
// writable cgroups (v1 or v2) with the memory, pids and cpu controllers, and a trial sandbox that
// actually starts (a container's seccomp profile or missing privileges can forbid the namespaces).
// main.ts uses the answer to pick the isolated driver, or the process driver with a loud warning.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { chooseCgroupVersion, readCgroupMounts, type CgroupHierarchy } from './cgroup-hierarchy.js';
import { fileExists } from './cgroup-files.js';
import { CgroupV1 } from './cgroup-v1.js';
import { CgroupV2 } from './cgroup-v2.js';
import { readHostLayout } from './host-layout.js';
import { builtSandboxInit } from './sandbox-init.js';
import type { ParkingNetworkTools } from './parked-launcher.js';
import type { NetworkTools } from './sandbox-network.js';

export const DEFAULT_CGROUP_PARENT = 'hearth';

export interface IsolationTools {
  readonly bwrap: string;
  readonly setpriv: string;
  /** unshare and ip, for parked launchers' network namespaces (parked-launcher.ts); undefined: bwrap makes them. */
  readonly parkingNetwork?: ParkingNetworkTools | undefined;
  /** Hearth's compiled sandbox init (sandbox-init.ts); undefined: setpriv and /bin/sh do its work. */
  readonly init?: string | undefined;
  /** undefined when socat is not installed (AWS_LAMBDA_RUNTIME_API over TCP then does not work). */
  readonly socat: string | undefined;
  /** undefined unless slirp4netns, nsenter and ip are all installed (hearth:network=internet needs them). */
  readonly network?: NetworkTools | undefined;
}

export interface IsolationSupport {
  readonly available: boolean;
  /** Why isolation is unavailable. */
  readonly reason?: string;
  readonly cgroupVersion?: 1 | 2;
  readonly tools?: IsolationTools;
  /** Isolation works, but something is degraded (e.g. no socat). */
  readonly warnings: readonly string[];
}

const TOOL_DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'];

export async function detectIsolation(cgroupParent: string = DEFAULT_CGROUP_PARENT): Promise<IsolationSupport> {
  const unavailable = (reason: string): IsolationSupport => ({ available: false, reason, warnings: [] });
  if (process.platform !== 'linux') return unavailable(`isolation needs Linux (this is ${process.platform})`);
  if (process.getuid?.() !== 0)
    return unavailable('isolation needs Hearth to run as root (cgroups, loop mounts, per-sandbox uids)');
  const bwrap = await findTool('bwrap');
  if (bwrap === undefined)
    return unavailable('bubblewrap (bwrap) is not installed (Debian: apt-get install bubblewrap)');
  const setpriv = await findTool('setpriv');
  if (setpriv === undefined) return unavailable('setpriv is not installed (Debian: util-linux)');
  for (const tool of ['mkfs.ext4', 'mount', 'umount']) {
    if ((await findTool(tool)) === undefined)
      return unavailable(`${tool} is not installed (needed for each sandbox's /tmp)`);
  }
  const version = await chooseCgroupVersion(await readCgroupMounts());
  if (version === undefined) return unavailable('no cgroup hierarchy with the memory, pids and cpu controllers');
  const cgroups = await openCgroups(cgroupParent);
  const probe = `probe-${process.pid}`;
  try {
    const cgroup = await cgroups.create(probe, 'probe', {
      memoryBytes: 64 * 1024 * 1024,
      pidsMax: 64,
      cpu: { quotaUs: undefined, periodUs: 100_000 },
    });
    await cgroup.remove();
    await cgroups.removeInstance(probe);
  } catch (error) {
    await cgroups.removeInstance(probe).catch(() => undefined);
    return unavailable(`cgroup v${version} is not writable under ${cgroupParent}: ${(error as Error).message}`);
  }
  const trial = await trialSandbox(setpriv, bwrap);
  if (trial !== undefined) return unavailable(`bubblewrap cannot create a sandbox here: ${trial}`);
  const { init, warning } = await usableInit(bwrap);
  const socat = await findTool('socat');
  // Hearth's init forwards 127.0.0.1:9001 itself; only the setpriv path needs socat.
  const warnings = [
    ...(warning !== undefined ? [warning] : []),
    ...(socat === undefined && init === undefined
      ? [
          "socat is not installed: AWS_LAMBDA_RUNTIME_API (127.0.0.1:9001) does not work inside sandboxes, only Hearth's own runtimes do (Debian: apt-get install socat)",
        ]
      : []),
  ];
  const [slirp4netns, nsenter, ip, unshare] = await Promise.all(
    ['slirp4netns', 'nsenter', 'ip', 'unshare'].map(findTool),
  );
  const parkingNetwork = unshare !== undefined && ip !== undefined ? { unshare, ip } : undefined;
  const network =
    slirp4netns !== undefined && nsenter !== undefined && ip !== undefined ? { slirp4netns, nsenter, ip } : undefined;
  return {
    available: true,
    cgroupVersion: version,
    tools: { bwrap, setpriv, init, socat, network, parkingNetwork },
    warnings,
  };
}

/** The host's cgroup hierarchy (v2 when it carries the controllers, else v1), Hearth's part under `parent`. */
export async function openCgroups(parent: string = DEFAULT_CGROUP_PARENT): Promise<CgroupHierarchy> {
  const mounts = await readCgroupMounts();
  const version = await chooseCgroupVersion(mounts);
  if (version === 2 && mounts.v2 !== undefined) return new CgroupV2(mounts.v2, parent);
  if (version === 1) return new CgroupV1(mounts.v1, parent);
  throw new Error('no cgroup hierarchy with the memory, pids and cpu controllers');
}

async function findTool(name: string): Promise<string | undefined> {
  for (const dir of TOOL_DIRS) {
    const candidate = path.join(dir, name);
    if (await fileExists(candidate)) return candidate;
  }
  return undefined;
}

/** This build's sandbox init, if it runs here (else sandboxes start through setpriv and /bin/sh), and why not. */
async function usableInit(bwrap: string): Promise<{ init?: string; warning?: string }> {
  const init = builtSandboxInit();
  if (init === undefined) return {};
  const trial = await runTrial(bwrap, [
    '--ro-bind',
    init,
    '/hearth-init',
    '--',
    '/hearth-init',
    '65534',
    '65534',
    '9001',
    '/nonexistent',
    '--',
    'true',
  ]);
  return trial === undefined
    ? { init }
    : {
        warning: `Hearth's sandbox init (${init}) does not run in a trial sandbox, so sandboxes start through setpriv, /bin/sh and socat: ${trial}`,
      };
}

/** Runs `true` in a minimal unprivileged sandbox; undefined when it worked, else bwrap's complaint. */
function trialSandbox(setpriv: string, bwrap: string): Promise<string | undefined> {
  return runTrial(bwrap, [
    '--',
    setpriv,
    '--reuid=65534',
    '--regid=65534',
    '--clear-groups',
    '--bounding-set=-all',
    '--no-new-privs',
    'true',
  ]);
}

/** bwrap with new namespaces and the system roots, then `command`; undefined when it worked, else bwrap's complaint. */
function runTrial(bwrap: string, command: readonly string[]): Promise<string | undefined> {
  const roots = readHostLayout().systemRoots.flatMap((root) =>
    root.symlink !== undefined ? ['--symlink', root.symlink, root.path] : ['--ro-bind', root.path, root.path],
  );
  const args = [
    ...['--unshare-ipc', '--unshare-pid', '--unshare-net', '--unshare-uts', '--die-with-parent', ...roots],
    '--cap-drop',
    'ALL',
    ...['--cap-add', 'CAP_SETUID', '--cap-add', 'CAP_SETGID', '--cap-add', 'CAP_SETPCAP'],
    ...command,
  ];
  return new Promise((resolve) => {
    execFile(bwrap, args, { timeout: 10_000, cwd: '/' }, (error, _stdout, stderr) =>
      resolve(error ? stderr.trim() || error.message : undefined),
    );
  });
}
