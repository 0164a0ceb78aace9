// A Hearth killed with -9 leaves running sandboxes behind; the next start finds and kills them.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { detectIsolation, openCgroups } from './detect-isolation.js';
import { createScratchDisk } from './scratch-disk.js';
import { sweepStale } from './stale-sweep.js';

const support = await detectIsolation();

describe('sweepStale', { skip: support.available ? false : `isolation unavailable: ${support.reason}` }, () => {
  it("kills a dead instance's processes, removes its cgroups and unmounts its /tmp, and leaves live ones alone", async () => {
    const cgroups = await openCgroups();
    const stateDir = await mkdtemp(path.join(tmpdir(), 'hearth-sweep-test-'));
    const dead = '1-1'; // pid 1 never has start time 1: a dead owner
    const live = `${process.pid}-0-not-an-instance`; // unknown names are never touched
    try {
      const cgroup = await cgroups.create(dead, 'sandbox', {
        memoryBytes: 64 * 1024 * 1024,
        pidsMax: 16,
        cpu: { quotaUs: undefined, periodUs: 100_000 },
      });
      const liveCgroup = await cgroups.create(live, 'sandbox', {
        memoryBytes: 64 * 1024 * 1024,
        pidsMax: 16,
        cpu: { quotaUs: undefined, periodUs: 100_000 },
      });
      const orphan = spawn(
        '/bin/sh',
        ['-c', `for f in ${cgroup.procsFiles.join(' ')}; do echo $$ > $f; done; exec sleep 300`],
        { stdio: 'ignore' },
      );
      const orphanGone = new Promise((resolve) => orphan.once('exit', resolve));
      const disk = await createScratchDisk(path.join(stateDir, dead, 'sandbox'), 16 * 1024 * 1024, 100_000, 100_000);
      for (let i = 0; i < 500 && (await cgroup.pids()).length === 0; i++) await new Promise((r) => setTimeout(r, 2));

      const result = await sweepStale(cgroups, stateDir);

      assert.deepEqual(result.errors, []);
      assert.ok(result.instances.includes(dead));
      assert.ok(!result.instances.includes(live));
      await orphanGone;
      assert.deepEqual(await cgroup.pids(), []);
      assert.equal(existsSync(disk.mountPoint), false, 'the /tmp mount and its image are gone');
      assert.ok((await cgroups.instances()).includes(live));
      assert.ok(!(await cgroups.instances()).includes(dead));
      await liveCgroup.remove();
      await cgroups.removeInstance(live);
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
