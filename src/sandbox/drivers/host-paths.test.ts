import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHostPath } from './host-paths.js';

const mappings = [
  { sandboxPath: '/var/task', hostPath: '/data/code/abc' },
  { sandboxPath: '/var/runtime', hostPath: '/opt/hearth/runtimes/node' },
];

test('sandbox paths become host paths, other values stay as they are', () => {
  const table: Array<[string, string]> = [
    ['/var/task', '/data/code/abc'],
    ['/var/task/bootstrap', '/data/code/abc/bootstrap'],
    ['/var/runtime/bootstrap.js', '/opt/hearth/runtimes/node/bootstrap.js'],
    [
      '/opt/nodejs/node_modules:/var/runtime/node_modules:/var/task',
      '/opt/nodejs/node_modules:/opt/hearth/runtimes/node/node_modules:/data/code/abc',
    ],
    ['/var/taskforce', '/var/taskforce'],
    ['/var/lang/lib:/lib64', '/var/lang/lib:/lib64'],
    ['http://127.0.0.1:4280/var/task', 'http://127.0.0.1:4280/var/task'],
    ['index.handler', 'index.handler'],
    ['', ''],
  ];
  for (const [value, expected] of table) assert.equal(toHostPath(value, mappings), expected, value);
});

test('/opt and the layer paths below it become the merged layers directory', () => {
  const withOpt = [...mappings, { sandboxPath: '/opt', hostPath: '/data/code/merged/f00' }];
  const table: Array<[string, string]> = [
    ['/opt/nodejs/node_modules:/var/task', '/data/code/merged/f00/nodejs/node_modules:/data/code/abc'],
    [
      '/opt/python/lib/python3.12/site-packages:/opt/python',
      '/data/code/merged/f00/python/lib/python3.12/site-packages:/data/code/merged/f00/python',
    ],
    ['/usr/bin:/opt/bin', '/usr/bin:/data/code/merged/f00/bin'],
    ['/optional', '/optional'],
  ];
  for (const [value, expected] of table) assert.equal(toHostPath(value, withOpt), expected, value);
});
