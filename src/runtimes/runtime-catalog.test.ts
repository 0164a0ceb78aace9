import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { checkRuntime, describeInterpreters, launchFor, SUPPORTED_RUNTIMES } from './runtime-catalog.js';
import { startSandbox, testInterpreters } from './test-sandbox.js';

const missing = { node: '/nonexistent/bin/node', python: '/nonexistent/bin/python3' };

describe('runtime catalog', () => {
  it('lists the Lambda runtimes Hearth runs', () => {
    assert.deepEqual(SUPPORTED_RUNTIMES, [
      'nodejs18.x',
      'nodejs20.x',
      'nodejs22.x',
      'nodejs24.x',
      'python3.9',
      'python3.10',
      'python3.11',
      'python3.12',
      'python3.13',
      'python3.14',
      'provided',
      'provided.al2',
      'provided.al2023',
    ]);
  });

  const launches: Array<[string, string, string, Record<string, string>]> = [
    [
      'nodejs20.x',
      '/var/runtime/bootstrap.cjs',
      'bootstrap.cjs',
      {
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
        NODE_PATH:
          '/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task:/var/lang/lib/node_modules',
      },
    ],
    [
      'nodejs24.x',
      '/var/runtime/bootstrap.cjs',
      'bootstrap.cjs',
      {
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
        NODE_PATH:
          '/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task:/var/lang/lib/node_modules',
      },
    ],
    [
      'python3.12',
      '/var/runtime/bootstrap.py',
      'bootstrap.py',
      {
        AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12',
        PYTHONUNBUFFERED: '1',
        PYTHONPATH: '/opt/python/lib/python3.12/site-packages:/opt/python',
        PYTHONDONTWRITEBYTECODE: '1',
      },
    ],
    ['provided.al2023', '/var/task/bootstrap', 'README.md', {}],
  ];
  for (const [runtime, entry, fileInRuntimeDir, env] of launches) {
    it(`launches ${runtime} with ${entry}`, () => {
      const launch = launchFor(runtime, testInterpreters);
      assert.equal(launch.argv.at(-1), entry);
      assert.deepEqual(launch.env, env);
      assert.ok(existsSync(join(launch.runtimeDir, fileInRuntimeDir)), `${launch.runtimeDir} has ${fileInRuntimeDir}`);
      if (!runtime.startsWith('provided'))
        assert.equal(launch.argv[0], runtime.startsWith('node') ? testInterpreters.node : testInterpreters.python);
    });
  }

  it('names the interpreter install prefix as a host path an isolated sandbox needs', () => {
    const launch = launchFor('nodejs20.x', testInterpreters);
    assert.equal(launch.hostPaths.length, 1);
    assert.ok(testInterpreters.node.startsWith(launch.hostPaths[0]!) || existsSync(join(launch.hostPaths[0]!, 'bin')));
  });

  it('refuses a runtime it does not know', () => {
    assert.throws(() => launchFor('java21', testInterpreters), /Runtime java21 is not supported/);
  });

  it('says why a runtime cannot run here', async () => {
    assert.equal(await checkRuntime('nodejs20.x', testInterpreters), undefined);
    assert.equal(await checkRuntime('python3.12', testInterpreters), undefined);
    assert.equal(await checkRuntime('provided.al2', missing), undefined);
    assert.equal(await checkRuntime('python3.12', missing), '/nonexistent/bin/python3 not found on this host');
    assert.equal(await checkRuntime('nodejs22.x', missing), '/nonexistent/bin/node not found on this host');
    assert.equal(await checkRuntime('ruby3.3', testInterpreters), 'Runtime ruby3.3 is not supported by Hearth');
  });

  it('probes an interpreter until it is found, then no more', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-catalog-test-'));
    try {
      // A stand-in interpreter that counts its runs; absent at first.
      const node = join(dir, 'node');
      const runs = join(dir, 'runs');
      const interpreters = { node, python: missing.python };
      assert.equal(await checkRuntime('nodejs20.x', interpreters), `${node} not found on this host`);
      writeFileSync(node, `#!/bin/sh\necho run >> ${runs}\necho v20.0.0\n`, { mode: 0o755 });
      assert.equal(await checkRuntime('nodejs20.x', interpreters), undefined, 'installed since: found');
      assert.equal(await checkRuntime('nodejs22.x', interpreters), undefined);
      assert.equal(readFileSync(runs, 'utf8'), 'run\n', 'probed once after it was found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes the interpreters for the start-up log', async () => {
    const lines = await describeInterpreters(testInterpreters);
    assert.match(lines[0]!, new RegExp(`^node ${process.version} \\(.+\\) for nodejs18\\.x–nodejs24\\.x$`));
    assert.match(lines[1]!, /^Python 3\.\d+\.\d+ \(.+\) for python3\.9–python3\.14$/);
    const none = await describeInterpreters(missing);
    assert.equal(none[1], '/nonexistent/bin/python3 not found: python3.9–python3.14 functions cannot run');
  });

  it('runs a provided runtime: the function bootstrap speaks the Runtime API itself', async () => {
    const nodeRuntime = launchFor('nodejs20.x', testInterpreters).runtimeDir;
    const files = {
      // A custom runtime that happens to be Hearth's Node client, as a user could ship one.
      bootstrap: `#!/bin/sh\nexec "${testInterpreters.node}" "${nodeRuntime}/bootstrap.cjs"\n`,
      'fn.mjs': 'export const handler = async (e) => ({ custom: true, n: e.n });',
    };
    const sandbox = await startSandbox({ runtime: 'provided.al2023', handler: 'fn.handler', files });
    try {
      assert.deepEqual(JSON.parse((await sandbox.api.invoke({ n: 3 })).body), { custom: true, n: 3 });
    } finally {
      await sandbox.stop();
    }
  });
});
