import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CommandRunner } from './command-runner.js';
import { runCommand } from './run-command.js';
import { builtSandboxInit } from './sandbox-init.js';

const init = builtSandboxInit();
const skip = process.platform !== 'linux' ? 'Linux only' : init === undefined ? 'this build has no init' : undefined;

describe('command runner (init runner mode)', { skip }, () => {
  it('runs tools in /, reporting each exit status and stderr, many at once', async () => {
    const runner = new CommandRunner(init!);
    try {
      // More than the runner's 64 slots at once: the rest wait in its pipe and run as slots free up.
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

  it('runCommand rejects with the command line and the tool’s own message', async () => {
    await runCommand('/bin/true', []);
    await assert.rejects(runCommand('/bin/sh', ['-c', 'echo broken >&2; exit 1']), {
      message: '/bin/sh -c echo broken >&2; exit 1: broken',
    });
    await assert.rejects(runCommand('/bin/sh', ['-c', 'exit 2']), { message: '/bin/sh -c exit 2: exit status 2' });
  });
});
