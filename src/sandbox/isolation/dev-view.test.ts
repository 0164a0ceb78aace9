import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEV_VIEW_ENTRIES, prepareDevView, usableDevView } from './dev-view.js';

const asRoot = process.getuid?.() === 0;

describe('prepareDevView', () => {
  it(
    'makes the character devices and /proc/self/fd links a runtime uses, and nothing else',
    { skip: !asRoot && 'needs root (mknod)' },
    async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'dev-view-'));
      try {
        const dir = await prepareDevView(path.join(root, 'dev'));
        assert.ok(dir !== undefined, 'device nodes work on this filesystem');
        assert.deepEqual((await readdir(dir)).sort(), DEV_VIEW_ENTRIES.map((entry) => entry.name).sort());
        const nul = await lstat(path.join(dir, 'null'));
        assert.ok(nul.isCharacterDevice());
        assert.equal(nul.mode & 0o777, 0o666);
        assert.equal(nul.rdev, (1 << 8) | 3);
        assert.equal(await readlink(path.join(dir, 'fd')), '/proc/self/fd');
        assert.equal((await lstat(dir)).mode & 0o777, 0o755);
        assert.ok(await usableDevView(dir));
        assert.deepEqual(await readdir(root), ['dev'], 'no temporary directory left');
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  );

  it('gives up (so that bwrap makes /dev) when the nodes cannot be made', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'dev-view-'));
    try {
      assert.equal(await prepareDevView(path.join(root, 'dev'), '/bin/false'), undefined);
      assert.deepEqual(await readdir(root), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('finds a view unusable without a null device, or with a plain file in its place', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'dev-view-'));
    try {
      assert.equal(await usableDevView(root), false);
      await writeFile(path.join(root, 'null'), '');
      assert.equal(await usableDevView(root), false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
