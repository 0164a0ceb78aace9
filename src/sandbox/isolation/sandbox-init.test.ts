import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { builtSandboxInit } from './sandbox-init.js';

/** True when `cc` runs here: then `npm run build` must have compiled the init. */
function hasCompiler(): boolean {
  try {
    execFileSync(process.env['CC'] ?? 'cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('sandbox init build', { skip: process.platform !== 'linux' ? 'Linux only' : undefined }, () => {
  it('is compiled wherever a C compiler is installed (a compile error must not pass as "no compiler")', (t) => {
    if (!hasCompiler()) return t.skip('no C compiler here');
    assert.ok(
      builtSandboxInit() !== undefined,
      'build/native/sandbox-init is missing: see the output of npm run build',
    );
  });

  it('refuses a malformed command line with exit 125, before anything runs', (t) => {
    const init = builtSandboxInit();
    if (init === undefined) return t.skip('this build has no init');
    for (const args of [
      ['x', '1', '0', '--', 'true'],
      ['1', '1', '0', 'true'],
      ['1', '1'],
    ]) {
      let status: number | null = null;
      try {
        execFileSync(init, args, { stdio: 'ignore' });
      } catch (error) {
        status = (error as { status: number | null }).status;
      }
      assert.equal(status, 125, args.join(' '));
    }
  });

  it('forwards TCP to the unix socket both ways at once, as the sandbox user, then becomes the runtime', async (t) => {
    const init = builtSandboxInit();
    if (init === undefined) return t.skip('this build has no init');
    if (process.getuid?.() !== 0) return t.skip('needs root (it drops to uid 65534)');
    const dir = mkdtempSync(path.join(tmpdir(), 'hearth-init-test-'));
    chmodSync(dir, 0o755);
    const socketPath = path.join(dir, 'api.sock');
    // An echo server on the unix socket: what the sandbox's Runtime API socket stands for here.
    const echo = createServer((connection) => connection.pipe(connection));
    await new Promise<void>((resolve) => echo.listen(socketPath, resolve));
    chmodSync(socketPath, 0o777);
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const runtime = spawn(
      init,
      ['65534', '65534', String(port), socketPath, '--', '/bin/sh', '-c', 'id -u; exec sleep 60'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [uid] = (await once(runtime.stdout!, 'data')) as [Buffer];
      assert.equal(uid.toString().trim(), '65534');
      // Both directions at once: the client writes 4 MB before it reads anything back.
      const payload = randomBytes(4 * 1024 * 1024);
      const answers = await Promise.all(
        [payload, randomBytes(1000), Buffer.alloc(0)].map(
          (sent) =>
            new Promise<Buffer>((resolve, reject) => {
              const chunks: Buffer[] = [];
              const client = connect({ host: '127.0.0.1', port }, () => client.end(sent));
              client.on('data', (chunk: Buffer) => chunks.push(chunk));
              client.on('end', () => resolve(Buffer.concat(chunks)));
              client.on('error', reject);
            }),
        ),
      );
      assert.ok(answers[0]!.equals(payload), '4 MB came back intact');
      assert.equal(answers[1]!.length, 1000);
      assert.equal(answers[2]!.length, 0);
    } finally {
      runtime.kill('SIGKILL');
      // The forwarder is the runtime's child: it leaves with the sandbox's cgroup in Hearth; here, by pid.
      for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(socketPath)) process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      await new Promise<void>((resolve) => echo.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('held: drops to the user, says H on fd 7, then runs the runtime it is given with exactly that environment', async (t) => {
    const init = builtSandboxInit();
    if (init === undefined) return t.skip('this build has no init');
    if (process.getuid?.() !== 0) return t.skip('needs root (it drops to uid 65534)');
    const held = spawn(init, ['65534', '65534', '0', '-', '--'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', 'ignore', 'ignore', 'pipe'],
      env: { HOST_SECRET: 'x' },
    });
    const channel = (held.stdio as unknown as Duplex[])[7]!;
    const [said] = (await once(channel, 'data')) as [Buffer];
    assert.equal(said.toString(), 'H');
    // The runtime and its environment, NUL-separated, parted by an empty string.
    const script = 'echo "$(id -u) $A|$B|${HOST_SECRET:-none}"; ls /proc/self/fd';
    channel.end(['/bin/sh', '-c', script, '', 'A=1', 'B=two words', ''].join('\0'));
    const output: Buffer[] = [];
    held.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
    const [code] = (await once(held, 'exit')) as [number | null];
    assert.equal(code, 0);
    const [first, ...fds] = Buffer.concat(output).toString().trim().split('\n');
    assert.equal(first, '65534 1|two words|none');
    // ls's own directory fd besides 0–2: the channel (fd 7) is closed before the runtime runs.
    assert.ok(!fds.includes('7'), `fds: ${fds.join(' ')}`);
  });

  it('held: a channel closed without a runtime ends the init with 125, and runs nothing', async (t) => {
    const init = builtSandboxInit();
    if (init === undefined) return t.skip('this build has no init');
    if (process.getuid?.() !== 0) return t.skip('needs root (it drops to uid 65534)');
    for (const message of ['', '/bin/true\0', 'A=1\0']) {
      const held = spawn(init, ['65534', '65534', '0', '-', '--'], {
        stdio: ['ignore', 'ignore', 'pipe', 'ignore', 'ignore', 'ignore', 'ignore', 'pipe'],
      });
      const channel = (held.stdio as unknown as Duplex[])[7]!;
      await once(channel, 'data');
      channel.end(message);
      const [code] = (await once(held, 'exit')) as [number | null];
      assert.equal(code, 125, JSON.stringify(message));
    }
  });
});
