// CodeStore.mergedTree: layers laid over one another in order, as Lambda merges them into /opt.
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readdir, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CodeStore } from './code-store.js';
import { buildZip } from './zip-fixtures.js';

void describe('CodeStore.mergedTree', () => {
  let root: string;
  let store: CodeStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'hearth-merged-'));
    store = await CodeStore.open(path.join(root, 'code'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const put = async (entries: Parameters<typeof buildZip>[0]) => (await store.put(await buildZip(entries))).codeSha256;

  void it('lays later layers over earlier ones: files replaced, directories merged', async () => {
    const first = await put([
      { name: 'nodejs/node_modules/a/index.js', data: 'a from first' },
      { name: 'nodejs/node_modules/shared/index.js', data: 'shared from first' },
    ]);
    const second = await put([
      { name: 'nodejs/node_modules/b/index.js', data: 'b from second' },
      { name: 'nodejs/node_modules/shared/index.js', data: 'shared from second' },
    ]);
    const dir = await store.mergedTree([first, second]);
    const read = (file: string) => readFile(path.join(dir, 'nodejs/node_modules', file), 'utf8');
    assert.equal(await read('a/index.js'), 'a from first');
    assert.equal(await read('b/index.js'), 'b from second');
    assert.equal(await read('shared/index.js'), 'shared from second');
    const reversed = await store.mergedTree([second, first]);
    assert.notEqual(reversed, dir);
    assert.equal(
      await readFile(path.join(reversed, 'nodejs/node_modules/shared/index.js'), 'utf8'),
      'shared from first',
    );
  });

  void it('replaces a symlink of an earlier layer instead of writing through it', async () => {
    const first = await put([
      { name: 'target/keep.txt', data: 'untouched' },
      { name: 'python', data: 'target', mode: 0o120777 },
    ]);
    const second = await put([{ name: 'python/keep.txt', data: 'from second' }]);
    const dir = await store.mergedTree([first, second]);
    assert.ok((await lstat(path.join(dir, 'python'))).isDirectory());
    assert.equal(await readFile(path.join(dir, 'python/keep.txt'), 'utf8'), 'from second');
    assert.equal(await readFile(path.join(dir, 'target/keep.txt'), 'utf8'), 'untouched');
    const alone = await store.mergedTree([first]);
    assert.equal(await readlink(path.join(alone, 'python')), 'target');
  });

  void it('builds each ordered list once and reports the unzipped size of each archive', async () => {
    const only = await put([{ name: 'bin/tool', data: 'x'.repeat(1000), mode: 0o100755 }]);
    const [one, two] = await Promise.all([store.mergedTree([only]), store.mergedTree([only])]);
    assert.equal(one, two);
    assert.equal((await stat(path.join(one, 'bin/tool'))).mode & 0o777, 0o755);
    assert.deepEqual(await readdir(path.join(root, 'code', 'tmp')), []);
    assert.equal(await store.unzippedSize(only), 1000);
    const again = await store.put(await buildZip([{ name: 'bin/tool', data: 'x'.repeat(1000), mode: 0o100755 }]));
    assert.equal(again.unzippedSize, 1000);
  });
});
