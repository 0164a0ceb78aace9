// The mount helper's life as a process: it answers, it is out of Hearth's process group (a Ctrl-C at
// Hearth's terminal signals that group, and the shutdown may still need the helper), and it ends
// when it is closed. The binds themselves are tested with real sandboxes (isolated-pool.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBindMounter } from './bind-mounter.js';
import { processStat } from './owner-identity.js';
import { eventually } from '../../testing/eventually.js';
import { processesWhere } from '../../testing/processes.js';

const mounter = createBindMounter();

/** Live (not zombie) children of this process whose command is `command`. */
function childrenNamed(command: string): number[] {
  return processesWhere((stat) => stat.parent === process.pid && stat.command === command && stat.state !== 'Z');
}

describe(
  'bind mounter helper',
  { skip: mounter === undefined ? '/usr/bin/python3 is not installed' : undefined },
  () => {
    it("answers, runs outside Hearth's process group, and ends when closed", async () => {
      // This process shares the host's mount namespace: the helper refuses, which is an answer.
      await assert.rejects(
        mounter!.bindInto([process.pid], [{ source: '/tmp', target: '/tmp' }]),
        /no process of the sandbox is in its own mount namespace/,
      );
      const [helper, ...more] = childrenNamed('python3');
      assert.ok(helper !== undefined && more.length === 0, 'one helper process');
      assert.notEqual(processStat(helper)?.group, processStat('self')?.group);

      mounter!.close();
      await eventually(() => !childrenNamed('python3').includes(helper), 10_000, 'the helper ended after close()');
    });
  },
);
