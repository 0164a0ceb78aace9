import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mountOptionsOf, usableTmpfs } from './sandbox-files-root.js';

const line = (point: string, options: string, fsType = 'tmpfs'): string =>
  `30 25 0:27 / ${point} ${options} - ${fsType} ${fsType} rw`;

describe('where per-sandbox files go', () => {
  const mountInfo = [
    line('/', 'rw,relatime', 'ext4'),
    line('/dev', 'rw,nosuid', 'devtmpfs'),
    line('/dev/shm', 'rw,nosuid,nodev'),
    line('/run', 'rw,nosuid,nodev,noexec'),
    line('/mnt/my\\040disk', 'ro'),
  ].join('\n');
  const cases: Array<[string, string, string[] | undefined]> = [
    ['a mount point itself', '/dev/shm', ['rw', 'nosuid', 'nodev']],
    ['a folder below a mount point', '/dev/shm/hearth-1-2', ['rw', 'nosuid', 'nodev']],
    ['a sibling that only shares a prefix', '/dev/shmem', ['rw', 'nosuid']],
    ['a noexec mount', '/run/user', ['rw', 'nosuid', 'nodev', 'noexec']],
    ['a mount point with a space', '/mnt/my disk/x', ['ro']],
    ['anything else: the root', '/srv', ['rw', 'relatime']],
  ];
  for (const [name, dir, options] of cases)
    it(`reads the options of ${name}`, () => assert.deepEqual(mountOptionsOf(mountInfo, dir), options));

  it('the last of two mounts at one point wins', () => {
    assert.deepEqual(mountOptionsOf([line('/dev/shm', 'rw'), line('/dev/shm', 'rw,noexec')].join('\n'), '/dev/shm'), [
      'rw',
      'noexec',
    ]);
  });

  it('uses a tmpfs only when it is there and programs may run from it', () => {
    assert.equal(
      usableTmpfs('/dev/shm', () => mountInfo),
      true,
      '/dev/shm is a writable tmpfs on Linux',
    );
    assert.equal(
      usableTmpfs('/dev/shm', () => line('/dev/shm', 'rw,noexec')),
      false,
      'noexec',
    );
    assert.equal(
      usableTmpfs('/dev/shm/hearth-no-such-folder', () => mountInfo),
      false,
      'a folder that is not there',
    );
    assert.equal(
      usableTmpfs('/proc', () => mountInfo),
      false,
      'not a tmpfs',
    );
  });
});
