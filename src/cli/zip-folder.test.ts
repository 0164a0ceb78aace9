import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tempFolder } from './testing/temp-folders.js';
import { test } from 'node:test';
import yauzl from 'yauzl';
import { zipFolder } from './zip-folder.js';

interface ReadEntry {
  readonly name: string;
  readonly mode: number;
  readonly content: string;
}

async function readZip(zip: Buffer): Promise<ReadEntry[]> {
  const file = await yauzl.fromBufferPromise(zip, { lazyEntries: true });
  const entries: ReadEntry[] = [];
  for await (const entry of file.eachEntry()) {
    let content = '';
    if (!entry.fileName.endsWith('/')) {
      const stream = await file.openReadStreamPromise(entry);
      for await (const chunk of stream) content += (chunk as Buffer).toString('utf8');
    }
    entries.push({ name: entry.fileName, mode: entry.externalFileAttributes >>> 16, content });
  }
  return entries;
}

async function functionFolder(): Promise<string> {
  const dir = await tempFolder('hearth-zip-');
  await writeFile(path.join(dir, 'bootstrap'), '#!/bin/sh\necho hi\n');
  await chmod(path.join(dir, 'bootstrap'), 0o755);
  await writeFile(path.join(dir, 'index.mjs'), 'export const handler = async () => 1;\n');
  await mkdir(path.join(dir, 'lib', 'deep'), { recursive: true });
  await writeFile(path.join(dir, 'lib', 'deep', 'x.js'), 'module.exports = 2;\n');
  await mkdir(path.join(dir, '.git', 'objects'), { recursive: true });
  await writeFile(path.join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  await mkdir(path.join(dir, 'empty'));
  return dir;
}

const sha = (zip: Buffer): string => createHash('sha256').update(zip).digest('base64');

test('the executable bit survives, so a custom runtime bootstrap can run', async () => {
  const entries = await readZip(await zipFolder(await functionFolder()));
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  assert.equal(byName.get('bootstrap')?.mode, 0o100755);
  assert.equal(byName.get('index.mjs')?.mode, 0o100644);
  assert.equal(byName.get('bootstrap')?.content, '#!/bin/sh\necho hi\n');
  assert.equal(byName.get('lib/deep/x.js')?.content, 'module.exports = 2;\n');
});

test('.git is left out; an empty folder is kept', async () => {
  const names = (await readZip(await zipFolder(await functionFolder()))).map((entry) => entry.name);
  assert.deepEqual(names, ['bootstrap', 'empty/', 'index.mjs', 'lib/deep/x.js']);
});

test('the same folder gives the same bytes, whatever the timestamps, group bits or copy', async () => {
  const dir = await functionFolder();
  const first = await zipFolder(dir);
  await utimes(path.join(dir, 'index.mjs'), new Date(2030, 1, 1), new Date(2030, 1, 1));
  await chmod(path.join(dir, 'index.mjs'), 0o664);
  const copy = await tempFolder('hearth-zip-copy-');
  await cp(dir, copy, { recursive: true });
  assert.equal(sha(await zipFolder(dir)), sha(first));
  assert.equal(sha(await zipFolder(copy)), sha(first));
});

test('changing a file changes the zip', async () => {
  const dir = await functionFolder();
  const before = sha(await zipFolder(dir));
  await writeFile(path.join(dir, 'index.mjs'), 'export const handler = async () => 2;\n');
  assert.notEqual(sha(await zipFolder(dir)), before);
});

test('symbolic links are followed, and a link to an ancestor does not loop', async () => {
  const dir = await functionFolder();
  await symlink(path.join(dir, 'lib'), path.join(dir, 'linked-lib'));
  await symlink(dir, path.join(dir, 'lib', 'loop'));
  const names = (await readZip(await zipFolder(dir))).map((entry) => entry.name);
  assert.ok(names.includes('linked-lib/deep/x.js'));
  assert.ok(!names.some((name) => name.includes('loop')));
});

test('a missing, non-folder or empty path is refused with a clear message', async () => {
  await assert.rejects(zipFolder('/no/such/folder'), /No such folder: \/no\/such\/folder/);
  const dir = await tempFolder('hearth-zip-empty-');
  await assert.rejects(zipFolder(dir), /holds no files; nothing to deploy/);
  await writeFile(path.join(dir, 'file.txt'), 'x');
  await assert.rejects(zipFolder(path.join(dir, 'file.txt')), /is not a folder/);
});
