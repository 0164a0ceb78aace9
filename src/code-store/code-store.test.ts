import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { LambdaError } from '../errors/lambda-error.js';
import { CodeStore, type CodeStoreOptions } from './code-store.js';
import { buildZip, declareUncompressedSize, renameEntry, shareData } from './zip-fixtures.js';

const UNZIP_FAILED = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

function rejectsWith(status: number, code: string, message: string | RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof LambdaError, `expected a LambdaError, got ${String(error)}`);
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    if (typeof message === 'string') assert.equal(error.message, message);
    else assert.match(error.message, message);
    return true;
  };
}
const unzipFailed = rejectsWith(400, 'InvalidParameterValueException', UNZIP_FAILED);

/** Every path under `dir`, relative, sorted; symlinks are listed, not followed. */
async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.sort();
}

void describe('CodeStore', () => {
  let sandbox: string; // holds the store and an "outside" directory an attack would aim at
  let storeDir: string;
  let outside: string;
  let store: CodeStore;
  const openStore = async (options: CodeStoreOptions = {}) => (store = await CodeStore.open(storeDir, options));

  beforeEach(async () => {
    sandbox = await mkdtemp(path.join(tmpdir(), 'hearth-code-store-'));
    storeDir = path.join(sandbox, 'store');
    outside = path.join(sandbox, 'outside');
    await mkdir(outside);
    await openStore();
  });
  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  /** Nothing was extracted anywhere: no tree, no temp work, nothing outside the store. */
  async function assertNothingLeft(): Promise<void> {
    assert.deepEqual(await readdir(path.join(storeDir, 'trees')), []);
    assert.deepEqual(await readdir(path.join(storeDir, 'tmp')), []);
    assert.deepEqual(await readdir(outside), []);
    assert.deepEqual((await readdir(sandbox)).sort(), ['outside', 'store']);
  }

  void it('stores a zip under its base64 SHA-256 and extracts its tree', async () => {
    const zip = await buildZip([
      { name: 'index.js', data: 'exports.handler = async () => 1;' },
      { name: 'lib/', directory: true },
      { name: 'lib/util.js', data: 'module.exports = 2;' },
    ]);
    const stored = await store.put(zip);
    assert.equal(stored.codeSha256, createHash('sha256').update(zip).digest('base64'));
    assert.equal(stored.codeSize, zip.length);
    const tree = store.treeDir(stored.codeSha256);
    assert.ok(path.isAbsolute(tree));
    assert.deepEqual(await listTree(tree), ['index.js', 'lib', 'lib/util.js']);
    assert.equal(await readFile(path.join(tree, 'lib/util.js'), 'utf8'), 'module.exports = 2;');
    assert.deepEqual(await readFile(store.zipPath(stored.codeSha256)), zip);
    assert.deepEqual(await readdir(path.join(storeDir, 'tmp')), []);
  });

  void it('keeps the executable bit, strips setuid/setgid, and normalises modes', async () => {
    const zip = await buildZip([
      { name: 'bootstrap', data: '#!/bin/sh\n', mode: 0o100755 },
      { name: 'suid', data: 'x', mode: 0o104755 },
      { name: 'sgid.txt', data: 'x', mode: 0o102640 },
      { name: 'private.txt', data: 'x', mode: 0o100600 },
      { name: 'shared/', directory: true, mode: 0o041777 },
    ]);
    const tree = store.treeDir((await store.put(zip)).codeSha256);
    const mode = async (name: string) => (await stat(path.join(tree, name))).mode & 0o7777;
    assert.equal(await mode('bootstrap'), 0o755);
    assert.equal(await mode('suid'), 0o755);
    assert.equal(await mode('sgid.txt'), 0o644);
    assert.equal(await mode('private.txt'), 0o644);
    assert.equal(await mode('shared'), 0o755);
    assert.equal(await mode('.'), 0o755);
  });

  void it('is idempotent: the same bytes twice give the same sha and one tree', async () => {
    const zip = await buildZip([{ name: 'index.js', data: 'same' }]);
    const first = await store.put(zip);
    const second = await store.put(zip);
    assert.deepEqual(second, first);
    assert.equal((await readdir(path.join(storeDir, 'trees'))).length, 1);
    assert.equal((await readdir(path.join(storeDir, 'zips'))).length, 1);
  });

  void it('handles two concurrent puts of the same bytes', async () => {
    const zip = await buildZip([{ name: 'index.js', data: 'racing' }]);
    const [a, b] = await Promise.all([store.put(zip), store.put(zip)]);
    assert.deepEqual(a, b);
    assert.deepEqual(await listTree(store.treeDir(a.codeSha256)), ['index.js']);
    assert.deepEqual(await readdir(path.join(storeDir, 'tmp')), []);
  });

  for (const [placeholder, hostile] of [
    ['XX/evil', '../evil'],
    ['XX/XX/XXXXXXX/evil', '../../outside/evil'],
    ['aXXXXXXXb', 'a/../../b'],
    ['XXXXXXx', '..\\..\\x'],
  ] as const) {
    void it(`refuses the zip-slip entry ${JSON.stringify(hostile)} and writes nothing`, async () => {
      const zip = await buildZip([
        { name: 'index.js', data: 'fine' },
        { name: placeholder, data: 'pwned' },
      ]);
      await assert.rejects(store.put(renameEntry(zip, placeholder, hostile)), unzipFailed);
      await assertNothingLeft();
    });
  }

  void it('refuses an absolute entry name and writes nothing', async () => {
    const target = path.join(outside, 'abs');
    const placeholder = 'X'.repeat(target.length);
    const zip = await buildZip([{ name: placeholder, data: 'pwned' }]);
    await assert.rejects(store.put(renameEntry(zip, placeholder, target)), unzipFailed);
    await assertNothingLeft();
  });

  void it('refuses a symlink pointing outside, and never writes through one', async () => {
    const absolute = await buildZip([{ name: 'lnk', data: outside, mode: 0o120777 }]);
    await assert.rejects(store.put(absolute), unzipFailed);
    const escaping = await buildZip([{ name: 'lib/lnk', data: '../../../outside', mode: 0o120777 }]);
    await assert.rejects(store.put(escaping), unzipFailed);
    const writeThrough = await buildZip([
      { name: 'lnk', data: outside, mode: 0o120777 },
      { name: 'lnk/pwned', data: 'pwned' },
    ]);
    await assert.rejects(store.put(writeThrough), unzipFailed);
    const chain = await buildZip([
      { name: 'a/b/up', data: '../..', mode: 0o120777 },
      { name: 'x', data: 'a/b/up/../outside', mode: 0o120777 },
    ]);
    await assert.rejects(store.put(chain), unzipFailed);
    await assertNothingLeft();
  });

  void it('keeps a symlink that points inside the tree as a link', async () => {
    const zip = await buildZip([
      { name: 'lib/real.js', data: 'real' },
      { name: 'alias.js', data: 'lib/real.js', mode: 0o120777 },
    ]);
    const tree = store.treeDir((await store.put(zip)).codeSha256);
    assert.ok((await lstat(path.join(tree, 'alias.js'))).isSymbolicLink());
    assert.equal(await readlink(path.join(tree, 'alias.js')), 'lib/real.js');
    assert.equal(await readFile(path.join(tree, 'alias.js'), 'utf8'), 'real');
  });

  void it('refuses device files and FIFOs', async () => {
    for (const mode of [0o020644, 0o060644, 0o010644]) {
      const zip = await buildZip([{ name: 'dev', data: '', mode }]);
      await assert.rejects(store.put(zip), unzipFailed, `mode ${mode.toString(8)}`);
    }
    await assertNothingLeft();
  });

  void it('refuses random bytes, an empty body and a truncated zip', async () => {
    const zip = await buildZip([{ name: 'index.js', data: randomBytes(4096) }]);
    for (const body of [randomBytes(2048), Buffer.alloc(0), zip.subarray(0, zip.length - 30), zip.subarray(0, 100)]) {
      await assert.rejects(store.put(body), unzipFailed);
    }
    await assertNothingLeft();
  });

  void it('refuses a zip over 50 MB with 413 before reading it', async () => {
    const tooBig = Buffer.alloc(52_428_801);
    await assert.rejects(
      store.put(tooBig),
      rejectsWith(413, 'RequestEntityTooLargeException', 'Zipped size must be smaller than 52428800 bytes'),
    );
    await assertNothingLeft();
  });

  void it('stops a zip bomb at the unzipped cap and leaves no temp dir', async () => {
    await openStore({ maxUnzippedBytes: 1_048_576 });
    const bomb = await buildZip([{ name: 'zeros.bin', data: Buffer.alloc(5 * 1_048_576) }]);
    assert.ok(bomb.length < 20_000, 'the fixture compresses');
    await assert.rejects(
      store.put(bomb),
      rejectsWith(400, 'InvalidParameterValueException', 'Unzipped size must be smaller than 1048576 bytes'),
    );
    await assertNothingLeft();
  });

  void it('refuses an entry that inflates past its declared size, without writing it out', async () => {
    await openStore({ maxUnzippedBytes: 1_048_576 });
    const honest = await buildZip([{ name: 'zeros.bin', data: Buffer.alloc(5 * 1_048_576) }]);
    const lying = declareUncompressedSize(honest, 0, 100);
    await assert.rejects(store.put(lying), unzipFailed);
    await assertNothingLeft();
  });

  void it('refuses entries that share compressed data (overlapping bomb)', async () => {
    const zip = await buildZip([
      { name: 'a.bin', data: Buffer.alloc(10_000) },
      { name: 'b.bin', data: Buffer.alloc(10_000) },
    ]);
    await assert.rejects(store.put(shareData(zip, 1, 0)), unzipFailed);
    await assertNothingLeft();
  });

  void it('refuses more entries than the cap', async () => {
    await openStore({ maxEntries: 3 });
    const zip = await buildZip(['a', 'b', 'c', 'd'].map((name) => ({ name, data: name })));
    await assert.rejects(
      store.put(zip),
      rejectsWith(400, 'InvalidParameterValueException', 'Zip archives must hold at most 3 entries'),
    );
    await assertNothingLeft();
  });

  void it('refuses duplicate file entries', async () => {
    const zip = await buildZip([
      { name: 'index.js', data: 'one' },
      { name: 'index.js', data: 'two' },
    ]);
    await assert.rejects(store.put(zip), unzipFailed);
    await assertNothingLeft();
  });

  void it('removes temp work left by a crash when reopened, and keeps finished trees', async () => {
    const stored = await store.put(await buildZip([{ name: 'index.js', data: 'done' }]));
    const leftover = path.join(storeDir, 'tmp', 'abc123-crashed', 'tree');
    await mkdir(leftover, { recursive: true });
    await writeFile(path.join(leftover, 'half.js'), 'exports.han');
    await openStore();
    assert.deepEqual(await readdir(path.join(storeDir, 'tmp')), []);
    assert.deepEqual(await listTree(store.treeDir(stored.codeSha256)), ['index.js']);
  });

  void it('puts a tree in place only once it is complete (no partial tree after a failure)', async () => {
    const zip = await buildZip([
      { name: 'index.js', data: 'first entry is written before the bad one' },
      { name: 'dev', data: '', mode: 0o010644 },
    ]);
    await assert.rejects(store.put(zip), unzipFailed);
    const sha = createHash('sha256').update(zip).digest('base64');
    assert.equal(existsSync(store.treeDir(sha)), false);
    assert.equal(existsSync(store.zipPath(sha)), false);
  });

  void it('rejects a CodeSha256 that is not a base64 SHA-256', () => {
    assert.throws(() => store.treeDir('../../etc'), /Not a base64 SHA-256/);
  });
});
