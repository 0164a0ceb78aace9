// Which mounts the start-up sweep takes for /tmp disks of dead Hearth instances under any data dir.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orphanDiskMounts } from './scratch-disk.js';

const line = (point: string, fsType: string, source: string): string =>
  `36 25 7:0 / ${point} rw,nosuid,nodev,noatime shared:120 - ${fsType} ${source} rw`;

test("takes only Hearth's loop-mounted /tmp disks whose instance is gone, under any directory", () => {
  const mountInfo = [
    line('/tmp/hearth-e2e-x/data/sandboxes/111-222/3/tmp', 'ext4', '/dev/loop0'), // dead: taken
    line('/srv/other/sandboxes/111-222/disks/disk-4/tmp', 'ext4', '/dev/loop1'), // dead, a ready disk: taken
    line('/var/lib/hearth/sandboxes/333-444/3/tmp', 'ext4', '/dev/loop2'), // alive: kept
    line('/tmp/hearth-e2e-x/data/sandboxes/111-222/3/task', 'ext4', '/dev/vda'), // not a disk of ours
    line('/mnt/111-222/3/tmp', 'xfs', '/dev/loop3'), // not ext4
    line('/mnt/111-222/3/tmp', 'ext4', '/dev/sdb1'), // not a loop device
    line('/mnt/backup/111-222/tmp', 'ext4', '/dev/loop4'), // not the shape of a sandbox's disk
    '',
  ].join('\n');
  assert.deepEqual(
    orphanDiskMounts(mountInfo, (instance) => instance === '333-444'),
    ['/tmp/hearth-e2e-x/data/sandboxes/111-222/3/tmp', '/srv/other/sandboxes/111-222/disks/disk-4/tmp'],
  );
});
