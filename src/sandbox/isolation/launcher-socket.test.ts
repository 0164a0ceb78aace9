// The launcher socket pairs each connection with the launcher and fd it names, and hands it over
// with nothing of what followed the greeting lost; a connection it does not expect is closed.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LauncherSocket } from './launcher-socket.js';

const dir = mkdtempSync(path.join(tmpdir(), 'hearth-launcher-socket-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Connects and writes each text apart (10 ms between); `closed` settles when the socket closes. */
async function connect(
  socketPath: string,
  ...writes: string[]
): Promise<{ socket: net.Socket; closed: Promise<unknown> }> {
  const socket = net.connect(socketPath);
  const closed = once(socket, 'close');
  await once(socket, 'connect');
  for (const text of writes) {
    socket.write(text);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { socket, closed };
}

describe('LauncherSocket', { skip: process.platform !== 'linux' ? 'Linux only' : false }, () => {
  it('gives each fd its connection once all have come, with what followed the greeting', async () => {
    const launchers = new LauncherSocket(path.join(dir, 'a', 'launchers.sock'));
    await launchers.open();
    try {
      assert.equal(statSync(launchers.path).mode & 0o777, 0o600);
      const expected = launchers.expect([3, 7]);
      // The greeting in two pieces, the launcher's "R" right behind it in the same write.
      const { socket: seven } = await connect(launchers.path, `${expected.token} 7`, ' 4242\nR');
      const { socket: three } = await connect(launchers.path, `${expected.token} 3 4242\n`);
      const launcher = await expected.connected;
      assert.equal(launcher.pid, 4242);
      assert.deepEqual([...launcher.fds.keys()].sort(), [3, 7]);
      const channel = launcher.fds.get(7)!;
      const [ready] = (await once(channel, 'data')) as [Buffer];
      assert.equal(ready.toString(), 'R');
      // Both ways: what Hearth writes on fd 3 reaches the launcher.
      launcher.fds.get(3)!.end('options');
      const [options] = (await once(three, 'data')) as [Buffer];
      assert.equal(options.toString(), 'options');
      seven.destroy();
      three.destroy();
    } finally {
      launchers.close();
    }
  });

  it('closes a connection with an unknown token, an fd not expected, or a greeting that never ends', async () => {
    const launchers = new LauncherSocket(path.join(dir, 'b', 'launchers.sock'));
    await launchers.open();
    try {
      const expected = launchers.expect([1]);
      for (const greeting of ['nobody 1 1\n', `${expected.token} 2 1\n`, 'x'.repeat(400)]) {
        await (
          await connect(launchers.path, greeting)
        ).closed;
      }
      expected.cancel();
      await assert.rejects(expected.connected, /ended before it connected all its fds/);
    } finally {
      launchers.close();
    }
  });
});
