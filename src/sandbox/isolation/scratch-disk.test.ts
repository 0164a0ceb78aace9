// A sandbox's /tmp disk, made by copying a formatted template with the init's `:disk` tool (and,
// without the init, by mkfs.ext4 and mount(8)): what a function and the host would notice.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { detectIsolation } from './detect-isolation.js';
import { hasBuiltinTools } from './run-command.js';
import { createScratchDisk, DiskTemplates, type ScratchDisk } from './scratch-disk.js';

const support = await detectIsolation();
const skip = !support.available
  ? `isolation unavailable: ${support.reason}`
  : hasBuiltinTools()
    ? false
    : 'this build has no init (its built-in tools make the disks)';

const MB = 1024 * 1024;

/** The mount's line in /proc/self/mountinfo, split: [.., point, options, .., '-', type, source, ..]. */
function mountOf(point: string): { options: string; type: string; source: string } | undefined {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const fields = line.split(' ');
    if (fields[4] !== point) continue;
    const dash = fields.indexOf('-');
    return { options: fields[5]!, type: fields[dash + 1]!, source: fields[dash + 2]! };
  }
  return undefined;
}

/** Loop devices whose backing file is `image`. */
function loopsOf(image: string): string[] {
  return readdirSync('/sys/block')
    .filter((name) => name.startsWith('loop'))
    .filter((name) => {
      try {
        return readFileSync(`/sys/block/${name}/loop/backing_file`, 'utf8').trim() === image;
      } catch {
        return false;
      }
    });
}

describe('/tmp disks from a formatted template', { skip }, () => {
  it('gives each sandbox its own empty, sparse ext4 of the full size, owned by its uid; remove() frees the loop device', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hearth-disk-test-'));
    const templates = new DiskTemplates(path.join(dir, 'templates'));
    const disks: ScratchDisk[] = [];
    try {
      const [a, b] = await Promise.all([
        createScratchDisk(path.join(dir, 'a'), 64 * MB, 100_001, 100_002, templates),
        createScratchDisk(path.join(dir, 'b'), 64 * MB, 100_003, 100_004, templates),
      ]);
      disks.push(a, b);
      // One template for both (made once, concurrently asked for).
      assert.deepEqual(readdirSync(path.join(dir, 'templates')), [
        `ext4-${statSync(path.join(dir, 'a', 'tmp.img')).size}.img`,
      ]);
      for (const [disk, uid, gid] of [
        [a, 100_001, 100_002],
        [b, 100_003, 100_004],
      ] as const) {
        const mount = mountOf(disk.mountPoint);
        assert.equal(mount?.type, 'ext4');
        assert.match(mount.source, /^\/dev\/loop\d+$/);
        for (const option of ['nosuid', 'nodev', 'noatime'])
          assert.ok(mount.options.split(',').includes(option), mount.options);
        assert.deepEqual(readdirSync(disk.mountPoint), []);
        const root = statSync(disk.mountPoint);
        assert.deepEqual([root.uid, root.gid], [uid, gid]);
        // The function gets the size it asked for (ext4's own overhead is added to the image).
        const free = Number(
          execFileSync('df', ['-B1', '--output=avail', disk.mountPoint], { encoding: 'utf8' }).split('\n')[1],
        );
        assert.ok(free >= 64 * MB, `only ${free} bytes free`);
      }
      writeFileSync(path.join(a.mountPoint, 'mark'), 'a');
      assert.deepEqual(readdirSync(b.mountPoint), []);
      // Sparse: the copy holds the template's few hundred KB, not its size.
      assert.ok(statSync(path.join(dir, 'b', 'tmp.img')).blocks * 512 < 2 * MB);
      const image = path.join(dir, 'a', 'tmp.img');
      assert.equal(loopsOf(image).length, 1);
      await a.remove();
      assert.equal(mountOf(a.mountPoint), undefined);
      assert.deepEqual(loopsOf(image), []);
      assert.equal(existsSync(path.join(dir, 'a')), false);
    } finally {
      await Promise.all(disks.map((disk) => disk.remove()));
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes the template again when a disk from it failed (its file was removed)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hearth-disk-test-'));
    const templates = new DiskTemplates(path.join(dir, 't'));
    try {
      await (await createScratchDisk(path.join(dir, 'a'), 16 * MB, 0, 0, templates)).remove();
      await rm(path.join(dir, 't'), { recursive: true });
      await assert.rejects(
        createScratchDisk(path.join(dir, 'b'), 16 * MB, 0, 0, templates),
        /^Error: :disk .*: opening /,
      );
      const disk = await createScratchDisk(path.join(dir, 'c'), 16 * MB, 0, 0, templates);
      assert.equal(mountOf(disk.mountPoint)?.type, 'ext4');
      await disk.remove();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fills up with ENOSPC at its capacity', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hearth-disk-test-'));
    const disk = await createScratchDisk(path.join(dir, 'a'), 16 * MB, 0, 0, new DiskTemplates(path.join(dir, 't')));
    try {
      const chunk = Buffer.alloc(MB, 1);
      let written = 0;
      assert.throws(
        () => {
          for (;;) {
            writeFileSync(path.join(disk.mountPoint, `f${written}`), chunk);
            written++;
          }
        },
        { code: 'ENOSPC' },
      );
      assert.ok(written >= 16 && written < 24, `${written} MB written`);
    } finally {
      await disk.remove();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
