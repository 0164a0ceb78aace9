import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CommandRunner } from './command-runner.js';
import { runCommand } from './run-command.js';
import { builtSandboxInit } from './sandbox-init.js';

const init = builtSandboxInit();
const skip = process.platform !== 'linux' ? 'Linux only' : init === undefined ? 'this build has no init' : undefined;

describe('command runner (init runner mode)', { skip }, () => {
  it('runs tools in /, reporting each exit status and stderr, many at once', async () => {
    const runner = new CommandRunner(init!, 64);
    try {
      // More than the runner's 64 slots (here) at once: the rest wait in its pipe and run as slots free up.
      const exits = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          runner.run('/bin/sh', ['-c', `pwd >&2; echo " n${i}" >&2; exit ${i % 7}`]),
        ),
      );
      exits.forEach((exit, i) => assert.deepEqual(exit, { status: i % 7, stderr: `/\n n${i}\n` }));
    } finally {
      runner.close();
    }
  });

  it('reports a missing program as 127, a killed tool as 128 + signal, and keeps only 4 KB of stderr', async () => {
    const runner = new CommandRunner(init!);
    try {
      const missing = await runner.run('/no/such/tool', []);
      assert.equal(missing.status, 127);
      assert.match(missing.stderr, /\/no\/such\/tool: No such file or directory/);
      assert.equal((await runner.run('/bin/sh', ['-c', 'kill -KILL $$'])).status, 128 + 9);
      const chatty = await runner.run('/bin/sh', ['-c', 'head -c 100000 /dev/zero | tr "\\0" x >&2']);
      assert.deepEqual([chatty.status, chatty.stderr.length], [0, 4095]);
    } finally {
      runner.close();
    }
  });

  it('a runner that died is replaced by the next command; what it was running is reported failed', async () => {
    const runner = new CommandRunner(init!);
    try {
      const running = runner.run('/bin/sh', ['-c', 'kill -KILL $PPID; sleep 5']);
      assert.deepEqual(await running, { status: 126, stderr: 'the command runner ended' });
      assert.deepEqual(await runner.run('/bin/sh', ['-c', 'exit 3']), { status: 3, stderr: '' });
    } finally {
      runner.close();
    }
  });

  it('kills a tool still running at its deadline, with what it started', async () => {
    const runner = new CommandRunner(init!);
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-runner-test-'));
    try {
      // The tool starts a child of its own and waits; both must be gone after the deadline.
      const exit = await runner.run('/bin/sh', ['-c', `sleep 60 & echo $! > ${dir}/child; wait`], 300);
      assert.deepEqual(exit, { status: 137, stderr: 'still running after 300 ms: killed', timedOut: true });
      const child = Number(readFileSync(path.join(dir, 'child'), 'utf8'));
      // The runner reads its requests in order: once the next one is answered, the kill was sent.
      assert.deepEqual(await runner.run('/bin/sh', ['-c', 'exit 0']), { status: 0, stderr: '' });
      let alive = true;
      for (let i = 0; i < 200 && alive; i++) {
        alive = existsSync(`/proc/${child}`) && !readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z ');
        if (alive) await new Promise((resolve) => setTimeout(resolve, 5));
      }
      assert.equal(alive, false, 'the tool’s own child outlived the deadline');
    } finally {
      runner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('outlives a Ctrl-C or hangup at Hearth’s terminal, and its tools get those signals’ default back', async () => {
    const runner = new CommandRunner(init!);
    try {
      const parentOf = async (): Promise<{ pid: number; ignored: bigint }> => {
        const { stderr } = await runner.run('/bin/sh', ['-c', 'echo $PPID >&2; grep ^SigIgn /proc/self/status >&2']);
        const [pid, ignored] = stderr.trim().split('\n');
        return { pid: Number(pid), ignored: BigInt(`0x${ignored!.split(/\s+/)[1]}`) };
      };
      const before = await parentOf();
      // SigIgn is a mask of signal numbers - 1: SIGHUP (1) and SIGINT (2) are its lowest two bits.
      assert.equal(before.ignored & 3n, 0n, 'a tool starts with SIGINT and SIGHUP ignored');
      process.kill(before.pid, 'SIGINT');
      process.kill(before.pid, 'SIGHUP');
      assert.equal((await parentOf()).pid, before.pid, 'the same runner answers after the signals');
    } finally {
      runner.close();
    }
  });

  it('runs the built-in tools without an exec, and says when one is unknown', async () => {
    const runner = new CommandRunner(init!);
    try {
      const unknown = await runner.run(':nope', []);
      assert.deepEqual(unknown, {
        status: 2,
        stderr: ':nope: no such built-in tool, or the wrong number of arguments',
      });
      const notMounted = await runner.run(':umount', ['/proc/no/such/mount']);
      assert.equal(notMounted.status, 1);
      assert.match(notMounted.stderr, /^unmounting \/proc\/no\/such\/mount: /);
    } finally {
      runner.close();
    }
  });

  it('runCommand rejects with the command line and the tool’s own message', async () => {
    await runCommand('/bin/true', []);
    await assert.rejects(runCommand('/bin/sh', ['-c', 'echo broken >&2; exit 1']), {
      message: '/bin/sh -c echo broken >&2; exit 1: broken',
    });
    await assert.rejects(runCommand('/bin/sh', ['-c', 'exit 2']), { message: '/bin/sh -c exit 2: exit status 2' });
  });
});
