import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readlink, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { etcViewEntries, prepareEtcView } from './etc-view.js';

describe('etcViewEntries', () => {
  it('makes an empty mount point for each bound directory under /etc, and nothing for others', () => {
    const points = etcViewEntries(['/etc/ssl/certs', '/etc/alternatives', '/usr/share/zoneinfo'])
      .filter((entry) => entry.kind === 'mount-point')
      .map((entry) => entry.to);
    assert.deepEqual(points, ['ssl/certs', 'alternatives']);
  });

  it('links passwd, group and resolv.conf into the sandbox Runtime API directory, and writes hosts', () => {
    assert.deepEqual(
      etcViewEntries([]).map((entry) => [entry.to, entry.kind === 'symlink' ? entry.target : entry.kind]),
      [
        ['passwd', '/run/hearth/runtime/passwd'],
        ['group', '/run/hearth/runtime/group'],
        ['resolv.conf', '/run/hearth/runtime/resolv.conf'],
        ['hosts', 'file'],
      ],
    );
  });
});

describe('prepareEtcView', () => {
  it('copies the host files at their /etc paths, makes the mount points, and replaces an older view', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'etc-view-'));
    try {
      const dir = path.join(root, 'etc');
      await prepareEtcView(dir, ['/etc/hostname'], []);
      await prepareEtcView(dir, ['/etc/ld.so.cache', '/etc/ssl/openssl.cnf'], ['/etc/ssl/certs']);
      assert.deepEqual(await readFile(path.join(dir, 'ld.so.cache')), await readFile('/etc/ld.so.cache'));
      assert.deepEqual(await readFile(path.join(dir, 'ssl/openssl.cnf')), await readFile('/etc/ssl/openssl.cnf'));
      assert.deepEqual(await readdir(path.join(dir, 'ssl/certs')), [], 'an empty mount point, not a copy');
      assert.deepEqual((await readdir(dir)).sort(), ['group', 'hosts', 'ld.so.cache', 'passwd', 'resolv.conf', 'ssl']);
      assert.equal(await readlink(path.join(dir, 'passwd')), '/run/hearth/runtime/passwd');
      assert.match(await readFile(path.join(dir, 'hosts'), 'utf8'), /^127\.0\.0\.1\tlocalhost$/m);
      assert.equal((await lstat(dir)).mode & 0o777, 0o755);
      assert.deepEqual(await readdir(root), ['etc'], 'no temporary directory left');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('fails, leaving nothing, when a host file cannot be copied', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'etc-view-'));
    try {
      await assert.rejects(prepareEtcView(path.join(root, 'etc'), ['/etc/no-such-file-here'], []));
      assert.deepEqual(await readdir(root), []);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
