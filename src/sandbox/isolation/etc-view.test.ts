import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readlink, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { etcViewEntries, prepareEtcView } from './etc-view.js';

describe('etcViewEntries', () => {
  const cases: Array<[string, string[], Array<[string, string]>]> = [
    [
      'copies each allow-listed path to the same place under the view',
      ['/etc/ssl/certs', '/etc/ld.so.cache'],
      [
        ['ssl/certs', 'copy of /etc/ssl/certs'],
        ['ld.so.cache', 'copy of /etc/ld.so.cache'],
      ],
    ],
    ['ignores what is not under /etc', ['/usr/share/zoneinfo'], []],
  ];
  for (const [name, etcPaths, expected] of cases)
    it(name, () => {
      const copies = etcViewEntries(etcPaths)
        .filter((entry) => entry.kind === 'copy')
        .map((entry) => [entry.to, entry.kind === 'copy' ? `copy of ${entry.from}` : '']);
      assert.deepEqual(copies, expected);
    });

  it('links passwd, group and resolv.conf into the sandbox Runtime API directory, and writes hosts', () => {
    const rest = etcViewEntries([]);
    assert.deepEqual(
      rest.map((entry) => [entry.to, entry.kind === 'symlink' ? entry.target : entry.kind]),
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
  it('builds the view from host paths (symlinks kept as they are) and replaces an older one', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'etc-view-'));
    try {
      const dir = path.join(root, 'etc');
      await prepareEtcView(dir, ['/etc/ld.so.cache']);
      await prepareEtcView(dir, ['/etc/ld.so.cache', '/etc/ssl/certs']);
      assert.deepEqual(await readFile(path.join(dir, 'ld.so.cache')), await readFile('/etc/ld.so.cache'));
      const certs = await readdir('/etc/ssl/certs');
      assert.deepEqual((await readdir(path.join(dir, 'ssl/certs'))).sort(), certs.sort());
      const link = certs.find((name) => name.endsWith('.0'));
      if (link !== undefined)
        assert.equal(await readlink(path.join(dir, 'ssl/certs', link)), await readlink(`/etc/ssl/certs/${link}`));
      assert.equal(await readlink(path.join(dir, 'passwd')), '/run/hearth/runtime/passwd');
      assert.match(await readFile(path.join(dir, 'hosts'), 'utf8'), /^127\.0\.0\.1\tlocalhost$/m);
      assert.equal((await lstat(dir)).mode & 0o777, 0o755);
      assert.deepEqual(
        (await readdir(root)).filter((name) => name !== 'etc'),
        [],
        'no temporary directory left',
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
