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
