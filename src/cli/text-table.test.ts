import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatByteSize } from './byte-size.js';
import { formatTable } from './text-table.js';

test('columns line up under their headers', () => {
  const table = formatTable(
    ['NAME', 'RUNTIME', 'STATE'],
    [
      ['hello', 'nodejs22.x', 'Active'],
      ['a-much-longer-name', 'python3.12', 'Pending'],
    ],
  );
  assert.equal(
    table,
    'NAME                RUNTIME     STATE\n' +
      'hello               nodejs22.x  Active\n' +
      'a-much-longer-name  python3.12  Pending\n',
  );
});

test('sizes read like people write them', () => {
  assert.deepEqual([0, 512, 1536, 10 * 1024 + 100, 5 * 1024 * 1024].map(formatByteSize), [
    '0 B',
    '512 B',
    '1.5 KB',
    '10 KB',
    '5.0 MB',
  ]);
});
