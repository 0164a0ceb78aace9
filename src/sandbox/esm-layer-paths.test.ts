import assert from 'node:assert/strict';
import { test } from 'node:test';
import { esmLayerFolders } from './esm-layer-paths.js';

test('ESM gets the /opt folders of NODE_PATH, in order, at most two', () => {
  const table: Array<[Record<string, string>, string[]]> = [
    [
      { NODE_PATH: '/opt/nodejs/node20/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/task' },
      ['/opt/nodejs/node20/node_modules', '/opt/nodejs/node_modules'],
    ],
    [{ NODE_PATH: '/var/runtime:/var/task' }, []],
    [{ PYTHONPATH: '/opt/python' }, []],
    [{ NODE_PATH: '/opt/a:/opt/b:/opt/c' }, ['/opt/a', '/opt/b']],
  ];
  for (const [env, expected] of table) assert.deepEqual(esmLayerFolders(env), expected);
});
