// The Node runtime in one file (scripts/bundle-node-runtime.mjs) and the folder the catalog mounts:
// the bundle while it is fresh, tsc's plain folder when it is missing or older, and both run a
// function the same way.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nodeRuntimeFolder } from './runtime-catalog.js';
import { parseJson as json, withSandbox } from './test-sandbox.js';

const plainDir = fileURLToPath(new URL('./node', import.meta.url));
/** build/src/runtimes → the checkout's scripts/. */
const bundler = join(dirname(dirname(dirname(dirname(plainDir)))), 'scripts', 'bundle-node-runtime.mjs');

describe('node runtime folder: bundle or plain', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'hearth-bundle-choice-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const at = (seconds: number): Date => new Date(1_700_000_000_000 + seconds * 1000);
  // [case, plain files and their times, bundle time (undefined: no bundle), expected]
  const cases: Array<[string, Record<string, number>, number | undefined, 'plain' | 'bundled']> = [
    ['no bundle', { 'bootstrap.cjs': 10 }, undefined, 'plain'],
    ['a bundle made after tsc', { 'bootstrap.cjs': 10, 'frame-client.cjs': 10, 'warm-up.mjs': 10 }, 11, 'bundled'],
    ['a bundle as old as tsc output (an npm tarball)', { 'bootstrap.cjs': 10 }, 10, 'bundled'],
    ['one module rebuilt by tsc since', { 'bootstrap.cjs': 10, 'frame-client.cjs': 12 }, 11, 'plain'],
    ['an ES module rebuilt since', { 'bootstrap.cjs': 10, 'warm-up.mjs': 12 }, 11, 'plain'],
    ['only a source map newer', { 'bootstrap.cjs': 10, 'bootstrap.cjs.map': 12 }, 11, 'bundled'],
  ];
  cases.forEach(([name, files, bundleTime, expected], i) => {
    it(`mounts the ${expected} folder with ${name}`, () => {
      const plain = join(root, `${i}`, 'node');
      const bundled = join(root, `${i}`, 'node-bundle');
      mkdirSync(plain, { recursive: true });
      for (const [file, time] of Object.entries(files)) {
        writeFileSync(join(plain, file), '');
        utimesSync(join(plain, file), at(time), at(time));
      }
      if (bundleTime !== undefined) {
        mkdirSync(bundled);
        writeFileSync(join(bundled, 'bootstrap.cjs'), '');
        utimesSync(join(bundled, 'bootstrap.cjs'), at(bundleTime), at(bundleTime));
      }
      assert.equal(nodeRuntimeFolder(plain, bundled), expected === 'plain' ? plain : bundled);
    });
  });
});

describe('node runtime: plain and bundled folders run the same function', () => {
  let bundleDir = '';
  before(() => {
    bundleDir = join(mkdtempSync(join(tmpdir(), 'hearth-bundle-')), 'node-bundle');
    execFileSync(process.execPath, [bundler, plainDir, bundleDir]);
  });
  after(() => rmSync(dirname(bundleDir), { recursive: true, force: true }));

  it('bundles the runtime into one bootstrap.cjs beside the modules it loads by path', () => {
    assert.deepEqual(readdirSync(bundleDir).sort(), ['bootstrap.cjs', 'warm-up.cjs', 'warm-up.mjs']);
  });

  const folders: Array<[string, () => string]> = [
    ['plain', () => plainDir],
    ['bundled', () => bundleDir],
  ];
  for (const [folder, dir] of folders) {
    for (const [kind, file] of [
      ['CommonJS', 'index.js'],
      ['ES module', 'index.mjs'],
    ] as const) {
      it(`runs ${kind === 'CommonJS' ? 'a CommonJS' : 'an ES module'} handler from the ${folder} folder`, async () => {
        const source =
          kind === 'CommonJS'
            ? 'exports.handler = async (e, context) => ({ got: e.n, name: context.functionName });'
            : 'export const handler = async (e, context) => ({ got: e.n, name: context.functionName });';
        await withSandbox(
          { runtime: 'nodejs20.x', handler: 'index.handler', files: { [file]: source }, runtimeDir: dir() },
          async ({ api }) => {
            const result = await api.invoke({ n: 4 });
            assert.equal(result.kind, 'response', result.body);
            assert.deepEqual(json(result.body), { got: 4, name: 'test-fn' });
          },
        );
      });
    }

    it(`falls back to HTTP on the unix socket when the server refuses frames, from the ${folder} folder`, async () => {
      const files = {
        'index.js':
          'exports.handler = async (e) => ({ got: e.n, socket: process.env._HEARTH_RUNTIME_API_SOCKET ?? null });',
      };
      await withSandbox(
        { runtime: 'nodejs20.x', handler: 'index.handler', files, runtimeDir: dir(), unixSocket: true },
        async ({ api, exited, stderr }) => {
          // A runtime that cannot fall back exits: fail then, instead of waiting for its answer forever.
          const died = exited.then(({ code }) => assert.fail(`the runtime exited (${code}): ${stderr()}`));
          const first = await Promise.race([api.invoke({ n: 1 }), died]);
          const second = await Promise.race([api.invoke({ n: 2 }), died]);
          assert.deepEqual(
            [json(first.body), json(second.body)],
            [
              { got: 1, socket: null },
              { got: 2, socket: null },
            ],
          );
          assert.deepEqual(api.upgradeRequests, ['GET /2018-06-01/hearth/frames hearth-frames/1']);
        },
      );
    });

    it(`reports an init error from the ${folder} folder`, async () => {
      const files = { 'index.js': 'exports.other = () => 1;' };
      await withSandbox(
        { runtime: 'nodejs20.x', handler: 'index.handler', files, runtimeDir: dir() },
        async ({ api, exited }) => {
          const initError = await api.initError();
          assert.equal(initError.errorType, 'Runtime.HandlerNotFound');
          assert.equal(initError.body['errorMessage'], 'index.handler is undefined or not exported');
          assert.equal((await exited).code, 129);
        },
      );
    });
  }
});
