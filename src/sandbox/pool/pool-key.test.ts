import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genericSpec, poolKey, poolRefusal } from './pool-key.js';

const base: {
  id: string;
  argv: string[];
  runtimeDir: string;
  hostPaths: string[];
  codeDir: string;
  memoryMb: number;
  ephemeralStorageMb: number;
  env: Record<string, string>;
} = {
  id: 'a',
  argv: ['/usr/bin/node', '/var/runtime/bootstrap.cjs'],
  runtimeDir: '/hearth/runtimes/node',
  hostPaths: ['/usr'],
  codeDir: '/code/a',
  memoryMb: 128,
  ephemeralStorageMb: 512,
  env: { NODE_PATH: '/opt/nodejs/node_modules', TZ: ':UTC', SECRET: 'a', _HANDLER: 'index.handler' },
};

const python = { ...base, argv: ['/usr/bin/python3', '-s', '/var/runtime/bootstrap.py'] };

describe('genericSpec', () => {
  it('keeps only the variables a process reads at start', () => {
    assert.deepEqual(genericSpec(base).env, { NODE_PATH: '/opt/nodejs/node_modules', TZ: ':UTC' });
  });
});

describe('poolKey', () => {
  const key = poolKey(genericSpec(base));
  const cases: Array<[string, Partial<typeof base>, boolean]> = [
    [
      'another function, other code, variables, memory: same kind',
      { id: 'b', codeDir: '/code/b', memoryMb: 1024, env: { ...base.env, SECRET: 'b', _HANDLER: 'app.main' } },
      true,
    ],
    ['NODE_OPTIONS set: another kind', { env: { ...base.env, NODE_OPTIONS: '--enable-source-maps' } }, false],
    [
      "another NODE_PATH (another nodejs version): same kind, Hearth's Node client applies it when it specialises",
      { env: { ...base.env, NODE_PATH: '/opt/nodejs/node22/node_modules' } },
      true,
    ],
    ['another interpreter: another kind', { argv: ['/usr/local/bin/node', '/var/runtime/bootstrap.cjs'] }, false],
    ['LD_PRELOAD: another kind', { env: { ...base.env, LD_PRELOAD: '/opt/lib/x.so' } }, false],
  ];
  for (const [name, change, same] of cases) {
    it(name, () => assert.equal(poolKey(genericSpec({ ...base, ...change })) === key, same));
  }

  it('another NODE_PATH for a client that does not read it again: another kind', () => {
    const withPath = (path: string) => ({ ...python, env: { ...python.env, NODE_PATH: path } });
    assert.notEqual(poolKey(genericSpec(withPath('/opt/a'))), poolKey(genericSpec(withPath('/opt/b'))));
  });

  it("another PYTHONPATH (another python version): same kind, Hearth's Python client applies it when it specialises", () => {
    const withPath = (path: string) => ({ ...python, env: { ...python.env, PYTHONPATH: path } });
    assert.equal(
      poolKey(genericSpec(withPath('/opt/python/lib/python3.12/site-packages:/opt/python'))),
      poolKey(genericSpec(withPath('/opt/python/lib/python3.13/site-packages:/opt/python'))),
    );
  });

  it('another PYTHONPATH for the Node client (which does not read it again): another kind', () => {
    assert.notEqual(poolKey(genericSpec({ ...base, env: { ...base.env, PYTHONPATH: '/opt/x' } })), key);
  });
});

describe('poolRefusal', () => {
  const cases: Array<[string, Partial<typeof base>, string | undefined]> = [
    ["Hearth's Node client, 512 MB /tmp", {}, undefined],
    ["Hearth's Python client", { argv: ['/usr/bin/python3', '-s', '/var/runtime/bootstrap.py'] }, undefined],
    ['a custom runtime', { argv: ['/var/task/bootstrap'] }, 'runtime client cannot be specialised'],
    ['a larger /tmp', { ephemeralStorageMb: 1024 }, 'EphemeralStorage is not 512 MB'],
  ];
  for (const [name, change, expected] of cases) {
    it(name, () => assert.equal(poolRefusal({ ...base, ...change }), expected));
  }
});
