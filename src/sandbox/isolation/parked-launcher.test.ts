// A parked launcher is in its cgroup before anybody asks for it, then becomes exactly the command
// it is given, with its open-file limit and without the fd it was given the command on.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { detectIsolation, openCgroups } from './detect-isolation.js';
import { closeFdsScript, inheritedFds } from './inherited-fds.js';
import { LauncherSocket } from './launcher-socket.js';
import { processStat } from './owner-identity.js';
import type { SandboxCgroup } from './cgroup-hierarchy.js';
import {
  COMMAND_FD,
  parkLauncher,
  type ParkedLauncher,
  type ParkingNetworkTools,
  type ParkingPlan,
} from './parked-launcher.js';
import { commandRunner } from './run-command.js';

const support = await detectIsolation();
const skip = !support.available ? `isolation unavailable: ${support.reason}` : '';

/** Runs `test` with a fresh sandbox cgroup of this process, removed afterwards. */
async function inTestCgroup(name: string, test: (cgroup: SandboxCgroup) => Promise<void>): Promise<void> {
  const cgroups = await openCgroups();
  const instance = `${process.pid}-${name}`;
  const cgroup = await cgroups.create(instance, 'sandbox', {
    memoryBytes: 64 * 1024 * 1024,
    pidsMax: 32,
    cpu: { quotaUs: undefined, periodUs: 100_000 },
  });
  try {
    await test(cgroup);
  } finally {
    await cgroup.remove();
    await cgroups.removeInstance(instance).catch(() => undefined);
  }
}

/** Has the parked launcher become `command` and returns what it printed. */
async function runParked(launcher: ParkedLauncher, command: string[]): Promise<string> {
  let output = '';
  const stdout = launcher.child.stdio[1] as Readable;
  const read = new Promise((resolve) => stdout.once('end', resolve));
  stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  launcher.run(command);
  await launcher.child.exited;
  await read;
  return output;
}

const runner = commandRunner();
const socketDir = mkdtempSync(path.join(tmpdir(), 'hearth-parked-test-'));
after(() => rmSync(socketDir, { recursive: true, force: true }));

/** The ways to park: Hearth's init forked by the command runner or by Hearth (when this build has one), and bash. */
const modes: ReadonlyArray<{ name: string; init?: string; viaRunner?: ParkingPlan['viaRunner']; skip?: string }> = [
  support.tools?.init !== undefined && runner !== undefined
    ? {
        name: "Hearth's init, forked by the command runner",
        init: support.tools.init,
        viaRunner: { runner, socket: new LauncherSocket(path.join(socketDir, 'launchers.sock')) },
      }
    : { name: "Hearth's init, forked by the command runner", skip: 'this build has no init' },
  support.tools?.init !== undefined
    ? { name: "Hearth's init", init: support.tools.init }
    : { name: "Hearth's init", skip: 'this build has no init' },
  existsSync('/bin/bash') ? { name: 'bash' } : { name: 'bash', skip: 'no /bin/bash' },
];

for (const mode of modes) {
  describe(`parkLauncher (${mode.name})`, { skip: skip || mode.skip || false }, () => {
    /** The plan the driver would make: the init, or bash closing what this test process inherited. */
    const plan = (pipes: number[], nofile: number, network?: ParkingNetworkTools): ParkingPlan => ({
      closeInherited: closeFdsScript(inheritedFds().filter((fd) => !pipes.includes(fd) && fd !== COMMAND_FD)).script,
      nofile,
      pipes,
      ...(mode.init !== undefined ? { init: mode.init } : network !== undefined ? { network } : {}),
      ...(mode.viaRunner !== undefined ? { viaRunner: mode.viaRunner } : {}),
    });

    it('joins its cgroup ahead, then becomes its command with fds 0–2 (and its own pipes) only', () =>
      inTestCgroup('parked-test', async (cgroup) => {
        const launcher = await parkLauncher(cgroup, plan([3], 77));
        assert.deepEqual(await cgroup.pids(), [launcher.child.pid], 'in its cgroup before it was asked for anything');
        const output = await runParked(launcher, [
          '/bin/sh',
          '-c',
          'echo "$$ $(ulimit -n) $(umask)"; for fd in 3 4 5 6 7 8 9 10; do [ -e /proc/$$/fd/$fd ] && printf "%s " $fd; done; echo',
        ]);
        const [pid, nofile, umask, ...fds] = output.trim().split(/\s+/);
        assert.equal(Number(pid), launcher.child.pid, 'the launcher became the command (same process)');
        assert.equal(nofile, '77');
        assert.equal(umask, '0022');
        assert.deepEqual(fds, ['3'], 'its own pipe only: fd 7, on which it got the command, is closed');
      }));

    it("is outside Hearth's process group, which a Ctrl-C at its terminal signals", () =>
      inTestCgroup('parked-group', async (cgroup) => {
        const launcher = await parkLauncher(cgroup, plan([], 64));
        assert.notEqual(processStat(launcher.child.pid!)?.group, processStat('self')?.group);
        assert.equal(await runParked(launcher, ['/bin/sh', '-c', 'echo fine']), 'fine\n');
      }));

    // Only launchers the runner forked depend on it.
    if (mode.viaRunner !== undefined)
      it('is reported ended (126) when the command runner dies under it; the next one parks with a new runner', async () => {
        await inTestCgroup('parked-runner-death', async (cgroup) => {
          const launcher = await parkLauncher(cgroup, plan([3], 64));
          const runnerPid = processStat(launcher.child.pid!)!.parent;
          launcher.run(['/bin/sleep', '60']);
          process.kill(runnerPid, 'SIGKILL');
          assert.equal((await launcher.child.exited).code, 126);
          await inTestCgroup('parked-runner-next', async (next) => {
            const again = await parkLauncher(next, plan([3], 64));
            assert.equal(await runParked(again, ['/bin/sh', '-c', 'echo fine']), 'fine\n');
          });
        });
      });

    it('waits in a new network namespace of its own, with only its loopback up', async (t) => {
      const network = support.tools?.parkingNetwork;
      if (network === undefined) return t.skip('no unshare or ip on this host (ip also reads the namespace here)');
      await inTestCgroup('parked-net-test', async (cgroup) => {
        const launcher = await parkLauncher(cgroup, plan([], 64, network));
        assert.equal(launcher.ownNetwork, true);
        const output = await runParked(launcher, [
          '/bin/sh',
          '-c',
          `readlink /proc/$$/ns/net; ${network.ip} -o link show; ${network.ip} -o -4 addr show`,
        ]);
        const [namespace, ...lines] = output.trim().split('\n');
        assert.notEqual(namespace, readlinkSync('/proc/self/ns/net'), 'not the host network namespace');
        const links = lines.filter((line) => /^\d+: /.test(line) && line.includes('link/'));
        assert.equal(links.length, 1, output);
        assert.match(links[0]!, /^1: lo: <LOOPBACK,UP,LOWER_UP>/);
        assert.ok(
          lines.some((line) => / lo +inet 127\.0\.0\.1\/8 /.test(line)),
          output,
        );
      });
    });
  });
}
